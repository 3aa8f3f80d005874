"""一社区一法律顾问, consultations: a resident asks their community's advisor, who is told, takes
and answers it with the minutes it took; the resident confirms or asks again. The question is
read by the resident and the advisor who holds it, nobody else, and every advisor's reading is
audited."""

import pytest
from django.urls import reverse

from meihao.cases import services as case_services
from meihao.cases.models import Case, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.legal import services
from meihao.legal.models import AdvisorService, Consultation
from meihao.notify.models import Message

QUESTION = "房东不退押金，合同写明退租后7天内退还，我该怎么办？"


def ask(personas, actor=None, **kwargs):
    values = {"topic": "0103", "question": QUESTION, **kwargs}
    return services.consultation_ask(actor=actor or personas.resident_a, **values)


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_resident_asks_and_the_communitys_advisor_is_told(personas, advisor_a, advisor_b):
    consultation = ask(personas)
    case = consultation.case
    assert case.case_type.code == "LEGAL" and case.number.startswith("FL")
    assert case.category.code == "0103" and case.description == QUESTION
    assert case.status == Status.SUBMITTED and case.assigned_user is None
    assert consultation.community == personas.tree.community_a
    told = Message.objects.filter(kind="legal_consultation_asked")
    assert [m.recipient for m in told] == [advisor_a]
    assert QUESTION not in told.get().body  # the question is read on its page, not in a message
    assert told.get().link == f"/legal/consultations/{case.number}/"


def test_the_advisor_answers_the_minutes_count_and_the_resident_confirms(
    personas, advisor_a, django_capture_on_commit_callbacks
):
    case = ask(personas).case
    with django_capture_on_commit_callbacks(execute=True):
        case = services.consultation_answer(
            actor=advisor_a, case=fresh(case), answer="可先书面催告，再向法院起诉。", minutes="25"
        )
    assert case.status == Status.REPORTED_BACK and case.assigned_user == advisor_a
    assert Consultation.objects.get(case=case).minutes == 25
    served = AdvisorService.objects.get()
    assert (served.advisor, served.community, served.minutes, served.kind) == (
        advisor_a,
        personas.tree.community_a,
        25,
        "consultation",
    )
    # The resident is told the advisor took it, then the answer itself.
    told = Message.objects.filter(recipient=personas.resident_a).order_by("pk")
    assert len(told) == 2 and "可先书面催告" in told[1].body

    case = case_services.case_reopen(
        case=fresh(case), actor=personas.resident_a, reason="押金多少才能起诉？"
    )
    case = services.consultation_answer(
        actor=advisor_a, case=fresh(case), answer="金额不限。", minutes=5
    )
    assert Consultation.objects.get(case=case).minutes == 30
    closed = case_services.case_verify_close(case=fresh(case), actor=personas.resident_a)
    assert closed.status == Status.CLOSED


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"topic": ""}, "topic"),
        ({"topic": "9999"}, "topic"),
        ({"topic": "01"}, "topic"),  # the major class is no topic
        ({"question": "   "}, "question"),
        ({"question": "问" * 1001}, "question"),
    ],
)
def test_a_bad_question_is_refused_and_nothing_is_filed(personas, advisor_a, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        ask(personas, **kwargs)
    assert refused.value.field == field
    assert not Case.objects.exists() and not Message.objects.exists()


def test_without_an_advisor_or_a_home_the_question_is_refused(personas, advisor_b):
    with pytest.raises(ValidationFailed) as refused:
        ask(personas)  # community A has no advisor
    assert refused.value.code == "no_advisor"
    with pytest.raises(ValidationFailed) as refused:
        ask(personas, actor=personas.outsider)
    assert refused.value.code == "no_home_community"
    assert not Case.objects.exists()


@pytest.mark.parametrize("minutes", ["", "0", "-5", "481", "半小时", "1e3", None])
def test_bad_minutes_are_refused_and_nothing_changes(personas, advisor_a, minutes):
    case = ask(personas).case
    with pytest.raises(ValidationFailed) as refused:
        services.consultation_answer(
            actor=advisor_a, case=fresh(case), answer="答复", minutes=minutes
        )
    assert refused.value.field == "minutes"
    assert fresh(case).status == Status.SUBMITTED and fresh(case).assigned_user is None
    assert not AdvisorService.objects.exists()


def test_only_the_advisor_holding_it_answers(personas, advisor_a, advisor_b):
    case = ask(personas).case
    # Another community's advisor and the community's officials cannot see it at all.
    for outsider in (advisor_b, personas.community_staff_a, personas.grid_worker_a):
        with pytest.raises(NotFound):
            services.consultation_answer(actor=outsider, case=fresh(case), answer="答", minutes=5)
    # The resident who asked may not answer their own question.
    with pytest.raises(PermissionDenied):
        services.consultation_answer(
            actor=personas.resident_a, case=fresh(case), answer="答", minutes=5
        )
    assert fresh(case).status == Status.SUBMITTED and not AdvisorService.objects.exists()


def _page(client, user, case):
    client.force_login(user)
    return client.get(reverse("legal:consultation", args=[case.number]))


def test_the_question_is_read_by_the_resident_and_its_advisor_alone(
    client, personas, advisor_a, advisor_b
):
    case = ask(personas).case
    assert QUESTION in _page(client, personas.resident_a, case).content.decode()
    assert QUESTION in _page(client, advisor_a, case).content.decode()
    # Once taken, a second advisor of the same community no longer reads it.
    services.consultation_answer(actor=advisor_a, case=fresh(case), answer="答复", minutes=10)
    colleague = make_user(
        "13800000062", "律师丙", roles=[(Role.LEGAL_ADVISOR, personas.tree.community_a)]
    )
    for reader in (
        colleague,
        advisor_b,
        personas.community_staff_a,
        personas.street_chief_a,
        personas.district_admin,
        personas.grid_worker_a,
        personas.resident_b,
        personas.department_staff,
    ):
        response = _page(client, reader, case)
        assert response.status_code == 404, reader
        assert QUESTION not in response.content.decode()
    # The advisor's reading was audited; the resident's own was not.
    reads = AuditEvent.objects.filter(kind=AuditEvent.Kind.PII_READ, action="read:case")
    assert list(reads.values_list("actor", flat=True)) == [advisor_a.pk]


def test_the_engine_page_and_the_case_api_record_an_advisors_reading_and_list_nothing(
    client, personas, advisor_a
):
    case = ask(personas).case
    client.force_login(advisor_a)
    assert client.get(f"/cases/{case.number}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 200
    reads = AuditEvent.objects.filter(kind=AuditEvent.Kind.PII_READ, action="read:case")
    assert reads.filter(actor=advisor_a, target_id=str(case.pk)).count() == 2
    listed = client.get("/api/v1/cases").json()
    assert case.number not in [item["number"] for item in listed["items"]]
    # The resident lists and reads her own without a record of it.
    client.force_login(personas.resident_a)
    listed = client.get("/api/v1/cases").json()
    assert case.number in [item["number"] for item in listed["items"]]
    client.get(f"/cases/{case.number}/")
    assert reads.count() == 2


SCRIPT_QUESTION = {
    "topic": "0103",
    "question": "<script>alert(1)</script>",
    "idempotency_key": "ask-key-0001",
}


def test_a_resident_asks_on_the_page_and_a_bad_form_keeps_what_was_typed(
    client, personas, advisor_a
):
    client.force_login(personas.resident_a)
    page = client.get(reverse("legal:home")).content.decode()
    assert "律师甲" in page and 'name="question"' in page
    refused = client.post(reverse("legal:ask"), {"topic": "", "question": "<b>租房</b>"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "&lt;b&gt;租房&lt;/b&gt;" in body and "<b>租房</b>" not in body
    assert not Case.objects.exists()
    sent = client.post(
        reverse("legal:ask"),
        {
            "topic": "0103",
            "question": "<script>alert(1)</script>",
            "idempotency_key": "ask-key-0001",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[-3000:]
    case = Case.objects.get()
    assert sent["Location"] == f"/legal/consultations/{case.number}/"
    again = client.post(
        reverse("legal:ask"),
        {
            "topic": "0103",
            "question": "<script>alert(1)</script>",
            "idempotency_key": "ask-key-0001",
        },
    )
    assert again.status_code == 302 and Case.objects.count() == 1  # sent twice, filed once
    shown = client.get(sent["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;" in shown


def test_the_advisor_answers_on_the_page_and_a_bad_answer_keeps_what_was_typed(
    client, personas, advisor_a
):
    case = ask(personas).case
    client.force_login(advisor_a)
    home = client.get(reverse("legal:home")).content.decode()
    assert case.number in home
    url = reverse("legal:act", args=[case.number, "answer"])
    refused = client.post(url, {"answer": "先协商", "minutes": "十"})
    assert refused.status_code == 400
    assert "先协商" in refused.content.decode()
    assert fresh(case).status == Status.SUBMITTED
    done = client.post(url, {"answer": "先协商", "minutes": "15"})
    assert done.status_code == 302
    assert fresh(case).status == Status.REPORTED_BACK
    assert client.post(reverse("legal:act", args=[case.number, "nonsense"])).status_code == 404


def test_the_resident_confirms_or_asks_again_on_the_page(client, personas, advisor_a):
    case = ask(personas).case
    services.consultation_answer(actor=advisor_a, case=fresh(case), answer="答复", minutes=10)
    client.force_login(personas.resident_a)
    page = client.get(reverse("legal:consultation", args=[case.number])).content.decode()
    assert 'data-action="confirm"' in page and 'data-action="ask-again"' in page
    assert 'data-action="answer"' not in page
    client.post(reverse("legal:act", args=[case.number, "ask-again"]), {"reason": "还有问题"})
    assert fresh(case).status == Status.REOPENED
    services.consultation_answer(actor=advisor_a, case=fresh(case), answer="再答", minutes=5)
    client.post(reverse("legal:act", args=[case.number, "confirm"]))
    assert fresh(case).status == Status.CLOSED


def test_the_resident_reads_the_advisor_as_the_communitys_advisor_on_the_timeline(
    client, personas, advisor_a
):
    case = ask(personas).case
    services.consultation_answer(actor=advisor_a, case=fresh(case), answer="答复", minutes=10)
    client.force_login(personas.resident_a)
    page = client.get(reverse("legal:consultation", args=[case.number])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "骑楼社区法律顾问" in timeline and "律**" not in timeline


def test_a_consultation_never_reaches_the_public_pages_or_open311(client, personas, advisor_a):
    from meihao.cases.publication import publicly_visible

    case = ask(personas).case
    services.consultation_answer(actor=advisor_a, case=fresh(case), answer="答复", minutes=10)
    case_services.case_verify_close(case=fresh(case), actor=personas.resident_a)
    assert not publicly_visible().filter(pk=case.pk).exists()
    client.logout()
    assert case.number not in client.get("/open311/v2/requests.json").content.decode()
    assert client.get(f"/cases/public/{case.number}/").status_code == 404


def test_the_advisor_turns_away_and_the_resident_withdraws_on_the_page(client, personas, advisor_a):
    away = ask(personas).case
    client.force_login(advisor_a)
    page = client.get(reverse("legal:consultation", args=[away.number])).content.decode()
    assert 'data-action="turn-away"' in page and 'data-action="withdraw"' not in page
    client.post(reverse("legal:act", args=[away.number, "turn-away"]), {"reason": "请拨打12345"})
    assert fresh(away).status == Status.REJECTED
    mine = ask(personas, question="另一个问题").case
    client.force_login(personas.resident_a)
    page = client.get(reverse("legal:consultation", args=[mine.number])).content.decode()
    assert 'data-action="withdraw"' in page and 'data-action="turn-away"' not in page
    empty = client.post(reverse("legal:act", args=[mine.number, "withdraw"]), {"reason": " "})
    assert empty.status_code in (302, 400) and fresh(mine).status == Status.SUBMITTED
    client.post(reverse("legal:act", args=[mine.number, "withdraw"]), {"reason": "已解决"})
    assert fresh(mine).status == Status.VOID
