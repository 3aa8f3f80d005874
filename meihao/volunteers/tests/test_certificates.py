"""Certificates: issuing with the hours on record, numbering, the PDF, the public check."""

import datetime
import re

import pytest
from django.utils import timezone

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.pii import mask_name_to_greet as mask_name
from meihao.people.models import Person
from meihao.volunteers.certificates import certificate_issue, certificate_revoke
from meihao.volunteers.models import Certificate
from meihao.volunteers.pdf import certificate_pdf
from meihao.volunteers.services import volunteer_suspend
from meihao.volunteers.tests.helpers import credit, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(personas):
    """志愿者甲 renamed 张小三 with 150 minutes on record (90 of them ten days ago)."""
    profile = register(personas.volunteer_a, real_name="张小三")
    today = timezone.localdate()
    credit(personas, profile.person, 90, day=today - datetime.timedelta(days=10))
    credit(personas, profile.person, 60, day=today - datetime.timedelta(days=1))
    return profile


def issue(personas, profile, **overrides):
    fields = {
        "actor": personas.community_staff_a,
        "profile": profile,
        "content": "治安巡逻、关爱独居老人",
    }
    fields.update(overrides)
    return certificate_issue(**fields)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张小三", "张*三"), ("欧阳娜娜", "欧**娜"), ("张三", "张*"), ("张", "*"), ("", "")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_issue_states_the_hours_on_record(personas, volunteer):
    certificate = issue(personas, volunteer)
    year = timezone.localdate().year
    assert certificate.number == f"ZM-{year}-000001"
    assert certificate.minutes == 150
    assert certificate.issuer_name == "骑楼社区"
    assert certificate.issued_by == personas.community_staff_a
    assert len(certificate.token) >= 40
    assert issue(personas, volunteer).number == f"ZM-{year}-000002"


def test_issue_over_a_period(personas, volunteer):
    today = timezone.localdate()
    certificate = issue(
        personas,
        volunteer,
        issuer_name="骑楼社区居民委员会",
        period_start=today - datetime.timedelta(days=5),
        period_end=today,
    )
    assert certificate.minutes == 60
    assert certificate.issuer_name == "骑楼社区居民委员会"


@pytest.mark.parametrize(
    ("case", "field_or_code"),
    [
        ("no_content", "content"),
        ("half_period", "period_start"),
        ("reversed_period", "period_end"),
        ("future_period", "period_end"),
        ("empty_period", "no_hours"),
    ],
)
def test_bad_issue_changes_nothing(personas, volunteer, case, field_or_code):
    today = timezone.localdate()
    overrides = {
        "no_content": {"content": " "},
        "half_period": {"period_start": today},
        "reversed_period": {"period_start": today, "period_end": today - datetime.timedelta(1)},
        "future_period": {"period_start": today, "period_end": today + datetime.timedelta(1)},
        "empty_period": {
            "period_start": today - datetime.timedelta(days=100),
            "period_end": today - datetime.timedelta(days=50),
        },
    }[case]
    with pytest.raises(ValidationFailed) as error:
        issue(personas, volunteer, **overrides)
    assert field_or_code in (error.value.field, error.value.code)
    assert not Certificate.objects.exists()


def test_suspended_volunteers_get_no_certificate(personas, volunteer):
    volunteer_suspend(actor=personas.community_staff_a, profile=volunteer, reason="暂停")
    with pytest.raises(ValidationFailed) as error:
        issue(personas, volunteer)
    assert error.value.code == "suspended"


@pytest.mark.parametrize(
    ("persona", "outcome"),
    [
        ("street_chief_a", None),
        ("district_admin", None),
        ("grid_worker_a", NotFound),
        ("resident_b", NotFound),
        ("outsider", NotFound),
        ("volunteer_a", PermissionDenied),  # their own profile: they ask their community
    ],
)
def test_who_issues(personas, volunteer, persona, outcome):
    actor = getattr(personas, persona)
    if outcome is None:
        assert issue(personas, volunteer, actor=actor).minutes == 150
        return
    with pytest.raises(outcome):
        issue(personas, volunteer, actor=actor)
    assert not Certificate.objects.exists()


def test_pdf(personas, volunteer):
    certificate = issue(personas, volunteer)
    body = certificate_pdf(certificate, verify_url="https://meihao.example.cn/v/abc")
    assert body.startswith(b"%PDF")
    assert certificate.number.encode() in body
    assert b"/FontFile2" in body  # the Chinese font travels with the document


def test_revoke(personas, volunteer):
    certificate = issue(personas, volunteer)
    with pytest.raises(ValidationFailed) as error:
        certificate_revoke(actor=personas.community_staff_a, certificate=certificate, reason="")
    assert error.value.field == "reason"
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=personas.volunteer_a, certificate=certificate, reason="不要了")
    with pytest.raises(NotFound):
        certificate_revoke(actor=personas.grid_worker_b, certificate=certificate, reason="x")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    certificate_revoke(actor=personas.community_staff_a, certificate=certificate, reason="时长有误")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoke_reason == "时长有误"
    with pytest.raises(ValidationFailed) as error:
        certificate_revoke(actor=personas.community_staff_a, certificate=certificate, reason="x")
    assert error.value.code == "already_revoked"


def test_verification_page_shows_validity_and_nothing_personal(client, personas, volunteer):
    Person.objects.filter(pk=volunteer.person_id).update(address="骑楼街8号")
    certificate = issue(personas, volunteer)
    response = client.get(f"/volunteers/certificates/{certificate.token}/")  # not logged in
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-valid="1"' in page
    assert certificate.number in page
    assert "张*三" in page
    assert "2.5" in page
    assert "骑楼社区" in page  # the issuer
    person = Person.objects.get(pk=volunteer.person_id)
    for private in (
        "张小三",
        person.phone,
        person.phone[-4:],
        person.id_number_masked,
        person.id_number_plain()[-4:],
        "骑楼街8号",
        certificate.content,
    ):
        assert private not in page, private
    assert re.search(r'<meta name="robots" content="noindex">', page)


def test_verification_page_of_a_revoked_certificate(client, personas, volunteer):
    certificate = issue(personas, volunteer)
    certificate_revoke(actor=personas.community_staff_a, certificate=certificate, reason="有误")
    page = client.get(f"/volunteers/certificates/{certificate.token}/").content.decode()
    assert 'data-valid="0"' in page
    assert "有误" not in page
    assert certificate.number in page


@pytest.mark.parametrize("token", ["nope", "x" * 65, "ZM-2025-000001"])
def test_unknown_token_is_404(client, personas, token):
    assert client.get(f"/volunteers/certificates/{token}/").status_code == 404


def test_pdf_download_by_the_volunteer_and_staff_only(client, personas, volunteer, settings):
    settings.NOTIFY_BASE_URL = "https://meihao.example.cn"
    certificate = issue(personas, volunteer)
    url = f"/volunteers/certificates/{certificate.pk}/pdf/"
    expected = {
        "volunteer_a": 200,
        "community_staff_a": 200,
        "street_chief_a": 200,
        "district_admin": 200,
        "grid_worker_a": 404,
        "resident_a": 404,
        "resident_b": 404,
        "outsider": 404,
        "party_member_a": 404,
        "department_staff": 404,
    }
    for persona, status in expected.items():
        client.force_login(getattr(personas, persona))
        response = client.get(url)
        assert response.status_code == status, persona
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            assert certificate.number.encode() in response.content
    client.logout()
    assert client.get(url).status_code == 302
