"""The reporter's pages and services: report form, nearby duplicates, follow, my cases, one
case, rating, the reported time."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from meihao.cases import selectors, services
from meihao.cases.models import Case, CaseEvent, CaseFollower, CaseRating, CaseType, Status
from meihao.cases.tests.reporter_helpers import close_case, upload
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.testing import assert_refused_back

POINT = {"lat": "23.41", "lon": "111.205"}  # inside grid A1
METRE_LAT = 1 / 111_320


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _published(case, personas):
    """Accepted by its street chief: published (cases.publication), so others may follow it."""
    return services.case_accept(case=case, actor=personas.street_chief_a)


def _report(client, vending, **extra):
    data = {"category": vending.pk, "description": "学校门口有流动摊贩", **POINT, **extra}
    return client.post("/cases/report/", data, **extra.pop("headers", {}))


# --- The case type's rule


def test_grid_reports_may_be_filed_by_residents_and_grid_workers(grid_type):
    assert {"resident", "grid_worker"} <= set(grid_type.submit_roles)


def test_report_page_needs_login(client):
    response = client.get("/cases/report/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["resident_a", "grid_worker_a", "street_chief_a"])
def test_report_page_shows_the_form_to_submitters(client, personas, persona, vending):
    client.force_login(getattr(personas, persona))
    response = client.get("/cases/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-form"' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert vending.name_zh in html
    assert 'rel="manifest"' in html


def test_user_the_type_does_not_admit_gets_a_clear_message_and_cannot_submit(
    client, personas, grid_type, vending
):
    grid_type.public_may_submit = False
    grid_type.save()
    client.force_login(personas.outsider)
    response = client.get("/cases/report/")
    assert response.status_code == 200
    assert 'id="may-not-submit"' in response.content.decode()
    assert 'id="report-form"' not in response.content.decode()
    response = _report(client, vending)
    assert response.status_code == 403
    assert Case.objects.count() == 0


# --- Submitting


def test_resident_reports_with_a_photo_and_sees_the_case_number(client, personas, vending):
    client.force_login(personas.resident_a)
    response = client.post(
        "/cases/report/",
        {"category": vending.pk, "description": "摊贩占道", **POINT, "photos": [upload()]},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/report/done/{case.number}/"
    assert case.channel == Case.Channel.RESIDENT
    assert case.reporter == personas.resident_a.person
    assert case.place == personas.tree.grid_a1
    assert case.photos.count() == 1
    page = client.get(response["Location"])
    assert case.number in page.content.decode()


def test_grid_worker_report_is_a_patrol_report(client, personas, vending):
    client.force_login(personas.grid_worker_a)
    _report(client, vending)
    assert Case.objects.get().channel == Case.Channel.GRID_PATROL


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"lat": "", "lon": ""}, "location"),
        ({"lat": "10", "lon": "10"}, "location"),
        ({"category": "999999"}, "category"),
        ({"reported_at": "yesterday"}, "reported_at"),
        ({"reported_at": "2026-02-30T09:00"}, "reported_at"),  # a day that does not exist
        ({"reported_at": "0001-01-01T00:00+14:00"}, "reported_at"),
        ({"category": "²"}, "category"),
        ({"category": str(2**63)}, "category"),
    ],
)
def test_bad_report_shows_a_message_and_files_nothing(client, personas, vending, change, field):
    client.force_login(personas.resident_a)
    data = {"category": vending.pk, "description": "摊贩", **POINT, **change}
    response = client.post("/cases/report/", data)
    assert response.status_code == 400
    assert 'id="form-error"' in response.content.decode()
    json_response = client.post("/cases/report/", data, headers={"Accept": "application/json"})
    assert json_response.status_code == 400
    assert json_response.json()["field"] == field
    assert Case.objects.count() == 0


def test_report_done_page_of_someone_elses_case_is_404(client, personas, new_case):
    case = new_case()
    client.force_login(personas.resident_b)
    assert client.get(f"/cases/report/done/{case.number}/").status_code == 404


# --- The reported time


def test_reported_at_is_kept_for_display_while_sla_starts_at_receipt(new_case, personas):
    two_hours_ago = timezone.now() - timedelta(hours=2)
    case = new_case(reported_at=two_hours_ago)
    assert case.reported_at == two_hours_ago
    assert case.shown_time == two_hours_ago
    assert case.response_started_at == case.created_at
    assert case.created_at > two_hours_ago + timedelta(hours=1)


def test_reported_at_in_the_future_is_clamped_to_receipt(new_case):
    case = new_case(reported_at=timezone.now() + timedelta(days=1))
    assert case.reported_at == case.created_at


def test_reported_at_older_than_7_days_is_clamped(new_case):
    case = new_case(reported_at=timezone.now() - timedelta(days=30))
    assert case.created_at - case.reported_at == timedelta(days=7)


def test_reported_at_defaults_to_receipt(new_case):
    case = new_case()
    assert case.reported_at == case.created_at


# --- Nearby duplicates


def test_nearby_finds_open_cases_of_the_class_within_its_radius(new_case, vending, personas):
    near = _published(new_case(lat=23.41 + 20 * METRE_LAT, lon=111.205), personas)
    _published(new_case(lat=23.41 + 200 * METRE_LAT, lon=111.205), personas)  # too far
    found = selectors.cases_nearby(category=vending, lat=23.41, lon=111.205, now=timezone.now())
    assert [c.pk for c in found] == [near.pk]
    assert 19 < found[0].distance_m < 21


def test_nearby_uses_the_class_radius(new_case, vending, personas):
    _published(new_case(lat=23.41 + 70 * METRE_LAT, lon=111.205), personas)
    assert selectors.cases_nearby(category=vending, lat=23.41, lon=111.205) == []
    vending.duplicate_radius_m = 100
    vending.save()
    assert len(selectors.cases_nearby(category=vending, lat=23.41, lon=111.205)) == 1


def test_nearby_ignores_other_classes_old_and_finished_cases(new_case, vending, grid_type):
    other = grid_type.categories.exclude(pk=vending.pk).filter(parent__isnull=False).first()
    new_case(category=other)
    old = new_case()
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    void = new_case()
    Case.objects.filter(pk=void.pk).update(status=Status.VOID)
    assert selectors.cases_nearby(category=vending, lat=23.41, lon=111.205) == []


def test_nearby_fragment_offers_this_is_my_problem_too(client, personas, new_case, vending):
    case = _published(new_case(description="摊贩占道，摊主电话13912345678"), personas)
    client.force_login(personas.resident_b)
    response = client.get(
        "/cases/report/nearby/", {"category": vending.pk, **POINT}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert case.number in html
    assert f"/cases/{case.number}/follow/" in html
    assert "网格员甲" not in html  # no names
    assert "13912345678" not in html and "摊贩占道" in html  # the description, redacted


def test_nearby_offers_only_published_cases_to_others(client, personas, new_case, vending):
    waiting = new_case(description="未审核的报告")
    client.force_login(personas.resident_b)
    html = client.get(
        "/cases/report/nearby/", {"category": vending.pk, **POINT}, headers={"HX-Request": "true"}
    ).content.decode()
    assert waiting.number not in html and "未审核的报告" not in html
    assert client.post(f"/cases/{waiting.number}/follow/").status_code == 404
    # Its grid's worker, who can see it, is offered it.
    found = selectors.cases_nearby(
        category=vending, lat=23.41, lon=111.205, user=personas.grid_worker_a
    )
    assert [c.pk for c in found] == [waiting.pk]


def test_following_instead_of_filing(client, personas, new_case):
    case = _published(new_case(), personas)
    client.force_login(personas.resident_b)
    response = client.post(f"/cases/{case.number}/follow/")
    assert response.status_code == 302
    assert CaseFollower.objects.filter(case=case, user=personas.resident_b).exists()
    assert Case.objects.count() == 1
    client.post(f"/cases/{case.number}/follow/")
    assert CaseEvent.objects.filter(case=case, action="follow").count() == 1
    assert case.number in client.get("/cases/mine/").content.decode()
    assert client.get(f"/cases/{case.number}/").status_code == 200


def test_follow_by_htmx_redirects_to_the_case(client, personas, new_case):
    case = _published(new_case(), personas)
    client.force_login(personas.resident_b)
    response = client.post(f"/cases/{case.number}/follow/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/cases/{case.number}/"


def test_follow_of_private_case_one_cannot_see_is_404(client, personas, new_case, grid_type):
    CaseType.objects.filter(pk=grid_type.pk).update(visibility=CaseType.Visibility.PRIVATE)
    case = new_case()
    client.force_login(personas.resident_b)
    assert client.post(f"/cases/{case.number}/follow/").status_code == 404
    assert not CaseFollower.objects.filter(user=personas.resident_b).exists()


def test_follow_of_finished_case_is_refused(new_case, personas):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    case.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.case_follow(case=case, actor=personas.resident_b)


def test_following_a_finished_case_through_the_page_says_why_and_changes_nothing(
    client, personas, new_case
):
    case = _published(new_case(), personas)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    client.force_login(personas.resident_b)
    message = "该事件已办结；如问题再次出现，请重新上报。"
    assert_refused_back(
        client, f"/cases/{case.number}/follow/", page="/cases/report/", status=400, message=message
    )
    # From the nearby list (htmx): the alert fragment with the refusal's status.
    response = client.post(f"/cases/{case.number}/follow/", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.content.decode() == (
        f'<div class="alert alert-danger" role="alert">{message}</div>'
    )
    assert not CaseFollower.objects.filter(user=personas.resident_b).exists()
    assert not CaseEvent.objects.filter(case=case, action="follow").exists()


def test_anonymous_cannot_follow(client, new_case):
    case = new_case()
    response = client.post(f"/cases/{case.number}/follow/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- My cases


def test_my_cases_lists_reported_and_followed_only(client, personas, new_case):
    mine = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    followed = _published(new_case(description="摊主电话13912345678"), personas)
    services.case_follow(case=followed, actor=personas.resident_a)
    other = new_case(actor=personas.resident_b, lat=23.41, lon=111.305)
    client.force_login(personas.resident_a)
    html = client.get("/cases/mine/").content.decode()
    assert mine.number in html and followed.number in html
    assert other.number not in html
    assert "text-bg-secondary" in html  # submitted: grey badge
    assert "13912345678" not in html  # the followed case is listed as the public sees it


def test_my_cases_empty_state(client, personas):
    client.force_login(personas.resident_a)
    assert 'id="my-cases-empty"' in client.get("/cases/mine/").content.decode()


def test_my_cases_paginates(client, personas, new_case):
    for _ in range(21):
        new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    client.force_login(personas.resident_a)
    first = client.get("/cases/mine/").content.decode()
    assert first.count('class="list-group-item list-group-item-action') == 20
    second = client.get("/cases/mine/?page=2").content.decode()
    assert second.count('class="list-group-item list-group-item-action') == 1


def test_my_cases_query_count_does_not_grow(client, personas, new_case):
    client.force_login(personas.resident_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/mine/").status_code == 200
        return len(queries)

    new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT, photos=[upload()])
    small = count()
    for _ in range(6):
        new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT, photos=[upload()])
    assert count() == small


# --- One case


DETAIL_MATRIX = {
    "grid_worker_a": 200,
    "grid_worker_b": 404,
    "community_staff_a": 200,
    "street_chief_a": 200,
    "department_staff": 404,
    "district_admin": 200,
    "resident_a": 200,
    "resident_b": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), DETAIL_MATRIX.items())
def test_case_page_permission_matrix(client, personas, new_case, persona, expected):
    case = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    client.force_login(getattr(personas, persona))
    assert client.get(f"/cases/{case.number}/").status_code == expected


def test_case_page_shows_the_timeline_with_actor_and_local_time(client, personas, new_case):
    case = new_case(photos=[upload()])
    services.case_accept(case=case, actor=personas.street_chief_a, note="属实，立案")
    client.force_login(personas.grid_worker_a)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="timeline"' in html
    assert "街长甲" in html and "属实，立案" in html
    local = timezone.localtime(case.events.last().created_at).strftime("%Y-%m-%d %H:%M")
    assert local in html
    assert f"/cases/photos/{case.photos.get().pk}/thumb.jpg" in html


def test_anonymous_case_page_redirects_to_login(client, new_case):
    case = new_case()
    assert client.get(f"/cases/{case.number}/").status_code == 302


# --- Rating


def test_reporter_rates_a_closed_case_once(client, personas, new_case):
    case = close_case(new_case(actor=personas.resident_a, channel="resident"), personas)
    client.force_login(personas.resident_a)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="rate-form"' in html and "非常满意" in html
    client.post(f"/cases/{case.number}/rate/", {"score": "4", "comment": "处理及时"})
    rating = CaseRating.objects.get()
    assert (rating.score, rating.comment, rating.rater) == (4, "处理及时", personas.resident_a)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="rate-form"' not in html and "满意" in html and "处理及时" in html
    client.post(f"/cases/{case.number}/rate/", {"score": "1"})
    assert CaseRating.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.case_rate(case=case, actor=personas.resident_a, score=2, comment="")


@pytest.mark.parametrize(
    ("closed", "score", "message"),
    [(False, "5", "事件结案后才能评价。"), (True, "9", "请选择 1 至 5 级评价。")],
)
def test_a_refused_rating_through_the_page_says_why_and_changes_nothing(
    client, personas, new_case, closed, score, message
):
    case = new_case(actor=personas.resident_a, channel="resident")
    client.force_login(personas.resident_a)
    if closed:
        case = close_case(case, personas)
    response = client.post(f"/cases/{case.number}/rate/", {"score": score, "comment": "还行"})
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert CaseRating.objects.count() == 0
    assert not CaseEvent.objects.filter(case=case, action="rate").exists()


def test_rating_an_open_case_is_refused(new_case, personas):
    case = new_case(actor=personas.resident_a, channel="resident")
    with pytest.raises(ValidationFailed):
        services.case_rate(case=case, actor=personas.resident_a, score=5, comment="")
    assert CaseRating.objects.count() == 0


@pytest.mark.parametrize("score", ["0", "6", "abc", None])
def test_rating_out_of_range_is_refused(new_case, personas, score):
    case = close_case(new_case(actor=personas.resident_a, channel="resident"), personas)
    with pytest.raises(ValidationFailed):
        services.case_rate(case=case, actor=personas.resident_a, score=score, comment="")


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("grid_worker_a", PermissionDenied),
        ("street_chief_a", PermissionDenied),
        ("resident_b", NotFound),
        ("outsider", NotFound),
    ],
)
def test_only_the_reporter_may_rate(new_case, personas, persona, error):
    case = close_case(new_case(actor=personas.resident_a, channel="resident"), personas)
    with pytest.raises(error):
        services.case_rate(case=case, actor=getattr(personas, persona), score=5, comment="")
    assert CaseRating.objects.count() == 0


def test_rate_by_other_user_through_the_page_is_404(client, new_case, personas):
    case = close_case(new_case(actor=personas.resident_a, channel="resident"), personas)
    client.force_login(personas.resident_b)
    assert client.post(f"/cases/{case.number}/rate/", {"score": "5"}).status_code == 404
    assert CaseRating.objects.count() == 0
