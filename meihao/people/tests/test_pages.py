"""The resident pages: list with htmx search and pagination, empty state, profile and tokens."""

import re

from django.test import Client

from meihao.core.models import AuditEvent
from meihao.people.models import ApiToken
from meihao.people.tests.factories import PersonFactory, make_id_number
from meihao.people.views import PAGE_SIZE


def test_list_shows_masked_data_and_an_export_button(client, personas):
    number = make_id_number(serial=61)
    PersonFactory(
        real_name="列表甲", phone="13912345678", home_place=personas.tree.grid_a1, id_number=number
    )
    client.force_login(personas.community_staff_a)
    page = client.get("/people/").content.decode()
    assert "列表甲" in page
    assert "139****5678" in page and "13912345678" not in page
    assert number[:6] + "********" + number[-4:] in page and number not in page
    assert 'href="/people/export/"' in page
    assert 'class="table-responsive"' in page
    assert 'href="/people/import/"' in page  # community staff may import


def test_grid_workers_see_no_import_button(client, personas):
    client.force_login(personas.grid_worker_a)
    page = client.get("/people/").content.decode()
    assert "/people/import/" not in page
    assert "/people/export/" in page


def test_htmx_search_returns_only_the_results_fragment(client, personas):
    PersonFactory(real_name="搜索甲", home_place=personas.tree.grid_a1)
    PersonFactory(real_name="别人", home_place=personas.tree.grid_a1)
    client.force_login(personas.community_staff_a)
    response = client.get(
        "/people/", {"q": "搜索"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results"
    )
    fragment = response.content.decode()
    assert "搜索甲" in fragment and "别人" not in fragment
    assert "<html" not in fragment and '<nav class="navbar' not in fragment
    assert "/people/export/?q=%E6%90%9C%E7%B4%A2" in fragment  # export keeps the filter
    full = client.get("/people/", {"q": "搜索"}).content.decode()
    assert "<html" in full and 'id="people-results"' in full


def test_empty_states(client, personas):
    client.force_login(personas.grid_worker_b)
    page = client.get("/people/", {"q": "没有这个人"}).content.decode()
    assert 'id="people-empty"' in page and "没有这个人" in page
    assert "/people/export/" not in page


def test_pagination(client, personas):
    for n in range(PAGE_SIZE + 2):
        PersonFactory(real_name=f"翻页{n:02d}", home_place=personas.tree.grid_a1)
    client.force_login(personas.community_staff_a)
    first = client.get("/people/", {"q": "翻页"}).content.decode()
    assert "翻页00" in first and f"翻页{PAGE_SIZE:02d}" not in first
    assert "page=2" in first
    second = client.get("/people/", {"q": "翻页", "page": 2}).content.decode()
    assert f"翻页{PAGE_SIZE + 1:02d}" in second and "翻页00" not in second
    assert client.get("/people/", {"page": "abc"}).status_code == 200


def test_detail_shows_tags_roles_and_teams(client, personas):
    from meihao.people import services
    from meihao.people.models import Team

    person = personas.resident_a.person
    team = services.team_create(
        actor=personas.community_staff_a,
        name="骑楼志愿队",
        kind=Team.Kind.VOLUNTEER,
        place=personas.tree.community_a,
    )
    services.team_member_add(
        actor=personas.community_staff_a, team=team, person=person, position="deputy"
    )
    services.person_update(actor=personas.community_staff_a, person=person, tags=["party_member"])
    client.force_login(personas.community_staff_a)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "骑楼志愿队" in page and "副队长" in page
    assert "党员" in page
    assert "居民" in page and personas.tree.grid_a1.name in page  # the resident role and its scope


def test_profile_shows_roles_and_creates_a_token_shown_once(client, personas):
    client.force_login(personas.street_chief_a)
    page = client.get("/people/me/").content.decode()
    assert "街长" in page and personas.tree.street_a.name in page
    assert "138****0004" in page

    response = client.post("/people/me/tokens/", {"name": "大屏"})
    page = response.content.decode()
    shown = re.search(r'value="(mh_[^"]+)"', page).group(1)
    token = ApiToken.objects.get(user=personas.street_chief_a)
    assert token.prefix == shown[:8]
    assert shown not in client.get("/people/me/").content.decode()
    app = Client()  # no session cookie: only the token speaks
    assert app.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {shown}").status_code == 200

    response = client.post(f"/people/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert app.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {shown}").status_code == 401


def test_a_token_without_a_name_is_refused(client, personas):
    client.force_login(personas.street_chief_a)
    response = client.post("/people/me/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(client, personas):
    from meihao.people import services

    token, _plain = services.api_token_create(actor=personas.grid_worker_a, name="x")
    client.force_login(personas.grid_worker_b)
    assert client.post(f"/people/me/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token_revoke").exists()


def test_pages_are_in_english_when_asked(client, personas):
    client.force_login(personas.community_staff_a)
    page = client.get("/people/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Residents" in page and "Export to Excel" in page
