"""The menu per role (web.menu): every screen a role uses, the inbox for everyone, one name per
screen in the menu, the home card and the page title."""

import re

import pytest
from django.urls import reverse

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.party.testing import build_party
from meihao.projects.testing import make_project
from meihao.web.menu import SCREENS, menu


def _menu_urls(user) -> set[str]:
    return {entry.url for entry in menu(user)}


@pytest.mark.parametrize(
    ("persona", "offered", "not_offered"),
    [
        (
            "grid_worker_a",
            ["patrols:current", "patrols:mine", "cases:verify", "cases:report", "people:list"],
            ["cases:board", "people:import", "timebank:home"],
        ),
        (
            "resident_a",
            ["timebank:home", "wishes:home", "ledger:mine", "rewards:catalogue", "cases:mine"],
            ["people:list", "cases:verify", "activities:organise"],
        ),
        (
            "community_staff_a",
            ["insights:cases", "activities:organise", "cases:board", "wishes:review"],
            ["patrols:current", "rewards:counter"],
        ),
        ("department_staff", ["cases:queue", "insights:cases"], ["cases:board", "people:list"]),
        ("merchant_staff", ["rewards:counter", "rewards:manage"], ["volunteers:roster"]),
        ("party_member_a", ["wishes:wall", "dual:member_posts"], ["activities:organise"]),
    ],
)
def test_each_role_finds_every_screen_it_uses_in_the_menu(personas, persona, offered, not_offered):
    urls = _menu_urls(getattr(personas, persona))
    assert {reverse(name) for name in offered} <= urls
    assert not {reverse(name) for name in not_offered} & urls


def test_everyone_with_a_log_in_has_home_and_the_inbox_in_the_menu(personas):
    for name, user in personas.all().items():
        urls = [entry.url for entry in menu(user)]
        assert urls[0] == reverse("home"), name
        assert reverse("notify:inbox") in urls, name


def test_the_menu_is_rendered_on_every_page_with_messages(client, personas):
    client.force_login(personas.resident_a)
    html = client.get(reverse("activities:list")).content.decode()
    nav = html[html.index('id="mainnav"') :]
    assert f'href="{reverse("notify:inbox")}"' in nav
    assert "<span>消息</span>" in nav
    assert "<span>时间银行</span>" in nav


def test_a_resident_home_is_not_my_work(client, personas):
    client.force_login(personas.resident_a)
    html = client.get("/").content.decode()
    assert "<title>首页 · " in html
    assert "我的工作" not in html
    client.force_login(personas.grid_worker_a)
    assert "<title>我的工作 · " in client.get("/").content.decode()


def test_a_screen_has_one_name_in_the_menu_the_home_card_and_its_page(client, personas):
    """The screen's label is its page's title: 待核查 on the grid worker's menu, card and page."""
    client.force_login(personas.grid_worker_a)
    home = client.get("/")
    card = next(c for c in home.context["cards"] if c.role == Role.GRID_WORKER)
    verify = reverse("cases:verify")
    assert [str(link.label) for link in card.links if link.url == verify] == ["待核查"]
    assert [str(e.label) for e in menu(personas.grid_worker_a) if e.url == verify] == ["待核查"]
    page = client.get(verify).content.decode()
    assert re.search(r"<title>待核查 · ", page)


def test_every_screen_title_matches_its_menu_label(client, personas):
    """Each screen of the registry, opened by a holder of its role, is titled with its label."""
    from meihao.rewards.services import partner_merchant_create

    partner_merchant_create(actor=personas.community_staff_a, organisation=personas.merchant)
    care_worker = _care_provider_staff(personas)
    police = make_user(
        "13800000090", "片警", home=None, roles=[(Role.POLICE_OFFICER, personas.tree.community_a)]
    )
    aid_staff = _legal_aid_centre_staff(personas)
    build_party(personas)  # the party member's branch: their party screen
    make_project(personas)  # in community A: its officials' projects screen
    # Places opens straight onto the place when the user covers only one, titled with its name.
    places = reverse("places:browser")
    # A page may be two screens, titled for each role (the catalogue's back office is the
    # editor's and a department's own list): a screen is its address and its label.
    checked = set()
    for user in [*personas.all().values(), care_worker, police, aid_staff]:
        client.force_login(user)
        for entry in menu(user)[1:]:
            screen = (entry.url, str(entry.label))
            if entry.url == places or screen in checked or entry.url.startswith("/admin/"):
                continue
            checked.add(screen)
            page = client.get(entry.url).content.decode()
            assert f"<title>{entry.label} · " in page, screen
    assert len(checked) + 1 == len(SCREENS) + 1  # every screen but places, and the inbox


def _legal_aid_centre_staff(personas):
    """The staff of a legal-aid centre (a department marked as one): their screen is its
    requests, which other departments' staff are not offered."""
    from meihao.legal.models import LegalAidCentre
    from meihao.people.models import Organisation

    organisation = Organisation.objects.create(
        name="万秀区法律援助中心",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    LegalAidCentre.objects.create(organisation=organisation)
    return make_user(
        "13800000091", "援助中心", home=None, roles=[(Role.DEPARTMENT_STAFF, organisation)]
    )


def test_a_screen_for_some_holders_of_a_role_is_offered_to_them_alone(personas):
    aid_staff = _legal_aid_centre_staff(personas)
    assert "/legal/aid/" in {e.url for e in menu(aid_staff)}
    assert "/legal/aid/" not in {e.url for e in menu(personas.department_staff)}


def _care_provider_staff(personas):
    """A care provider's staff member (云家庭), whose screen is the orders offered to them."""
    from meihao.care.models import Provider
    from meihao.care.services import provider_register, staff_add
    from meihao.core.testing import make_user
    from meihao.people.models import Organisation

    organisation = Organisation.objects.create(
        name="颐康居家养老服务中心",
        kind=Organisation.Kind.SOCIAL_ORGANISATION,
        place=personas.tree.community_a,
        place_path=personas.tree.community_a.path,
    )
    provider = provider_register(
        actor=personas.community_staff_a,
        organisation=organisation,
        kind=Provider.Kind.ORGANISATION,
        lat=23.41,
        lon=111.205,
    )
    user = make_user("13800000060", "护理员甲", home=personas.tree.grid_a1)
    staff_add(actor=personas.community_staff_a, provider=provider, person=user.person)
    return user
