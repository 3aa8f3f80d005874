"""The right people learn of each step of a case, once, and only when the step happened."""

import pytest
import time_machine
from django.db import transaction

from meihao.cases import services
from meihao.cases.sla import sla_sweep
from meihao.cases.tests.conftest import local
from meihao.notify.fanout import fan_out_due
from meihao.notify.models import FanOut, Message


def kinds_for(user) -> list[str]:
    return list(Message.objects.filter(recipient=user).values_list("kind", flat=True))


def test_new_case_reaches_the_dispatchers_of_its_place_only(
    personas, new_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case(actor=personas.resident_a)
        # Filing records one event; the worker finds the dispatchers once the filing commits.
        assert FanOut.objects.get().idempotency_key == f"case:{case.pk}:submitted"
        assert kinds_for(personas.street_chief_a) == []
    assert FanOut.objects.get().status == FanOut.Status.DONE
    assert kinds_for(personas.street_chief_a) == ["case_new_in_area"]
    assert kinds_for(personas.community_staff_a) == ["case_new_in_area"]
    # The district admin dispatches too (core.roles.OFFICIALS), so hears of every new case.
    assert kinds_for(personas.district_admin) == ["case_new_in_area"]
    for outside in (personas.grid_worker_b, personas.resident_b, personas.department_staff):
        assert kinds_for(outside) == []
    message = Message.objects.get(recipient=personas.street_chief_a)
    assert message.link.startswith("/cases/")
    assert "乱摆卖" in message.body or "流动摊贩" in message.body
    # The sweep running the event again writes nothing twice.
    FanOut.objects.update(status=FanOut.Status.PENDING)
    fan_out_due()
    assert kinds_for(personas.street_chief_a) == ["case_new_in_area"]


def test_a_notice_written_later_by_the_worker_is_dated_when_the_case_was_filed(personas, new_case):
    filed_at = local(2024, 5, 20, 9, 0)
    with time_machine.travel(filed_at, tick=False), transaction.atomic():
        case = new_case()
    with time_machine.travel(local(2024, 5, 20, 9, 5), tick=False):
        assert fan_out_due() == {"done": 1}
    message = Message.objects.get(recipient=personas.street_chief_a, kind="case_new_in_area")
    assert message.created_at == filed_at == case.created_at


def test_a_dispatcher_filing_a_case_is_not_told_of_it(
    personas, new_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new_case(actor=personas.community_staff_a)
    assert kinds_for(personas.community_staff_a) == []
    assert kinds_for(personas.street_chief_a) == ["case_new_in_area"]


def test_the_loop_notifies_department_verifier_and_reporter(personas, new_case):
    case = new_case(actor=personas.resident_a)
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    assert kinds_for(personas.department_staff) == ["case_dispatched"]

    services.case_report_back(case=case, actor=personas.department_staff, note="已清理")
    assert kinds_for(personas.grid_worker_a) == ["case_awaiting_verification"]
    assert kinds_for(personas.grid_worker_b) == []

    services.case_verify_close(case=case, actor=personas.grid_worker_a)
    assert "case_closed" in kinds_for(personas.resident_a)
    # The actor is not told of their own action.
    assert "case_closed" not in kinds_for(personas.grid_worker_a)


def test_a_dispatch_to_a_team_tells_each_member_once_and_not_the_rest_of_the_department(
    personas, new_case, street_team
):
    from meihao.core.roles import Role
    from meihao.core.testing import make_user
    from meihao.people.models import RoleAssignment, TeamMember

    team = street_team
    # department_staff is both the department's staff and a member of the team.
    TeamMember.objects.create(team=team, person=personas.department_staff.person)
    elsewhere = make_user("13800000099", "城管乙")
    RoleAssignment.objects.create(
        user=elsewhere, role=Role.DEPARTMENT_STAFF, organisation=personas.department
    )
    case = new_case()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department, team=team
    )
    assert kinds_for(personas.department_staff) == ["case_dispatched"]
    assert kinds_for(elsewhere) == []


def test_a_rolled_back_action_notifies_nobody(personas, new_case):
    case = new_case(actor=personas.resident_a)
    before = Message.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_dispatch(
            case=case, actor=personas.street_chief_a, organisation=personas.department
        )
        raise RuntimeError("the request failed after the dispatch")
    assert Message.objects.count() == before
    assert kinds_for(personas.department_staff) == []


def test_overdue_sends_one_digest_per_street_chief_and_never_twice(personas, new_case):
    with time_machine.travel(local(2024, 5, 20, 9, 0), tick=False):
        for _ in range(3):
            case = new_case()
            services.case_dispatch(
                case=case, actor=personas.street_chief_a, organisation=personas.department
            )
    # 乱摆卖 allows 2 working hours: due 11:00; the district hears at 200%, 15:30.
    sla_sweep(local(2024, 5, 20, 11, 30))
    sla_sweep(local(2024, 5, 20, 11, 35))
    digests = Message.objects.filter(recipient=personas.street_chief_a, kind="case_overdue")
    assert digests.count() == 1
    assert digests.get().subject.startswith("3")
    assert not Message.objects.filter(kind="case_overdue", recipient=personas.district_admin)

    sla_sweep(local(2024, 5, 20, 16, 0))
    assert (
        Message.objects.filter(kind="case_overdue", recipient=personas.district_admin).count() == 1
    )
    assert digests.count() == 1
