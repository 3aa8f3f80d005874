import pytest
from django.urls import reverse

from meihao.core.roles import Role
from meihao.core.testing import PASSWORD


def _cards(response):
    return {card.role: card for card in response.context["cards"]}


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_grid_worker_sees_grid_card_with_residents_but_no_import(client, personas):
    client.force_login(personas.grid_worker_a)
    response = client.get("/")
    assert response.status_code == 200
    cards = _cards(response)
    assert set(cards) == {Role.GRID_WORKER}
    card = cards[Role.GRID_WORKER]
    assert card.scope_name == "骑楼社区第1网格"
    labels = {str(link.label) for link in card.links}
    assert "导入居民" not in labels
    content = response.content.decode()
    assert "我的工作" in content
    assert "网格员" in content or "Grid worker" in content


def test_community_staff_card_offers_import_when_people_pages_exist(client, personas):
    client.force_login(personas.community_staff_a)
    response = client.get("/")
    card = _cards(response)[Role.COMMUNITY_STAFF]
    assert card.scope_name == "骑楼社区"
    urls = {link.url for link in card.links}
    assert {reverse("people:import"), reverse("people:list")} <= urls


def test_department_staff_card_names_the_organisation(client, personas):
    client.force_login(personas.department_staff)
    card = _cards(client.get("/"))[Role.DEPARTMENT_STAFF]
    assert card.scope_name == "万秀区城市管理局"


def test_resident_sees_nothing_of_people(client, personas):
    client.force_login(personas.resident_a)
    response = client.get("/")
    cards = _cards(response)
    assert set(cards) == {Role.RESIDENT}
    assert not {reverse("people:list"), reverse("people:import")} & _menu_urls(response)
    content = response.content.decode()
    assert "/people/" not in content.replace(_profile_url(), "")


def _menu_urls(response) -> set[str]:
    return {entry.url for entry in response.context["menu"]()}


def _profile_url():
    return reverse("people:profile")


def test_user_without_roles_gets_the_empty_state(client, personas):
    client.force_login(personas.outsider)
    response = client.get("/")
    assert response.context["cards"] == []
    assert "data-empty-state" in response.content.decode()
    assert "您还没有角色" in response.content.decode()


def test_staff_user_gets_the_configuration_link(client, personas):
    user = personas.district_admin
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/")
    assert reverse("admin:index") in response.content.decode()
    assert reverse("admin:index") in _menu_urls(response)


def test_home_query_count_is_fixed(client, personas, django_assert_max_num_queries):
    client.force_login(personas.street_chief_a)
    client.get("/")
    # session, user, scopes, scope names, one aggregated count of the case work lists (board,
    # queue, verify), one of the residents to confirm, whether an elder is still to be offered
    # large text, the home place and its notices, whether they are in the party and on a
    # responsibility project (their menu's screens, one query): not one more per card.
    with django_assert_max_num_queries(11):
        client.get("/")


def test_every_persona_gets_a_page(client, personas):
    for name, user in personas.all().items():
        client.force_login(user)
        assert client.get("/").status_code == 200, name


def test_password_change_flow(client, personas):
    client.force_login(personas.resident_a)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "A-new-pass-9876",
            "new_password2": "A-new-pass-9876",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "offered"),
    [("grid_worker_a", True), ("resident_a", True), ("department_staff", False)],
)
def test_reporters_find_the_report_form_on_their_card(client, personas, persona, offered):
    client.force_login(getattr(personas, persona))
    page = client.get("/").content.decode()
    cards = page[page.index("<main") :]
    assert ('href="/cases/report/"' in cards) is offered


@pytest.mark.parametrize(
    ("persona", "role", "offered", "not_offered"),
    [
        ("volunteer_a", Role.VOLUNTEER, ["volunteers:home", "activities:scan", "rewards:pass"], []),
        ("resident_a", Role.RESIDENT, ["activities:list", "timebank:home", "ledger:mine"], []),
        ("party_member_a", Role.PARTY_MEMBER, ["dual:member_posts"], ["activities:organise"]),
        ("merchant_staff", Role.MERCHANT_STAFF, ["rewards:counter"], ["volunteers:roster"]),
        (
            "community_staff_a",
            Role.COMMUNITY_STAFF,
            ["activities:organise", "volunteers:roster", "dual:registrations", "timebank:members"],
            ["rewards:counter"],
        ),
        ("grid_worker_a", Role.GRID_WORKER, [], ["activities:organise", "rewards:counter"]),
    ],
)
def test_cards_offer_the_volunteer_side_by_role(
    client, personas, persona, role, offered, not_offered
):
    client.force_login(getattr(personas, persona))
    urls = {link.url for link in _cards(client.get("/"))[role].links}
    assert {reverse(name) for name in offered} <= urls
    assert not {reverse(name) for name in not_offered} & urls


def test_every_page_offered_on_a_card_opens_for_its_holder(client, personas):
    from meihao.rewards.services import partner_merchant_create

    # A merchant's staff exist because their shop is a partner.
    partner_merchant_create(actor=personas.community_staff_a, organisation=personas.merchant)
    for user in personas.all().values():
        client.force_login(user)
        for card in client.get("/").context["cards"]:
            for link in card.links:
                assert client.get(link.url).status_code == 200, (user, link.url)


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_a_missing_one(client, personas):
    from django.contrib.staticfiles import finders

    client.force_login(personas.resident_a)
    html = client.get("/").content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/web/favicon.svg">' in html
    assert finders.find("web/favicon.svg")
