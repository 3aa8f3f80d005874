"""The public page and map: no log-in, reviewed cases only, no names or phones, the grid's
centroid for a place, EXIF-free photos staff chose. The rule itself: test_publication.py."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meihao.cases import services
from meihao.cases.models import Case, CaseType, Status
from meihao.cases.tests.reporter_helpers import upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def anonymous_report(grid_type, vending, personas):
    def make(**overrides):
        fields = {
            "actor": None,
            "case_type": grid_type,
            "category": vending,
            "description": "门口摆摊，联系我 13912345678",
            "lat": 23.412345,
            "lon": 111.205678,
            "channel": Case.Channel.HOTLINE,
            "reporter_name": "王小明",
            "reporter_phone": "13912345678",
            "address": "骑楼街18号",
        }
        fields.update(overrides)
        case = services.case_submit(**fields)
        return services.case_accept(case=case, actor=personas.street_chief_a)

    return make


@pytest.fixture
def published_case(new_case, personas):
    """A factory: `new_case`, accepted by its street chief."""

    def make(**overrides):
        return services.case_accept(case=new_case(**overrides), actor=personas.street_chief_a)

    return make


def test_public_page_needs_no_login_and_shows_no_names_or_phones(client, anonymous_report):
    case = anonymous_report()
    response = client.get("/cases/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.number in html
    assert "王小明" not in html
    assert "13912345678" not in html
    assert "骑楼街18号" not in html
    assert "23.412345" not in html and "111.205678" not in html
    grid = case.place
    assert f'"lat": {grid.centroid_lat}' in html and f'"lon": {grid.centroid_lon}' in html


def test_public_detail_is_anonymised(client, anonymous_report, personas):
    case = anonymous_report()
    services.case_dispatch(
        case=case,
        actor=personas.street_chief_a,
        organisation=personas.department,
        note="街长甲核实",
    )
    html = client.get(f"/cases/public/{case.number}/").content.decode()
    assert case.number in html
    for secret in ("王小明", "13912345678", "骑楼街18号", "街长甲", "23.412345"):
        assert secret not in html
    assert f'"lat": {case.place.centroid_lat}, "lon": {case.place.centroid_lon}' in html
    assert "***********" in html  # the phone typed into the description is masked


def test_public_detail_links_only_public_photo_copies(client, published_case, personas):
    case = published_case(photos=[upload()])
    photo = case.photos.get()
    services.case_photo_set_public(
        case=case, photo=photo, actor=personas.street_chief_a, public=True
    )
    html = client.get(f"/cases/public/{case.number}/").content.decode()
    assert f"/cases/photos/{photo.pk}/public.jpg" in html
    assert f"/cases/photos/{photo.pk}/full.jpg" not in html


@pytest.mark.parametrize("status", [Status.VOID, Status.REJECTED, Status.DUPLICATE])
def test_refused_merged_and_void_cases_are_not_public(client, new_case, status):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(status=status)
    assert case.number not in client.get("/cases/public/").content.decode()
    assert client.get(f"/cases/public/{case.number}/").status_code == 404


def test_private_types_are_not_public(client, new_case, grid_type):
    case = new_case()
    CaseType.objects.filter(pk=grid_type.pk).update(visibility=CaseType.Visibility.PRIVATE)
    assert case.number not in client.get("/cases/public/").content.decode()
    assert client.get(f"/cases/public/{case.number}/").status_code == 404


def test_filters_by_street_status_and_class(client, new_case, grid_type, vending, personas):
    in_a = new_case()
    in_b = new_case(actor=personas.grid_worker_b, lat=23.41, lon=111.305)
    other = grid_type.categories.filter(parent__isnull=False).exclude(pk=vending.pk).first()
    other_class = new_case(category=other)
    services.case_accept(case=in_a, actor=personas.street_chief_a)
    services.case_accept(case=in_b, actor=personas.district_admin)
    for case in (in_b, other_class):
        services.case_dispatch(
            case=case, actor=personas.district_admin, organisation=personas.department
        )

    def numbers(**params):
        html = client.get("/cases/public/", params).content.decode()
        return {c.number for c in (in_a, in_b, other_class) if c.number in html}

    assert numbers() == {in_a.number, in_b.number, other_class.number}
    assert numbers(street=personas.tree.street_b.code) == {in_b.number}
    assert numbers(street=personas.tree.street_a.code) == {in_a.number, other_class.number}
    assert numbers(status="accepted") == {in_a.number}
    assert numbers(category=other.code) == {other_class.number}
    # Malformed filters are ignored rather than failing.
    assert client.get("/cases/public/", {"street": "x'--", "status": "nope"}).status_code == 200


def test_the_status_filter_offers_each_reporters_word_once_for_every_state_behind_it(
    client, published_case
):
    states = [Status.ACCEPTED, Status.RETURNED, Status.IN_PROGRESS, Status.REOPENED, Status.CLOSED]
    cases = {state: published_case() for state in states}
    for state, case in cases.items():
        Case.objects.filter(pk=case.pk).update(status=state)

    def shown(**params) -> tuple[set[str], list[tuple[str, str, bool]]]:
        response = client.get("/cases/public/", params)
        html = response.content.decode()
        select = html.split('id="f-status"', 1)[1].split("</select>", 1)[0]
        options = re.findall(r'<option value="(\w*)" ?(selected)?>([^<]*)</option>', select)
        found = {state for state, case in cases.items() if case.number in html}
        return found, [(value, label, bool(selected)) for value, selected, label in options]

    _all, options = shown()
    labels = [label for _value, label, _selected in options]
    assert len(labels) == len(set(labels))
    assert labels.count("已受理") == 1 and labels.count("处理中") == 1
    value = {label: value for value, label, _selected in options}
    assert shown(status=value["处理中"])[0] == {Status.IN_PROGRESS, Status.REOPENED}
    assert shown(status=value["已受理"])[0] == {Status.ACCEPTED, Status.RETURNED}
    assert shown(status=value["已办结"])[0] == {Status.CLOSED}
    # A link naming any state of a word filters by the word, and the page shows it chosen.
    found, options = shown(status=Status.REOPENED)
    assert found == {Status.IN_PROGRESS, Status.REOPENED}
    assert [label for _value, label, selected in options if selected] == ["处理中"]


def test_public_page_paginates_and_query_count_does_not_grow(client, published_case):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/public/").status_code == 200
        return len(queries)

    published_case(photos=[upload()])
    small = count()
    for _ in range(21):
        published_case(photos=[upload(size=(40, 40))])
    assert count() == small
    html = client.get("/cases/public/?page=2").content.decode()
    assert html.count('class="list-group-item list-group-item-action') == 2


def test_public_detail_query_count_does_not_grow_with_the_timeline(
    client, published_case, personas
):
    case = published_case(photos=[upload()])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/public/{case.number}/").status_code == 200
        return len(queries)

    small = count()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    services.case_start(case=case, actor=personas.department_staff)
    assert count() == small


def test_unknown_public_case_is_404(client, db):
    assert client.get("/cases/public/WG202401019999/").status_code == 404
