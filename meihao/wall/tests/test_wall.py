"""The wall screen: display tokens (issued by the supervisors of a district or street, stored
as a hash, revoked for good, audited) and what the screen reads with one (counts from the
registered indicators, anonymised case points, nothing personal)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from meihao.cases.models import Case, CaseType
from meihao.cases.services import case_submit
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.eldercare.visits import period_first_day
from meihao.insights.figures import measure
from meihao.insights.registry import REGISTRY, Span
from meihao.wall import selectors
from meihao.wall.models import DisplayToken, secret_hash
from meihao.wall.services import display_token_issue, display_token_revoke, may_issue

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 14, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _issue(personas, place=None, name="指挥中心大屏"):
    return display_token_issue(
        actor=personas.district_admin, place=place or personas.tree.district, name=name
    )


def _case(personas, *, lat, lon, description="井盖缺失，有人差点掉下去", grid=None):
    grid_type = CaseType.objects.get(code="GRID")
    return case_submit(
        actor=personas.grid_worker_a,
        case_type=grid_type,
        category=grid_type.categories.filter(code="0506").first(),
        description=description,
        lat=lat,
        lon=lon,
        place=grid or personas.tree.grid_a1,
        address="骑楼街18号",
        channel=Case.Channel.GRID_PATROL,
        reporter_name="李秀英",
        reporter_phone="13912345678",
    )


# --- tokens ---------------------------------------------------------------------------------
def test_a_token_is_stored_only_as_its_hash_and_audited(personas):
    token, secret = _issue(personas)
    assert len(secret) >= 40
    token.refresh_from_db()
    assert token.secret_hash == secret_hash(secret)
    assert secret not in json.dumps(list(DisplayToken.objects.values()), default=str)
    assert token.place_path == personas.tree.district.path
    assert AuditEvent.objects.filter(action="wall.display_token_issue").count() == 1
    again, other = _issue(personas)
    assert other != secret and again.secret_hash != token.secret_hash


def test_who_may_issue_for_which_place(personas):
    tree = personas.tree
    chief = personas.street_chief_a
    token, _secret = display_token_issue(actor=chief, place=tree.street_a, name="街道大屏")
    assert token.place == tree.street_a
    with pytest.raises(PermissionDenied):  # the district: seen (an ancestor), not supervised
        display_token_issue(actor=chief, place=tree.district, name="区大屏")
    with pytest.raises(NotFound):  # another street: out of sight
        display_token_issue(actor=chief, place=tree.street_b, name="别的街道")
    _issue(personas, tree.street_b)  # the district admin: any street of the district
    for persona in (personas.community_staff_a, personas.grid_worker_a, personas.resident_a):
        assert not may_issue(persona)
        with pytest.raises((NotFound, PermissionDenied)):
            display_token_issue(actor=persona, place=tree.community_a, name="社区")
    assert may_issue(chief) and may_issue(personas.district_admin)
    assert DisplayToken.objects.count() == 2


@pytest.mark.parametrize(
    "name, place, message",
    [
        ("", "district", "Name the screen"),
        ("   ", "district", "Name the screen"),
        ("屏" * 61, "district", "At most 60"),
        ("社区屏", "community_a", "district or a street"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(personas, name, place, message):
    with pytest.raises(ValidationFailed):
        _issue(personas, getattr(personas.tree, place), name)
    assert not DisplayToken.objects.exists()
    assert not AuditEvent.objects.filter(action="wall.display_token_issue").exists()


def test_revoking_is_final_scoped_and_audited(personas):
    token, _secret = _issue(personas)
    with pytest.raises(NotFound):  # a street chief does not see the district's screens
        display_token_revoke(actor=personas.street_chief_a, token=token)
    display_token_revoke(actor=personas.district_admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == personas.district_admin
    with pytest.raises(ValidationFailed):
        display_token_revoke(actor=personas.district_admin, token=token)
    assert AuditEvent.objects.filter(action="wall.display_token_revoke").count() == 1


# --- the screen and its data ------------------------------------------------------------------
def test_the_data_holds_counts_and_rounded_points_only(client, personas, clock):
    first = _case(personas, lat=23.401234, lon=111.205678)
    _case(personas, lat=23.41987, lon=111.20444, description="路灯不亮")
    _token, secret = _issue(personas)
    response = client.get(reverse("wall:data", args=[secret]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    text = response.content.decode()
    for personal in (
        first.number,
        "井盖缺失",
        "路灯不亮",
        "李秀英",
        "13912345678",
        "骑楼街18号",
        personas.grid_worker_a.name,
        "23.401234",
        "111.205678",
    ):
        assert personal not in text
    for key in ("id", "number", "name_of", "phone", "address", "description", "reporter"):
        assert f'"{key}"' not in text
    assert sorted(data["points"]) == sorted(
        [[23.401, 111.206, "new", "hour"], [23.42, 111.204, "new", "hour"]]
    )
    for lat, lon, _state, _age in data["points"]:
        assert round(lat, 3) == lat and round(lon, 3) == lon


def test_the_counts_are_the_indicators_figures(client, personas, clock):
    _case(personas, lat=23.401, lon=111.205)
    _case(personas, lat=23.402, lon=111.205, grid=personas.tree.grid_b1)
    _token, secret = _issue(personas)
    data = client.get(reverse("wall:data", args=[secret])).json()
    district = personas.tree.district.path
    month = Span.of(district, NOW.date().replace(day=1), NOW.date())
    day = Span.of(district, NOW.date(), NOW.date())
    assert [p["code"] for p in data["pillars"]] == [code for code, _f in selectors.PILLARS]
    for pillar in data["pillars"]:
        for figure in pillar["figures"]:
            assert figure["value"] == measure(REGISTRY[figure["code"]], month).value
    assert data["today"]["cases"]["value"] == measure(REGISTRY["reports_filed"], day).value == 2
    assert data["today"]["patrols"]["value"] == measure(REGISTRY["patrols_walked"], day).value
    assert data["today"]["overdue"]["value"] == 0
    calls = measure(REGISTRY["care_calls_done_rate"], day)
    assert data["today"]["care_calls"] == {
        "code": "care_calls_done_rate",
        "name": "上门服务完成率",
        "done": calls.numerator,
        "due": calls.denominator or 0,
    }
    # Visits to elders are filed once a round (7 days from a fixed day): the round so far.
    round_start = period_first_day(NOW.date())
    assert (NOW.date() - round_start).days < 7
    visits = measure(REGISTRY["elder_visits_done_rate"], Span.of(district, round_start, NOW.date()))
    assert data["today"]["visits"]["done"] == visits.numerator
    assert data["today"]["visits"]["due"] == (visits.denominator or 0)
    filed = data["rankings"][0]
    assert filed["code"] == "reports_filed"
    assert sorted((row["name"], row["value"]) for row in filed["rows"]) == [
        ("城东街道", 1),
        ("城南街道", 1),
    ]


def test_a_street_screen_sees_its_street_only(client, personas, clock):
    _case(personas, lat=23.401, lon=111.205)
    _case(personas, lat=23.402, lon=111.305, grid=personas.tree.grid_b1)
    _token, secret = display_token_issue(
        actor=personas.street_chief_a, place=personas.tree.street_a, name="城东街道大屏"
    )
    data = client.get(reverse("wall:data", args=[secret])).json()
    assert data["place"] == "城东街道"
    assert data["points"] == [[23.401, 111.205, "new", "hour"]]
    assert data["today"]["cases"]["value"] == 1
    assert [row["name"] for row in data["rankings"][0]["rows"]] == ["骑楼社区"]


def test_the_overdue_count_is_the_indicators_and_matches_the_red_points(client, personas, clock):
    _case(personas, lat=23.401, lon=111.205)
    _case(personas, lat=23.402, lon=111.305, grid=personas.tree.grid_b1)
    _token, secret = display_token_issue(
        actor=personas.street_chief_a, place=personas.tree.street_a, name="城东街道大屏"
    )
    url = reverse("wall:data", args=[secret])
    assert client.get(url).json()["today"]["overdue"]["value"] == 0
    later = NOW.replace(day=18)
    with time_machine.travel(later, tick=False):
        data = client.get(url).json()
        day = Span.of(personas.tree.street_a.path, later.date(), later.date())
        expected = measure(REGISTRY["cases_overdue_now"], day).value
    assert data["today"]["overdue"]["value"] == expected == 1  # street A's case only
    assert data["today"]["overdue"]["name"] == "当前超时案件"
    assert [p[2] for p in data["points"]] == ["overdue"]


def test_overdue_and_handled_points(personas, clock):
    case = _case(personas, lat=23.401, lon=111.205)
    with time_machine.travel(NOW.replace(day=18), tick=False):
        from django.utils import timezone

        points = selectors.case_points(personas.tree.district, timezone.now())
    assert points == [[23.401, 111.205, "overdue", "week"]]
    Case.objects.filter(pk=case.pk).update(status="closed")
    points = selectors.case_points(personas.tree.district, NOW)
    assert points == [[23.401, 111.205, "handled", "hour"]]


def test_the_data_reads_in_constant_queries(client, personas, clock, django_assert_max_num_queries):
    _token, secret = _issue(personas)
    url = reverse("wall:data", args=[secret])
    client.get(url)
    for n in range(6):
        _case(personas, lat=23.401 + n / 1000, lon=111.205)
    with django_assert_max_num_queries(60):
        assert len(client.get(url).json()["points"]) == 6


def test_a_revoked_or_unknown_token_is_refused_in_chinese(client, personas, clock):
    token, secret = _issue(personas)
    assert client.get(reverse("wall:screen", args=[secret])).status_code == 200
    display_token_revoke(actor=personas.district_admin, token=token)
    response = client.get(reverse("wall:data", args=[secret]))
    assert response.status_code == 403
    assert response.json() == {"error": "该大屏的授权已撤销", "state": "revoked"}
    page = client.get(reverse("wall:screen", args=[secret]))
    assert page.status_code == 403
    assert "该大屏的授权已撤销" in page.content.decode()
    assert "wall-config" not in page.content.decode()
    unknown = client.get(reverse("wall:data", args=["x" * 43]))
    assert unknown.status_code == 401
    assert unknown.json()["state"] == "unknown" and "未获授权" in unknown.json()["error"]
    assert client.get(reverse("wall:screen", args=["short"])).status_code == 401


def test_the_screen_page_says_when_it_was_last_seen(client, personas, clock):
    token, secret = _issue(personas)
    html = client.get(reverse("wall:screen", args=[secret])).content.decode()
    assert 'id="wall-config"' in html and "<script>" not in html
    token.refresh_from_db()
    assert token.last_seen_at == NOW


# --- the tokens page -----------------------------------------------------------------------------
def test_the_tokens_page_issues_shows_the_address_once_and_revokes(client, personas):
    client.force_login(personas.district_admin)
    url = reverse("wall:tokens")
    page = client.get(url)
    assert page.status_code == 200
    choices = [label for _value, label in page.context["form"].fields["place"].choices]
    assert choices == ["万秀区", "城东街道", "城南街道"]
    response = client.post(url, {"name": "指挥中心大屏", "place": personas.tree.district.pk})
    assert response.status_code == 200
    screen_url = response.context["screen_url"]
    secret = screen_url.rstrip("/").rsplit("/", 1)[1]
    token = DisplayToken.objects.get()
    assert token.secret_hash == secret_hash(secret)
    assert secret not in client.get(url).content.decode()  # shown once
    revoked = client.post(reverse("wall:revoke", args=[token.pk]), {"next": url})
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "place": "district"},
        {"name": "屏", "place": "community_a"},
        {"name": "屏", "place": "99999999999999999999999"},
        {"name": "屏", "place": "²"},
    ],
)
def test_the_tokens_page_refuses_bad_input(client, personas, data):
    client.force_login(personas.district_admin)
    place = getattr(personas.tree, data["place"], None)
    post = {"name": data["name"], "place": place.pk if place else data["place"]}
    response = client.post(reverse("wall:tokens"), post)
    assert response.status_code == 422
    assert not DisplayToken.objects.exists()


def test_the_tokens_page_is_for_supervisors_in_their_places(client, personas):
    token, _secret = _issue(personas)
    for persona in (personas.community_staff_a, personas.grid_worker_a, personas.resident_a):
        client.force_login(persona)
        assert client.get(reverse("wall:tokens")).status_code == 404
        assert client.post(reverse("wall:revoke", args=[token.pk])).status_code == 404
    client.force_login(personas.street_chief_a)
    page = client.get(reverse("wall:tokens"))
    assert page.status_code == 200 and not page.context["page"].object_list
    assert client.post(reverse("wall:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
