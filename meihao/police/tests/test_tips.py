"""一街区一片警, tips: a resident sends a tip or hazard to their block's officer, who alone reads
it with the reporter's name; the reporter is told only that it was handled. Community staff,
grid workers, neighbours and other officers never read it; the police of the area see it on
the command view without the reporter, unless the reporter allowed it."""

import pytest

from meihao.cases import services as case_services
from meihao.cases.models import Case, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.notify.models import Message
from meihao.police import selectors, services
from meihao.police.models import Tip

TIP = "巷口有人连续几晚撬电动车锁，穿黑色外套。"


def send(personas, actor=None, **kwargs):
    values = {"kind": "0101", "description": TIP, **kwargs}
    return services.tip_send(actor=actor or personas.resident_a, **values)


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_tip_goes_straight_to_the_blocks_officer(personas, block, officer):
    tip = send(personas)
    case = tip.case
    assert case.case_type.code == "TIP" and case.number.startswith("JW")
    assert case.status == Status.DISPATCHED and case.assigned_user == officer
    assert tip.block == block and tip.place_path == personas.tree.grid_a1.path
    told = Message.objects.filter(kind="case_dispatched")
    assert [m.recipient for m in told] == [officer]
    # No official of the place hears of it.
    assert not Message.objects.exclude(recipient=officer).exclude(recipient__isnull=True).exists()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"kind": ""}, "kind"),
        ({"kind": "0999"}, "kind"),
        ({"description": ""}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"lat": "north", "lon": "111.2"}, "location"),
        ({"lat": "nan", "lon": "111.2"}, "location"),
        ({"lat": "95", "lon": "111.2"}, "location"),
    ],
)
def test_bad_tips_are_refused_and_write_nothing(personas, block, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        send(personas, **kwargs)
    assert refused.value.field == field
    assert not Case.objects.exists() and not Tip.objects.exists()


def test_no_block_no_tip(personas, block):
    with pytest.raises(ValidationFailed) as refused:
        send(personas, actor=personas.resident_b)  # community B has no block
    assert refused.value.code == "no_officer" and not Case.objects.exists()


def test_only_the_officer_and_the_reporter_read_it(personas, block, officer, colleague):
    case = send(personas).case
    for user in (officer, personas.resident_a):
        assert selectors.tip_get(user, case.number) == case
    for user in (
        colleague,
        personas.community_staff_a,
        personas.grid_worker_a,
        personas.street_chief_a,
        personas.district_admin,
        personas.resident_b,
        personas.volunteer_a,
    ):
        with pytest.raises(NotFound):
            selectors.tip_get(user, case.number)
        assert not Case.objects.visible_to(user).filter(pk=case.pk).exists()


def test_the_area_sees_it_without_the_reporter_unless_allowed(personas, block, colleague):
    hidden = send(personas)
    shared = send(personas, share_identity=True, idempotency_key="shared-tip-1")
    area = {tip.pk: tip for tip in selectors.area_open_tips(colleague)}
    assert set(area) == {hidden.pk, shared.pk}
    assert not area[hidden.pk].identity_shared and area[shared.pk].identity_shared
    assert not selectors.area_tips(personas.community_staff_a).exists()


def test_the_officer_acts_and_the_reporter_learns_only_that_it_was_handled(
    personas, block, officer, django_capture_on_commit_callbacks
):
    tip = send(personas)
    case = services.tip_start(actor=officer, case=fresh(tip.case))
    assert case.status == Status.IN_PROGRESS and Tip.objects.get(pk=tip.pk).acted_at
    with django_capture_on_commit_callbacks(execute=True):
        case = services.tip_close(
            actor=officer, case=fresh(case), outcome="acted", note="已抓获嫌疑人张某，移交刑侦。"
        )
    assert case.status == Status.CLOSED and Tip.objects.get(pk=tip.pk).outcome == "acted"
    told = Message.objects.filter(recipient=personas.resident_a)
    assert told.count() == 1
    body = told.get().body + told.get().subject
    assert "已处理" in body and "张某" not in body and "片警甲" not in body


def test_bad_closing_is_refused_and_nobody_else_closes(personas, block, officer, colleague):
    case = send(personas).case
    with pytest.raises(ValidationFailed) as refused:
        services.tip_close(actor=officer, case=fresh(case), outcome="arrested", note="x")
    assert refused.value.field == "outcome"
    with pytest.raises(ValidationFailed) as refused:
        services.tip_close(actor=officer, case=fresh(case), outcome="acted", note="")
    assert refused.value.field == "note"
    with pytest.raises(NotFound):
        services.tip_close(actor=colleague, case=fresh(case), outcome="acted", note="x")
    with pytest.raises(PermissionDenied):
        services.tip_close(actor=personas.resident_a, case=fresh(case), outcome="acted", note="x")
    assert fresh(case).status == Status.DISPATCHED


def test_the_reporter_may_withdraw_it(personas, block):
    case = send(personas).case
    case = case_services.case_void(case=fresh(case), actor=personas.resident_a, reason="看错了")
    assert case.status == Status.VOID


def test_the_officers_reading_is_audited_the_reporters_not(personas, block, officer):
    case = send(personas).case
    AuditEvent.objects.all().delete()
    selectors.tip_get(personas.resident_a, case.number)
    selectors.tip_get(officer, case.number)
    assert list(AuditEvent.objects.filter(action="read:case").values_list("actor", flat=True)) == [
        officer.pk
    ]
