"""实名登记: a resident who registered themselves enters their real-name details when a service
first needs them; the staff of the community they name confirm it, which makes them a resident
there. Nobody else can confirm, and a bad entry changes nothing."""

import pytest
from django.urls import reverse

from meihao.accounts.models import SelfRegistration
from meihao.activities.tests.helpers import WEEK_BEFORE, at, make_activity
from meihao.core import idcard
from meihao.core.roles import Role
from meihao.core.testing import PASSWORD, make_user
from meihao.notify.models import Message
from meihao.people.identity import id_number_fields
from meihao.people.models import Person, RoleAssignment, User

URL = reverse("people:own_details")


def id_number(first17: str = "45040319900307002") -> str:
    return first17 + idcard.check_digit(first17)


@pytest.fixture
def newcomer(db):
    user = User.objects.create_user("19900001111", PASSWORD)
    SelfRegistration.objects.create(user=user)
    return user


@pytest.fixture
def newcomer_client(client, newcomer):
    client.force_login(newcomer)
    return client


def declare(client, *, community, name="李美好", number=None, next_url="", address="3栋501"):
    return client.post(
        URL,
        {
            "real_name": name,
            "id_number": number or id_number(),
            "community": community.code,
            "address": address,
            "next": next_url,
        },
    )


def test_the_form_lists_the_communities_by_street(newcomer_client, personas):
    page = newcomer_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    tree = personas.tree
    assert f'<optgroup label="{tree.street_a.name}">' in html
    assert f'<option value="{tree.community_a.code}">{tree.community_a.name}</option>' in html
    assert tree.grid_a1.code not in html  # a community, not a grid


def test_declaring_makes_an_unconfirmed_record_and_tells_the_community(
    newcomer_client, newcomer, personas
):
    tree = personas.tree
    response = declare(newcomer_client, community=tree.community_a, next_url="/activities/")
    assert response.status_code == 302 and response["Location"] == "/activities/"

    person = Person.objects.get(user=newcomer)
    assert (person.real_name, person.home_place, person.home_confirmed) == (
        "李美好",
        tree.community_a,
        False,
    )
    assert person.phone == newcomer.phone
    assert person.id_number_masked and person.id_number_masked != id_number()
    assert person.birth_date.isoformat() == "1990-03-07"
    newcomer.refresh_from_db()
    assert newcomer.name == "李美好"
    assert not RoleAssignment.objects.filter(user=newcomer).exists()  # not before confirmation

    told = Message.objects.filter(kind="resident_to_confirm")
    recipients = set(told.values_list("recipient_id", flat=True))
    assert personas.community_staff_a.pk in recipients  # the community
    assert personas.street_chief_a.pk in recipients  # and its street
    assert personas.grid_worker_b.pk not in recipients
    assert "李美好" in told.first().subject
    assert told.first().link == reverse("people:detail", args=[person.pk])

    profile = newcomer_client.get(reverse("people:profile")).content.decode()
    assert 'id="home-waiting"' in profile


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "450403199003070021"),  # wrong check digit
        ("id_number", ""),
        ("real_name", ""),
        ("real_name", "名" * 51),
        ("community", "450403001001001"),  # a grid
        ("community", "999"),
        ("community", "<script>alert(1)</script>"),
        ("address", "a\x00b"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    newcomer_client, newcomer, personas, field, value
):
    data = {
        "real_name": "李美好",
        "id_number": id_number(),
        "community": personas.tree.community_a.code,
        "address": "",
    }
    data[field] = value
    response = newcomer_client.post(URL, data)
    # A NUL byte is refused before the form by the request filter (400); the rest on the form.
    assert response.status_code == (400 if "\x00" in value else 422)
    assert "invalid-feedback" in response.content.decode() or response.status_code == 400
    assert not Person.objects.filter(user=newcomer).exists()
    assert not Message.objects.filter(kind="resident_to_confirm").exists()


def test_an_id_number_the_community_registered_is_not_taken_over(
    newcomer_client, newcomer, personas
):
    number = id_number("45040319851111123")
    Person.objects.create(
        real_name="王已登",
        home_place=personas.tree.community_a,
        home_place_path=personas.tree.community_a.path,
        **id_number_fields(number),
    )
    response = declare(newcomer_client, community=personas.tree.community_a, number=number)
    assert response.status_code == 422
    assert "已登记" in response.content.decode()
    assert not Person.objects.filter(user=newcomer).exists()


def test_a_second_declaration_changes_nothing(newcomer_client, newcomer, personas):
    declare(newcomer_client, community=personas.tree.community_a)
    again = declare(newcomer_client, community=personas.tree.community_b, name="别人")
    assert again.status_code == 302
    assert Person.objects.filter(user=newcomer).count() == 1
    assert Person.objects.get(user=newcomer).home_place == personas.tree.community_a


def test_next_elsewhere_is_not_followed(newcomer_client, personas):
    response = declare(
        newcomer_client, community=personas.tree.community_a, next_url="https://evil.example/"
    )
    assert response["Location"] == reverse("people:profile")


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get(URL).status_code == 302
    assert "/accounts/login/" in client.get(URL)["Location"]


def test_the_staff_see_who_waits_and_confirming_makes_a_resident(
    client, newcomer_client, newcomer, personas
):
    tree = personas.tree
    declare(newcomer_client, community=tree.community_a, name="<b>李美好</b>")
    person = Person.objects.get(user=newcomer)

    client.force_login(personas.community_staff_a)
    home = client.get("/").content.decode()
    assert f'href="{reverse("people:list")}?awaiting=1"' in home
    waiting = client.get(reverse("people:list") + "?awaiting=1").content.decode()
    assert "&lt;b&gt;李美好&lt;/b&gt;" in waiting and "<b>李美好" not in waiting
    assert Person.objects.filter(home_confirmed=False).count() == 1
    everyone = client.get(reverse("people:list")).content.decode()
    assert "居民甲" in everyone
    assert "居民甲" not in waiting  # the filter keeps only those waiting

    detail = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'id="confirm-home"' in detail
    response = client.post(reverse("people:confirm_home", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.home_confirmed
    assert RoleAssignment.objects.filter(
        user=newcomer, role=Role.RESIDENT, place=tree.community_a
    ).exists()
    assert Message.objects.filter(kind="resident_confirmed", recipient=newcomer).count() == 1
    assert (
        'id="confirm-home"'
        not in client.get(reverse("people:detail", args=[person.pk])).content.decode()
    )

    # Confirming twice changes nothing more.
    client.post(reverse("people:confirm_home", args=[person.pk]))
    assert RoleAssignment.objects.filter(user=newcomer).count() == 1
    assert Message.objects.filter(kind="resident_confirmed").count() == 1


@pytest.mark.parametrize("name", ["grid_worker_b", "resident_a", "department_staff"])
def test_nobody_outside_the_community_can_confirm(
    client, newcomer_client, newcomer, personas, name
):
    declare(newcomer_client, community=personas.tree.community_a)
    person = Person.objects.get(user=newcomer)
    client.force_login(getattr(personas, name))
    assert client.post(reverse("people:confirm_home", args=[person.pk])).status_code == 404
    person.refresh_from_db()
    assert not person.home_confirmed
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_the_resident_cannot_confirm_themselves(newcomer_client, newcomer, personas):
    declare(newcomer_client, community=personas.tree.community_a)
    person = Person.objects.get(user=newcomer)
    response = newcomer_client.post(reverse("people:confirm_home", args=[person.pk]))
    assert response.status_code == 404
    person.refresh_from_db()
    assert not person.home_confirmed


def test_the_home_card_offers_the_details_until_they_are_entered(newcomer_client, personas):
    assert URL in newcomer_client.get("/").content.decode()
    declare(newcomer_client, community=personas.tree.community_a)
    assert URL not in newcomer_client.get("/").content.decode()


def test_an_activity_asks_for_the_details_and_then_takes_the_sign_up(
    newcomer_client, newcomer, personas
):
    detail = reverse("activities:detail", args=[make_activity(personas).pk])
    with at(WEEK_BEFORE):
        page = newcomer_client.get(detail).content.decode()
        assert 'id="needs-real-name"' in page
        assert f"{URL}?next=" in page
        declare(newcomer_client, community=personas.tree.community_a, next_url=detail)
        page = newcomer_client.get(detail).content.decode()
    assert 'id="needs-real-name"' not in page
    assert 'id="signup-form"' in page


def test_staff_registered_people_are_confirmed(personas):
    assert personas.resident_a.person.home_confirmed
    assert make_user("13800009999", "新人", home=personas.tree.grid_a1).person.home_confirmed
