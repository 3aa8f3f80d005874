"""Electronic documents (电子证明): the body that approved an application issues a PDF with the
Chinese font embedded, a serial, issuer, validity, a watermark of its use and a QR code to the
public verify page; the page checks the content hash, shows a masked summary only, is
rate-limited, and says when the document is revoked, expired or altered."""

from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from django.urls import reverse

from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.egov import documents, selectors, services
from meihao.egov.models import IssuedDocument
from meihao.egov.pdf import document_pdf
from meihao.egov.tests.test_applications import MONDAY, file, fresh, item
from meihao.notify.models import Message
from meihao.people.identity import id_number_fields

ID_NUMBER = "450403199001011234"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


@pytest.fixture
def approved(personas, clock):
    """A 婚育情况证明 the health side approved, filed by a resident whose ID number is on record."""
    person = personas.resident_a.person
    for field, value in id_number_fields(ID_NUMBER).items():
        setattr(person, field, value)
    person.save()
    it = item(personas, "department:decide", certificate="childbirth", level="district")
    application = file(personas, it)
    services.application_take_in(actor=personas.department_staff, case=fresh(application))
    services.application_decide(
        actor=personas.department_staff, case=fresh(application), approve=True
    )
    application.refresh_from_db()
    return application


def issue(personas, application, **kwargs):
    return documents.document_issue(
        actor=kwargs.pop("actor", personas.department_staff),
        application=application,
        purpose=kwargs.pop("purpose", "办理生育登记"),
        **kwargs,
    )


def verify_path(document, printed_hash=None):
    path = reverse("document", args=[document.token])
    return f"{path}?h={printed_hash or document.content_hash}"


def test_the_deciding_body_issues_a_document_whose_pdf_carries_its_check(personas, approved):
    document = issue(personas, approved, valid_days=30)
    assert document.serial == f"{approved.case.number}-01"
    assert (document.valid_from.isoformat(), document.valid_until.isoformat()) == (
        "2026-11-02",
        "2026-12-01",
    )
    content = document.content
    assert content["title"] == "婚育状况证明"
    assert content["holder"] == personas.resident_a.person.real_name
    assert content["id_number"] == "450403********1234"
    assert content["issuer"] == personas.department.name

    url = "https://meihao.example.cn" + verify_path(document)
    body = document_pdf(document, verify_url=url)
    assert b"/FontFile2" in body  # the Chinese font travels with the document
    page = pypdfium2.PdfDocument(body)[0]
    text = page.get_textpage().get_text_range().replace("\r\n", "")
    for printed in (document.serial, "婚育状况证明", "450403********1234", "仅用于办理生育登记"):
        assert printed in text
    assert document.content_hash[:32] in text
    # The QR code, read from the rendered page as a phone would, opens the verify page.
    found = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    assert [code.text for code in found] == [url]

    # The applicant is told, with the serial.
    told = Message.objects.filter(recipient=personas.resident_a, kind="application_progress")
    assert any(document.serial in message.body for message in told)


def test_only_the_deciding_body_issues_and_only_for_an_approval(personas, approved):
    for stranger in (personas.resident_a, personas.community_staff_a, personas.street_chief_a):
        with pytest.raises(PermissionDenied):
            issue(personas, approved, actor=stranger)
    assert not IssuedDocument.objects.exists()
    issue(personas, approved)
    with pytest.raises(IllegalTransition):  # one document in force at a time
        issue(personas, approved)
    assert IssuedDocument.objects.count() == 1


def test_a_refused_application_issues_nothing(personas, clock):
    it = item(personas, "department:decide", certificate="childbirth", level="district")
    application = file(personas, it)
    services.application_take_in(actor=personas.department_staff, case=fresh(application))
    services.application_decide(
        actor=personas.department_staff, case=fresh(application), approve=False, reasons="不符合"
    )
    application.refresh_from_db()
    with pytest.raises(IllegalTransition):
        issue(personas, application)


@pytest.mark.parametrize(
    ("purpose", "days", "field"),
    [
        ("", 30, "purpose"),
        ("用" * 41, 30, "purpose"),
        ("办理生育登记", "abc", "valid_days"),
        ("办理生育登记", 0, "valid_days"),
        ("办理生育登记", 366, "valid_days"),
        ("办理生育登记", "-5", "valid_days"),
    ],
)
def test_bad_issue_input_is_refused_and_changes_nothing(personas, approved, purpose, days, field):
    with pytest.raises(ValidationFailed) as refused:
        issue(personas, approved, purpose=purpose, valid_days=days)
    assert refused.value.field == field
    assert not IssuedDocument.objects.exists()


def test_the_verify_page_shows_the_standing_and_a_masked_summary_only(client, personas, approved):
    cache.clear()
    document = issue(personas, approved)
    page = client.get(verify_path(document))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-standing="valid"' in html
    name = personas.resident_a.person.real_name
    assert name not in html and name[0] + "*" in html
    assert "1234" not in html.replace(document.content_hash, "")  # no ID number, not even masked
    assert approved.case.number in document.serial
    assert "办理生育登记" in html


def test_a_revoked_document_is_said_to_be_revoked(client, personas, approved):
    cache.clear()
    document = issue(personas, approved)
    with pytest.raises(ValidationFailed):
        documents.document_revoke(actor=personas.department_staff, document=document, reason=" ")
    with pytest.raises(PermissionDenied):
        documents.document_revoke(actor=personas.resident_a, document=document, reason="我不想要了")
    documents.document_revoke(
        actor=personas.department_staff, document=document, reason="婚姻状况已变更"
    )
    html = client.get(verify_path(document)).content.decode()
    assert 'data-standing="revoked"' in html
    assert "婚姻状况已变更" not in html  # the reason is for the holder, not the public
    with pytest.raises(IllegalTransition):
        documents.document_revoke(
            actor=personas.department_staff, document=document, reason="again"
        )
    told = Message.objects.filter(recipient=personas.resident_a, kind="application_progress")
    assert any("婚姻状况已变更" in message.body for message in told)
    # Revoked, a new one may be issued; it gets the next serial.
    again = issue(personas, approved)
    assert again.serial.endswith("-02") and again.token != document.token


def test_an_expired_or_altered_document_is_not_valid(client, personas, approved, clock):
    cache.clear()
    document = issue(personas, approved, valid_days=1)
    other_hash = "0" * 64
    assert (
        'data-standing="altered"' in client.get(verify_path(document, other_hash)).content.decode()
    )
    # A record changed behind the issuer's back no longer hashes to what was issued.
    IssuedDocument.objects.filter(pk=document.pk).update(
        content={**document.content, "purpose": "任何用途"}
    )
    assert 'data-standing="altered"' in client.get(verify_path(document)).content.decode()
    IssuedDocument.objects.filter(pk=document.pk).update(content=document.content)
    assert 'data-standing="valid"' in client.get(verify_path(document)).content.decode()
    clock.move_to(MONDAY + timedelta(days=1))
    assert 'data-standing="expired"' in client.get(verify_path(document)).content.decode()


def test_the_verify_page_is_rate_limited_and_answers_404_for_unknown_tokens(
    client, personas, approved, settings
):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "document_check": (3, 600)}
    document = issue(personas, approved)
    assert client.get("/d/no-such-token/").status_code == 404
    assert client.get(verify_path(document)).status_code == 200
    assert client.get(verify_path(document)).status_code == 200
    refused = client.get(verify_path(document))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_pages_issue_download_and_revoke(client, personas, approved):
    cache.clear()
    client.force_login(personas.department_staff)
    detail = reverse("egov:detail", args=[approved.case.number])
    assert 'id="issue-document"' in client.get(detail).content.decode()
    bad = client.post(
        reverse("egov:document_issue", args=[approved.case.number]),
        {"purpose": "<script>alert(1)</script>" * 3, "valid_days": "30"},
    )
    assert bad.status_code == 400 and not IssuedDocument.objects.exists()
    done = client.post(
        reverse("egov:document_issue", args=[approved.case.number]),
        {"purpose": "<b>生育登记</b>", "valid_days": "30"},
    )
    assert done.status_code == 302
    document = IssuedDocument.objects.get()
    html = client.get(detail).content.decode()
    assert "&lt;b&gt;生育登记&lt;/b&gt;" in html and 'id="issue-document"' not in html

    # The applicant downloads it; a neighbour and another office get a 404.
    pdf_url = reverse("egov:document_pdf", args=[approved.case.number, document.pk])
    client.force_login(personas.resident_a)
    download = client.get(pdf_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert 'data-action="revoke-document"' not in client.get(detail).content.decode()
    for outsider in (personas.resident_b, personas.grid_worker_a):
        client.force_login(outsider)
        assert client.get(pdf_url).status_code == 404
        with pytest.raises(NotFound):
            selectors.document_get(outsider, approved.case.number, document.pk)

    client.force_login(personas.department_staff)
    revoke_url = reverse("egov:document_revoke", args=[approved.case.number, document.pk])
    assert client.post(revoke_url, {"reason": ""}).status_code == 400
    assert client.post(revoke_url, {"reason": "信息有误"}).status_code == 302
    client.force_login(personas.resident_a)
    assert client.get(pdf_url).status_code == 409  # a revoked document is not handed out again
