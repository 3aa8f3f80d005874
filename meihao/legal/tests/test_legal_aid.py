"""法律援助: the advisor screens a consultation and refers it, with the question and the answers,
to the legal-aid centre; its staff grant or refuse and the resident is told. Nobody else reads
the referral, every reading is audited, and a matter that fails the screening is answered by the
advisor instead."""

import pypdfium2
import pytest
from django.utils import timezone

from meihao.cases.models import Case, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.insights.registry import REGISTRY, Span
from meihao.legal import aid, services
from meihao.legal.models import LegalAidReferral
from meihao.notify.models import Message

QUESTION = "在工地摔伤了腰，老板不给报销也不认工伤，我没钱请律师怎么办？"


def ask(personas):
    return services.consultation_ask(actor=personas.resident_a, topic="0102", question=QUESTION)


def refer(advisor, case, centre, **kwargs):
    values = {
        "centre_id": centre.pk,
        "matter": "wages",
        "hardship": True,
        "summary": "工伤未认定，申请人为低保户。",
        **kwargs,
    }
    return aid.legal_aid_refer(actor=advisor, case=Case.objects.get(pk=case.pk), **values)


def test_the_advisor_refers_and_the_centre_is_told(personas, advisor_a, aid_centre):
    case = ask(personas).case
    referral = refer(advisor_a, case, aid_centre)
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.REPORTED_BACK and case.assigned_user == advisor_a
    assert referral.decision == "pending" and referral.place_path == personas.tree.community_a.path
    told = Message.objects.get(kind="legal_aid_referred")
    assert told.recipient == aid_centre.staff and QUESTION not in told.body
    assert list(aid.referrals_for(aid_centre.staff)) == [referral]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"centre_id": "x"}, "centre"),
        ({"matter": "divorce"}, "matter"),
        ({"hardship": False}, "hardship"),  # wages are means-tested
        ({"summary": " "}, "summary"),
    ],
)
def test_bad_or_ineligible_referrals_write_nothing(personas, advisor_a, aid_centre, kwargs, field):
    case = ask(personas).case
    with pytest.raises(ValidationFailed) as refused:
        refer(advisor_a, case, aid_centre, **kwargs)
    assert refused.value.field == field
    assert not LegalAidReferral.objects.exists()
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_domestic_violence_needs_no_means_test(personas, advisor_a, aid_centre):
    case = ask(personas).case
    assert refer(advisor_a, case, aid_centre, matter="family", hardship=False).pk


def test_only_an_advisor_holding_it_refers(personas, advisor_a, advisor_b, aid_centre):
    case = ask(personas).case
    with pytest.raises(NotFound):
        refer(advisor_b, case, aid_centre)
    with pytest.raises(PermissionDenied):
        refer(personas.resident_a, case, aid_centre)


def test_the_centre_decides_and_the_resident_is_told(personas, advisor_a, aid_centre):
    referral = refer(advisor_a, ask(personas).case, aid_centre)
    with pytest.raises(ValidationFailed):  # a refusal says why
        aid.legal_aid_decide(actor=aid_centre.staff, referral=referral, granted=False, note="")
    with pytest.raises(PermissionDenied):
        aid.legal_aid_decide(actor=advisor_a, referral=referral, granted=True, note="")
    decided = aid.legal_aid_decide(
        actor=aid_centre.staff, referral=referral, granted=True, note="已指派律师，三日内联系您。"
    )
    assert decided.decision == "granted" and decided.decided_by == aid_centre.staff
    told = Message.objects.get(kind="legal_aid_decided")
    assert told.recipient == personas.resident_a and "已指派律师" in told.body
    with pytest.raises(ValidationFailed):  # once
        aid.legal_aid_decide(actor=aid_centre.staff, referral=referral, granted=False, note="x")


def test_who_reads_a_referral_and_every_reading_is_audited(
    personas, advisor_a, advisor_b, aid_centre
):
    referral = refer(advisor_a, ask(personas).case, aid_centre)
    AuditEvent.objects.all().delete()
    for user in (aid_centre.staff, advisor_a):
        assert aid.referral_get(user, referral.pk) == referral
    assert AuditEvent.objects.filter(action="read:case").count() == 2
    for user in (
        advisor_b,
        personas.community_staff_a,
        personas.department_staff,
        personas.resident_b,
    ):
        with pytest.raises(NotFound):
            aid.referral_get(user, referral.pk)


def test_the_pages_and_the_letter(client, personas, advisor_a, aid_centre):
    case = ask(personas).case
    client.force_login(advisor_a)
    page = client.get(f"/legal/consultations/{case.number}/").content.decode()
    assert 'id="aid-form"' in page and "万秀区法律援助中心" in page
    refused = client.post(
        f"/legal/consultations/{case.number}/legal-aid/",
        {"centre": aid_centre.pk, "matter": "wages", "summary": "x"},
    )
    assert refused.status_code == 400 and "负担不起律师费" in refused.content.decode()
    done = client.post(
        f"/legal/consultations/{case.number}/legal-aid/",
        {"centre": aid_centre.pk, "matter": "wages", "hardship": "on", "summary": "工伤"},
    )
    assert done.status_code == 302
    referral = LegalAidReferral.objects.get()
    client.force_login(aid_centre.staff)
    assert referral.consultation.case.number in client.get("/legal/aid/").content.decode()
    page = client.get(f"/legal/aid/{referral.pk}/").content.decode()
    assert QUESTION in page and 'id="decide-form"' in page
    letter = client.get(f"/legal/aid/{referral.pk}/letter.pdf")
    text = "".join(
        p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(letter.content)
    ).replace("\r\n", "")
    assert "法律援助转介函" in text and "居民甲" in text and "工伤" in text
    assert (
        client.post(f"/legal/aid/{referral.pk}/decide/", {"decision": "refuse"}).status_code == 400
    )
    response = client.post(f"/legal/aid/{referral.pk}/decide/", {"decision": "grant", "note": ""})
    assert response.status_code == 302
    client.force_login(personas.community_staff_a)
    assert client.get("/legal/aid/").status_code == 404
    assert client.get(f"/legal/aid/{referral.pk}/").status_code == 404
    client.force_login(personas.resident_a)
    page = client.get(f"/legal/consultations/{case.number}/").content.decode()
    assert "法律援助" in page and 'id="aid-form"' not in page


def test_referrals_are_counted(personas, advisor_a, aid_centre):
    referral = refer(advisor_a, ask(personas).case, aid_centre)
    day = timezone.localdate(referral.referred_at)
    span = Span.of(personas.tree.street_a.path, day, day)
    assert REGISTRY["legal_aid_referrals"].measure(span).value == 1
    other = Span.of(personas.tree.street_b.path, day, day)
    assert REGISTRY["legal_aid_referrals"].measure(other).value == 0
