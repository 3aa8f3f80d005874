"""心灵驿站: a resident asks for an appointment with their community's counsellor, who sets it,
holds the session and keeps notes only they read; a resident in crisis is referred — the
community's staff are alerted without learning what was said. Nobody else reads a request."""

import datetime

import pytest
from django.utils import timezone

from meihao.cases import services as case_services
from meihao.cases.models import Case, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.counselling import selectors, services
from meihao.counselling.models import Counselling, CounsellingNote
from meihao.notify.models import Message

SECRET = "丈夫去世后整夜失眠，觉得活着没意思。"


def ask(personas, **kwargs):
    values = {"topic": "0101", "words": "工作日晚上有空", **kwargs}
    return services.counselling_ask(actor=personas.resident_a, **values)


def fresh(case):
    return Case.objects.get(pk=case.pk)


def soon(hours=24) -> str:
    return (timezone.localtime() + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def schedule(counsellor, case):
    return services.counselling_schedule(
        actor=counsellor, case=fresh(case), at=soon(), room="骑楼社区心灵驿站"
    )


def test_a_resident_asks_and_the_counsellor_is_told_the_topic_only(
    personas, counsellor, other_counsellor
):
    found = ask(personas, words="想聊聊孩子的事")
    assert found.case.case_type.code == "COUNSEL" and found.case.number.startswith("XL")
    told = Message.objects.get(kind="counselling_asked")
    assert told.recipient == counsellor and "孩子" not in told.body


def test_no_counsellor_no_request(personas):
    with pytest.raises(ValidationFailed) as refused:
        ask(personas)
    assert refused.value.code == "no_counsellor" and not Case.objects.exists()


@pytest.mark.parametrize(
    "at, room, field",
    [("", "驿站", "at"), ("tomorrow", "驿站", "at"), ("+90d", "驿站", "at"), ("+1d", "", "room")],
)
def test_a_bad_appointment_is_refused(personas, counsellor, at, room, field):
    case = ask(personas).case
    if at.startswith("+"):
        at = soon(hours=24 * int(at[1:-1]))
    with pytest.raises(ValidationFailed) as refused:
        services.counselling_schedule(actor=counsellor, case=fresh(case), at=at, room=room)
    assert refused.value.field == field
    assert fresh(case).status == Status.SUBMITTED
    assert Counselling.objects.get(case=case).appointment_at is None


def test_the_session_its_private_notes_and_the_residents_confirmation(
    personas, counsellor, django_capture_on_commit_callbacks
):
    case = ask(personas).case
    with django_capture_on_commit_callbacks(execute=True):
        schedule(counsellor, case)
    told = Message.objects.get(kind="counselling_scheduled")
    assert told.recipient == personas.resident_a and "骑楼社区心灵驿站" in told.body
    services.counselling_record(actor=counsellor, case=fresh(case), minutes="50", notes=SECRET)
    assert fresh(case).status == Status.REPORTED_BACK
    assert [n.text for n in selectors.my_notes(counsellor, case)] == [SECRET]
    # The timeline says the session took place, never what was said.
    assert SECRET not in " ".join(case.events.values_list("note", flat=True))
    closed = case_services.case_verify_close(case=fresh(case), actor=personas.resident_a)
    assert closed.status == Status.CLOSED


def test_a_crisis_alerts_the_community_without_the_notes(personas, counsellor):
    case = ask(personas).case
    schedule(counsellor, case)
    services.counselling_record(
        actor=counsellor, case=fresh(case), minutes=60, notes=SECRET, crisis=True
    )
    assert Counselling.objects.get(case=case).crisis
    alert = Message.objects.get(kind="counselling_crisis")
    assert alert.recipient == personas.community_staff_a
    assert "居民甲" in alert.body and "心理咨询师甲" in alert.body
    assert SECRET not in alert.body and "失眠" not in alert.body
    # The staff still cannot open the request.
    with pytest.raises(NotFound):
        selectors.request_get(personas.community_staff_a, case.number)


def test_nobody_else_reads_a_request_and_the_notes_stay_with_their_author(
    personas, counsellor, other_counsellor
):
    case = ask(personas).case
    colleague = make_user(
        "13800000087",
        "心理咨询师丙",
        home=None,
        roles=[(Role.COUNSELLOR, personas.tree.community_a)],
    )
    assert selectors.request_get(colleague, case.number) == case  # in the pool
    schedule(counsellor, case)
    services.counselling_record(actor=counsellor, case=fresh(case), minutes=30, notes=SECRET)
    for user in (
        colleague,
        other_counsellor,
        personas.community_staff_a,
        personas.grid_worker_a,
        personas.street_chief_a,
        personas.resident_b,
    ):
        with pytest.raises(NotFound):
            selectors.request_get(user, case.number)
    assert selectors.my_notes(colleague, case) == []
    assert CounsellingNote.objects.count() == 1


def test_only_the_counsellor_records_and_readings_are_audited(personas, counsellor):
    case = ask(personas).case
    with pytest.raises(PermissionDenied):
        services.counselling_schedule(
            actor=personas.resident_a, case=fresh(case), at=soon(), room="x"
        )
    schedule(counsellor, case)
    with pytest.raises(ValidationFailed):
        services.counselling_record(actor=counsellor, case=fresh(case), minutes="0", notes="x")
    AuditEvent.objects.all().delete()
    selectors.request_get(counsellor, case.number)
    selectors.request_get(personas.resident_a, case.number)
    assert list(AuditEvent.objects.filter(action="read:case").values_list("actor", flat=True)) == [
        counsellor.pk
    ]


def test_the_pages(client, personas, counsellor):
    client.force_login(personas.resident_a)
    response = client.post("/counselling/ask/", {"topic": "", "words": "x"})
    assert response.status_code == 400 and "请选择您想聊的话题" in response.content.decode()
    response = client.post("/counselling/ask/", {"topic": "0105", "words": "<script>x</script>"})
    assert response.status_code == 302
    case = Case.objects.get(case_type__code="COUNSEL")
    client.force_login(counsellor)
    url = f"/counselling/{case.number}/"
    page = client.get(url).content.decode()
    assert "<script>x" not in page and "居民甲" in page
    refused = client.post(f"{url}schedule/", {"at": "", "room": "驿站"})
    assert refused.status_code == 400 and "请填写预约时间" in refused.content.decode()
    assert client.post(f"{url}schedule/", {"at": soon(), "room": "驿站"}).status_code == 302
    assert client.post(f"{url}record/", {"notes": SECRET, "minutes": "40"}).status_code == 302
    client.force_login(personas.resident_a)
    page = client.get(url).content.decode()
    assert SECRET not in page and "已咨询" in page
    client.force_login(personas.community_staff_a)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}record/", {"notes": "x", "minutes": "1"}).status_code == 404


def test_without_a_counsellor_the_page_says_why(client, personas):
    client.force_login(personas.resident_a)
    response = client.post("/counselling/ask/", {"topic": "0101"})
    body = response.content.decode()
    assert response.status_code == 400 and 'id="ask-error"' in body
    assert "暂未配备心理咨询师" in body and not Case.objects.exists()
