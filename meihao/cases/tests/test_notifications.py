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


# ---------------------------------------------------------------------------------------------
# Every message says which problem it is about in the reader's words, and links to its page.

GRID_A1 = "骑楼社区第1网格"


def _says_which_problem(message, case, excerpt="流动摊贩在学校门口摆卖") -> None:
    """The class by its name and never by its code, the place, the description's first words."""
    assert "乱摆卖" in message.subject and GRID_A1 in message.subject, message.subject
    assert "乱摆卖" in message.body and GRID_A1 in message.body, message.body
    assert excerpt in message.body
    assert "0501" not in message.subject + message.body
    assert message.link == f"/cases/{case.number}/"


def test_each_message_of_the_loop_names_class_place_and_description(
    personas, new_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case(actor=personas.resident_a)
    new = Message.objects.get(recipient=personas.street_chief_a, kind="case_new_in_area")
    _says_which_problem(new, case)
    assert new.subject.startswith(f"新案件 {case.number}：乱摆卖（{GRID_A1}）：“流动摊贩"), (
        new.subject
    )

    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    dispatched = Message.objects.get(recipient=personas.department_staff, kind="case_dispatched")
    _says_which_problem(dispatched, case)
    assert dispatched.body == (
        f"请在时限内处置案件 {case.number}：乱摆卖（{GRID_A1}）：“流动摊贩在学校门口摆卖”"
    )

    services.case_return(case=case, actor=personas.department_staff, reason="不归我们管")
    _says_which_problem(
        Message.objects.get(recipient=personas.street_chief_a, kind="case_returned"), case
    )
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    services.case_report_back(case=case, actor=personas.department_staff, note="已清理")
    _says_which_problem(
        Message.objects.get(recipient=personas.grid_worker_a, kind="case_awaiting_verification"),
        case,
    )
    services.case_verify_close(case=case, actor=personas.grid_worker_a)
    closed = Message.objects.get(recipient=personas.resident_a, kind="case_closed")
    _says_which_problem(closed, case)


def test_a_long_description_is_quoted_by_its_first_words(personas, new_case):
    long = "流动摊贩每天傍晚在实验小学门口摆卖烧烤和饮料，油烟很大，学生放学时堵住了人行道"
    case = new_case(description=long)
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    body = Message.objects.get(recipient=personas.department_staff).body
    quote = body.rsplit("“", 1)[1].removesuffix("”")
    words = quote.rstrip(".…")  # the ellipsis is the reader's language's
    assert len(quote) <= 20 and len(words) >= 15 and long.startswith(words)


def test_a_message_in_english_names_the_class_in_english(personas, new_case, vending):
    from meihao.notify.models import Preference

    vending.name_en = "Street vending"
    vending.save()
    Preference.objects.create(user=personas.department_staff, language="en")
    case = new_case()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    message = Message.objects.get(recipient=personas.department_staff)
    assert message.subject == f"Dispatched to you: Street vending at {GRID_A1}"
    assert "乱摆卖" not in message.body and "Street vending" in message.body


# ---------------------------------------------------------------------------------------------
# Department staff learn of a case dispatched to them, however it was dispatched, exactly once.


def _second_staff(personas):
    """A second member of the department's staff."""
    from meihao.core.roles import Role
    from meihao.core.testing import make_user
    from meihao.people.models import RoleAssignment

    user = make_user("13800000099", "城管乙")
    RoleAssignment.objects.create(
        user=user, role=Role.DEPARTMENT_STAFF, organisation=personas.department
    )
    return user


def test_an_auto_routed_case_tells_each_staff_member_of_the_department_once(
    personas, new_case, grid_type, django_capture_on_commit_callbacks
):
    second = _second_staff(personas)
    grid_type.dispatch_mode = grid_type.DispatchMode.AUTO
    grid_type.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case()
    assert case.assigned_organisation == personas.department and case.assigned_team is None
    for staff in (personas.department_staff, second):
        message = Message.objects.get(recipient=staff)
        assert message.kind == "case_dispatched"
        _says_which_problem(message, case)
    # The dispatchers still hear of the new case; nobody hears of the routing twice.
    assert kinds_for(personas.street_chief_a) == ["case_new_in_area"]


def test_an_auto_routed_case_for_a_team_tells_its_members_once_and_not_the_rest(
    personas, new_case, grid_type, street_team, django_capture_on_commit_callbacks
):
    from meihao.people.models import TeamMember

    second = _second_staff(personas)
    TeamMember.objects.create(team=street_team, person=personas.department_staff.person)
    grid_type.dispatch_mode = grid_type.DispatchMode.AUTO
    grid_type.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case()
    assert case.assigned_team == street_team
    assert kinds_for(personas.department_staff) == ["case_dispatched"]
    assert kinds_for(second) == []


def test_dispatching_on_the_board_tells_the_team_members_once_per_case(
    client, personas, new_case, street_team
):
    from django.urls import reverse

    from meihao.people.models import TeamMember

    second = _second_staff(personas)
    TeamMember.objects.create(team=street_team, person=personas.department_staff.person)
    cases = [new_case(description=f"摊贩{i}占道") for i in range(2)]
    client.force_login(personas.street_chief_a)
    response = client.post(reverse("cases:bulk_dispatch"), {"cases": [c.number for c in cases]})
    assert response.status_code == 302
    messages = Message.objects.filter(recipient=personas.department_staff).order_by("link")
    assert [m.kind for m in messages] == ["case_dispatched", "case_dispatched"]
    assert sorted(m.link for m in messages) == sorted(f"/cases/{c.number}/" for c in cases)
    assert {m.body.rsplit("“", 1)[1] for m in messages} == {"摊贩0占道”", "摊贩1占道”"}
    assert kinds_for(second) == []
    assert kinds_for(personas.street_chief_a) == []


def test_overdue_tells_the_people_handling_each_case_once(personas, new_case, street_team):
    from meihao.core.testing import make_user
    from meihao.people.models import TeamMember

    second = _second_staff(personas)
    member = make_user("13800000098", "城管队员")
    TeamMember.objects.create(team=street_team, person=member.person)
    with time_machine.travel(local(2024, 5, 20, 9, 0), tick=False):
        to_department = new_case(description="学校门口有流动摊贩")
        services.case_dispatch(
            case=to_department, actor=personas.street_chief_a, organisation=personas.department
        )
        to_team = new_case(description="菜市场外占道经营")
        services.case_dispatch(
            case=to_team,
            actor=personas.street_chief_a,
            organisation=personas.department,
            team=street_team,
        )
    for user in (personas.department_staff, second, member):
        Message.objects.filter(recipient=user).delete()  # the dispatch notices

    sla_sweep(local(2024, 5, 20, 11, 30))  # 乱摆卖: due 11:00
    for staff in (personas.department_staff, second):
        digest = Message.objects.get(recipient=staff)
        assert digest.kind == "case_overdue"
        assert digest.link == "/cases/queue/?overdue=1"
        assert digest.subject.startswith("1")
        assert to_department.number in digest.body and "学校门口有流动摊贩" in digest.body
        assert to_team.number not in digest.body
        assert f"乱摆卖（{GRID_A1}）" in digest.body and "0501" not in digest.body
    digest = Message.objects.get(recipient=member)
    assert to_team.number in digest.body and "菜市场外占道经营" in digest.body
    assert to_department.number not in digest.body
    # Told once: neither the next sweep nor the district's threshold tells them again.
    sla_sweep(local(2024, 5, 20, 11, 35))
    sla_sweep(local(2024, 5, 20, 16, 0))
    for user in (personas.department_staff, second, member):
        assert kinds_for(user) == ["case_overdue"]


def test_dispatchers_get_one_digest_of_the_new_cases_in_their_own_scope(personas, new_case):
    from meihao.notify.digests import send_due_digests
    from meihao.notify.selectors import inbox_list

    with time_machine.travel(local(2024, 5, 20, 9, 1), tick=False), transaction.atomic():
        in_a = [new_case(), new_case(description="井盖缺失，行人易摔倒")]
    with time_machine.travel(local(2024, 5, 20, 9, 3), tick=False), transaction.atomic():
        in_b = new_case(
            actor=personas.grid_worker_b, place=personas.tree.grid_b1, lat=23.405, lon=111.305
        )
    with time_machine.travel(local(2024, 5, 20, 9, 4), tick=False):
        fan_out_due()
        assert send_due_digests() == 0  # the window is still open
    with time_machine.travel(local(2024, 5, 20, 9, 15), tick=False):
        send_due_digests()

    (digest,) = inbox_list(personas.street_chief_a)
    assert digest.subject == "辖区有 2 件新案件"
    assert digest.link == "/cases/board/?sort=-created_at"
    listed = [entry.link for entry in digest.digest_entries.all()]
    assert listed == [f"/cases/{case.number}/" for case in in_a]
    # Street A's chief never hears of street B's case; the district admin hears of all three.
    assert in_b.number not in digest.body
    assert "井盖缺失" in digest.body and "流动摊贩" in digest.body
    (of_district,) = inbox_list(personas.district_admin)
    assert of_district.subject == "辖区有 3 件新案件"
    assert in_b.number in of_district.body
