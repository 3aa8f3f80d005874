"""Every page and endpoint of the app against every persona (permission matrix), and the
pages' flows: registration, team management, certificates. Dual registration's are in `dual`."""

import pytest

from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import PERSONA_NAMES, assert_refused_back, forms_not_coming_back, make_user
from meihao.people.models import Organisation, TeamMember
from meihao.volunteers.certificates import certificate_issue
from meihao.volunteers.models import (
    Certificate,
    TeamPairing,
    VolunteerProfile,
)
from meihao.volunteers.tests.helpers import credit, id_number, register

pytestmark = pytest.mark.django_db

PERSONAS = (*PERSONA_NAMES, "community_staff_b")
MANAGERS_OF_A = {"community_staff_a", "street_chief_a", "district_admin"}
MANAGERS = MANAGERS_OF_A | {"community_staff_b"}


@pytest.fixture
def world(personas, alliance):
    """A registered volunteer of A with hours and a certificate, and a unit of street A."""
    tree = personas.tree
    staff_b = make_user(
        "13800000070",
        "社区干部乙",
        home=tree.community_b,
        roles=[(Role.COMMUNITY_STAFF, tree.community_b)],
    )
    profile = register(personas.volunteer_a)
    credit(personas, profile.person, 120)
    certificate = certificate_issue(
        actor=personas.community_staff_a, profile=profile, content="治安巡逻"
    )
    unit = Organisation.objects.create(
        name="城东小学", kind="unit", place=tree.street_a, place_path=tree.street_a.path
    )
    return {
        "personas": personas,
        "alliance": alliance,
        "staff_b": staff_b,
        "profile": profile,
        "certificate": certificate,
        "unit": unit,
    }


def actor(world, name):
    if name == "community_staff_b":
        return world["staff_b"]
    return getattr(world["personas"], name)


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def only(allowed, status=200):
    return {name: status if name in allowed else 404 for name in PERSONAS}


PAGES = {
    "home": ("/volunteers/", everyone(200)),
    "register": ("/volunteers/register/", {**everyone(200), "volunteer_a": 302}),
    "teams": ("/volunteers/teams/", everyone(200)),
    "team": ("/volunteers/teams/{team}/", everyone(200)),
    "team_create": ("/volunteers/teams/new/", only(MANAGERS)),
    "roster": ("/volunteers/roster/", only(MANAGERS)),
    "volunteer": ("/volunteers/roster/{profile}/", only(MANAGERS_OF_A)),
    "certificates": ("/volunteers/certificates/", only(MANAGERS)),
    "certificate_pdf": (
        "/volunteers/certificates/{certificate}/pdf/",
        only(MANAGERS_OF_A | {"volunteer_a"}),
    ),
}


def url_of(template, world):
    return template.format(
        team=world["alliance"].team_a.pk,
        profile=world["profile"].pk,
        certificate=world["certificate"].pk,
    )


@pytest.mark.parametrize("page", list(PAGES))
def test_page_matrix(client, world, page):
    template, expected = PAGES[page]
    url = url_of(template, world)
    for name in PERSONAS:
        client.force_login(actor(world, name))
        response = client.get(url)
        assert response.status_code == expected[name], (page, name)
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_verification_page_is_public_for_everyone(client, world):
    url = f"/volunteers/certificates/{world['certificate'].token}/"
    assert client.get(url).status_code == 200
    for name in PERSONAS:
        client.force_login(actor(world, name))
        assert client.get(url).status_code == 200


# Endpoints that change something: persona → status. 302 is done; 400 is refused (the error
# page saying why, as no `next` is posted); 404 is "not yours". Only 302 changes anything.
ENDPOINTS = {
    # Volunteer A, the one registered volunteer, is in no team yet.
    "team_join": ("/volunteers/teams/{team}/join/", {}, {**everyone(400), "volunteer_a": 302}),
    "team_leave": ("/volunteers/teams/{team}/leave/", {}, everyone(400)),
    "member_add": (
        "/volunteers/teams/{team}/members/",
        {"volunteer": "{profile}", "position": "member", "duty": ""},
        only(MANAGERS_OF_A, 302),
    ),
    "pairing_add": (
        "/volunteers/teams/{team}/pairings/",
        {"community": "{community_a}"},
        only(MANAGERS_OF_A, 302),
    ),
    "unit_add": (
        "/volunteers/teams/{team}/units/",
        {"organisation": "{unit}"},
        only(MANAGERS_OF_A, 302),
    ),
    "suspend": (
        "/volunteers/roster/{profile}/suspend/",
        {"reason": "暂停"},
        only(MANAGERS_OF_A, 302),
    ),
    # Volunteer A is active: reactivating is refused.
    "reactivate": ("/volunteers/roster/{profile}/reactivate/", {}, only(MANAGERS_OF_A, 400)),
    "issue": (
        "/volunteers/roster/{profile}/certificates/",
        {"content": "巡逻"},
        only(MANAGERS_OF_A, 302),
    ),
    "revoke": (
        "/volunteers/certificates/{certificate}/revoke/",
        {"reason": "有误"},
        only(MANAGERS_OF_A, 302),
    ),
}


def fill(value: str, world) -> str:
    tree = world["personas"].tree
    return value.format(
        team=world["alliance"].team_a.pk,
        street=world["alliance"].street_a.pk,
        profile=world["profile"].pk,
        certificate=world["certificate"].pk,
        unit=world["unit"].pk,
        community_a=tree.community_a.pk,
    )


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("name", PERSONAS)
def test_endpoint_matrix(client, world, endpoint, name):
    template, data, expected = ENDPOINTS[endpoint]
    url = fill(template, world)
    body = {fill(key, world): fill(value, world) for key, value in data.items()}
    client.force_login(actor(world, name))
    before = AuditEvent.objects.count()
    response = client.post(url, body)
    assert response.status_code == expected[name], (endpoint, name)
    if expected[name] != 302:
        assert AuditEvent.objects.count() == before, (endpoint, name)
    assert client.get(url).status_code in (404, 405)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_endpoints_need_login(client, world, endpoint):
    template, data, _expected = ENDPOINTS[endpoint]
    before = AuditEvent.objects.count()
    response = client.post(fill(template, world), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Flows


def test_register_page_flow(client, personas):
    client.force_login(personas.resident_a)
    page = client.get("/volunteers/register/").content.decode()
    assert 'id="consent-text"' in page
    assert 'name="consent"' in page
    number = id_number(__import__("datetime").date(1990, 3, 3))
    refused = client.post(
        "/volunteers/register/",
        {"community": personas.tree.community_a.pk, "real_name": "居民甲", "id_number": number},
    )
    assert refused.status_code == 400
    assert not VolunteerProfile.objects.exists()
    done = client.post(
        "/volunteers/register/",
        {
            "community": personas.tree.community_a.pk,
            "real_name": "居民甲",
            "id_number": number,
            "consent": "on",
            "service_areas": ["elderly"],
        },
    )
    assert done.status_code == 302
    profile = VolunteerProfile.objects.get()
    assert profile.service_areas == ["elderly"]
    home = client.get("/volunteers/").content.decode()
    assert 'id="volunteer-card"' in home
    assert 'data-stars="0"' in home


def test_register_page_shows_the_error_on_the_field(client, personas):
    client.force_login(personas.resident_a)
    response = client.post(
        "/volunteers/register/",
        {
            "community": personas.tree.community_a.pk,
            "real_name": "居民甲",
            "id_number": "123",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


def test_home_shows_hours_and_stars(client, personas, settings):
    settings.VOLUNTEER_STAR_HOURS = (1, 2, 3)
    profile = register(personas.volunteer_a)
    credit(personas, profile.person, 150)
    client.force_login(personas.volunteer_a)
    page = client.get("/volunteers/").content.decode()
    assert 'data-stars="2"' in page
    assert "2.5" in page


def test_team_page_management_flow(client, world):
    personas, team = world["personas"], world["alliance"].red_armband_a
    client.force_login(personas.community_staff_a)
    page = client.get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert 'id="member-add"' in page and 'id="pairing-add"' in page
    missing_duty = client.post(
        f"/volunteers/teams/{team.pk}/members/",
        {"volunteer": world["profile"].pk, "position": "member", "duty": ""},
    )
    assert missing_duty.status_code == 302
    assert not TeamMember.objects.filter(team=team).exists()
    client.post(
        f"/volunteers/teams/{team.pk}/members/",
        {"volunteer": world["profile"].pk, "position": "leader", "duty": "mediation"},
    )
    membership = TeamMember.objects.get(team=team)
    assert (membership.position, membership.duty) == ("leader", "mediation")
    client.post(
        f"/volunteers/teams/{team.pk}/members/{membership.pk}/",
        {f"m{membership.pk}-position": "member", f"m{membership.pk}-duty": "publicity"},
    )
    membership.refresh_from_db()
    assert membership.duty == "publicity"
    page = client.get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert "志愿者甲" in page
    client.post(
        f"/volunteers/teams/{team.pk}/pairings/",
        {"community": world["personas"].tree.community_a.pk},
    )
    pairing = TeamPairing.objects.get(team=team)
    assert_refused_back(
        client,
        f"/volunteers/teams/{team.pk}/pairings/",
        {"community": personas.tree.community_a.pk},
        page=f"/volunteers/teams/{team.pk}/",
        status=400,
        message="该队伍已与此社区结对。",
    )
    assert TeamPairing.objects.filter(team=team).count() == 1
    client.post(f"/volunteers/teams/{team.pk}/pairings/{pairing.pk}/remove/")
    client.post(f"/volunteers/teams/{team.pk}/members/{membership.pk}/remove/")
    assert not TeamMember.objects.filter(team=team).exists()
    assert not TeamPairing.objects.filter(team=team).exists()


def test_team_page_for_a_resident_masks_names_and_offers_no_management(client, world):
    personas, team = world["personas"], world["alliance"].team_a
    TeamMember.objects.create(team=team, person=world["profile"].person)
    client.force_login(personas.resident_b)
    page = client.get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert "志**甲" in page and "志愿者甲" not in page
    assert 'id="member-add"' not in page and 'id="team-join"' not in page


def test_volunteer_joins_through_the_page(client, world):
    personas, team = world["personas"], world["alliance"].red_armband_a
    client.force_login(personas.volunteer_a)
    page = client.get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert 'id="team-join"' in page and 'name="duty"' in page
    client.post(f"/volunteers/teams/{team.pk}/join/", {"duty": "security"})
    assert TeamMember.objects.get(team=team).duty == "security"
    page = client.get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert 'id="team-leave"' in page


def test_team_create_page(client, world):
    personas = world["personas"]
    client.force_login(personas.community_staff_a)
    refused = client.post(
        "/volunteers/teams/new/",
        {"name": "新联盟", "kind": "volunteer", "place": personas.tree.community_a.pk},
    )
    assert refused.status_code == 400
    done = client.post(
        "/volunteers/teams/new/",
        {
            "name": "骑楼敬老服务队",
            "kind": "service_squad",
            "place": personas.tree.community_a.pk,
            "parent": world["alliance"].street_a.pk,
        },
    )
    assert done.status_code == 302


def test_certificate_issue_page_and_errors(client, world):
    personas, profile = world["personas"], world["profile"]
    client.force_login(personas.community_staff_a)
    bad = client.post(f"/volunteers/roster/{profile.pk}/certificates/", {"content": ""})
    assert bad.status_code == 400
    assert Certificate.objects.count() == 1
    client.post(f"/volunteers/roster/{profile.pk}/certificates/", {"content": "巡逻"})
    assert Certificate.objects.count() == 2
    page = client.get(f"/volunteers/roster/{profile.pk}/").content.decode()
    assert page.count('data-certificate="ZM-') == 2


def test_roster_lists_hours_without_a_query_per_row(client, world, django_assert_max_num_queries):
    personas = world["personas"]
    for n in range(5):
        user = make_user(f"1390000000{n}", f"志愿者{n}", home=personas.tree.grid_a1)
        register(user, sequence=f"{n:03d}")
    client.force_login(personas.community_staff_a)
    with django_assert_max_num_queries(12):
        page = client.get("/volunteers/roster/").content.decode()
    assert page.count("data-profile=") == 6
    assert "2.0" in page


# ---------------------------------------------------------------------------------------------
# Refused one-button actions: core.middleware says why, where the form was posted from


def _state() -> tuple:
    return (
        AuditEvent.objects.count(),
        list(TeamMember.objects.values_list("pk", "team_id", "duty")),
        list(VolunteerProfile.objects.values_list("pk", "status")),
        list(Certificate.objects.values_list("pk", "revoked_at")),
    )


REFUSED_ACTIONS = {
    # action: (persona, url, data, the page its form is on, message); all are 400. A duplicate
    # pairing: test_team_page_management_flow.
    "team_join": (
        "resident_a",
        "/volunteers/teams/{team}/join/",
        {},
        "/volunteers/teams/{team}/",
        "只有注册志愿者才能加入队伍。",
    ),
    "team_leave": (
        "volunteer_a",
        "/volunteers/teams/{team}/leave/",
        {},
        "/volunteers/teams/{team}/",
        "您不在该队伍中。",
    ),
    "member_add": (
        "street_chief_a",
        "/volunteers/teams/{street}/members/",
        {"volunteer": "{profile}", "position": "member", "duty": ""},
        "/volunteers/teams/{street}/",
        "联盟由队伍组成：请加入其下属的一支队伍。",
    ),
    "reactivate": (
        "community_staff_a",
        "/volunteers/roster/{profile}/reactivate/",
        {},
        "/volunteers/roster/{profile}/",
        "该志愿者已是在册状态。",
    ),
    "revoke": (
        "community_staff_a",
        "/volunteers/certificates/{certificate}/revoke/",
        {"reason": " "},
        "/volunteers/certificates/?page=1",
        "请填写作废原因。",
    ),
}


@pytest.mark.parametrize("action", list(REFUSED_ACTIONS))
def test_a_refused_action_says_why_where_it_was_posted_and_changes_nothing(client, world, action):
    """Neither swallowed (a success message, a change) nor a 500: the error page with its status
    and message without `next`, the message back on the form's page with it."""
    name, url, data, page, message = REFUSED_ACTIONS[action]
    client.force_login(actor(world, name))
    before = _state()
    body = {key: fill(value, world) for key, value in data.items()}
    assert_refused_back(
        client, fill(url, world), body, page=fill(page, world), status=400, message=message
    )
    assert _state() == before


def test_a_refused_suspension_sends_the_other_forms_back_by_the_pages_address(client, world):
    """A refused suspension shows the volunteer's page at the form's own address; the page's
    one-button forms still name the page itself as the way back, not that address."""
    client.force_login(world["personas"].community_staff_a)
    page = fill("/volunteers/roster/{profile}/", world)
    response = client.post(page + "suspend/", {})
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "volunteers/volunteer_detail.html"
    body = response.content.decode()
    assert f'name="next" value="{page}"' in body
    assert f'name="next" value="{page}suspend/"' not in body


def test_the_one_button_forms_come_back_to_their_page(client, world):
    """Every POST form of the team, volunteer and certificate pages posts `next`, so a refusal
    is said on the page the button was on. The forms that show their own errors (suspend, issue)
    are the only ones that may not."""
    personas, team = world["personas"], world["alliance"].red_armband_a
    TeamMember.objects.create(team=team, person=world["profile"].person, duty="security")
    profile = world["profile"]
    pages = [
        (personas.community_staff_a, f"/volunteers/teams/{team.pk}/", {"/remove/", "/members/"}),
        (personas.volunteer_a, f"/volunteers/teams/{team.pk}/", {"/leave/"}),
        (personas.community_staff_a, f"/volunteers/roster/{profile.pk}/", {"/revoke/"}),
        (personas.community_staff_a, "/volunteers/certificates/", {"/revoke/"}),
    ]
    own_errors = ("/suspend/", "/certificates/")
    for user, page, shown in pages:
        client.force_login(user)
        html = client.get(page).content.decode()
        assert all(action in html for action in shown), page
        missing = forms_not_coming_back(html, page)
        assert [action for action in missing if not action.endswith(own_errors)] == [], page
