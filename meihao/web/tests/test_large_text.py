"""长辈模式 (large-text mode): the switch, stored on the account; the elders' offer; the tiles."""

import datetime

import pytest
from django.urls import reverse

from meihao.people.models import Person
from meihao.people.selectors import large_text_offer_due

SWITCH = reverse("large_text")


def test_the_switch_is_on_every_page_and_stores_the_choice_on_the_account(client, personas):
    user = personas.resident_a
    client.force_login(user)
    page = client.get(reverse("activities:list")).content.decode()
    assert f'action="{SWITCH}"' in page and 'aria-pressed="false"' in page
    response = client.post(SWITCH, {"large_text": "on", "next": "/activities/"})
    assert response.status_code == 302 and response["Location"] == "/activities/"
    user.refresh_from_db()
    assert user.large_text is True
    page = client.get(reverse("activities:list")).content.decode()
    assert '<body class="large-text"' in page and 'aria-pressed="true"' in page
    client.post(SWITCH, {"large_text": "off"})
    user.refresh_from_db()
    assert user.large_text is False


@pytest.mark.parametrize("value", ["", "yes", "1", "on;drop"])
def test_a_bad_choice_is_refused_in_chinese_and_changes_nothing(client, personas, value):
    user = personas.resident_a
    client.force_login(user)
    response = client.post(SWITCH, {"large_text": value})
    assert response.status_code == 400
    assert "数据" in response.content.decode()
    user.refresh_from_db()
    assert user.large_text is None


def test_the_switch_goes_back_only_to_this_site(client, personas):
    client.force_login(personas.resident_a)
    response = client.post(SWITCH, {"large_text": "on", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_the_switch_is_a_post(client, personas):
    client.force_login(personas.resident_a)
    assert client.get(SWITCH).status_code == 405


@pytest.mark.parametrize(
    ("born", "due"),
    [
        (datetime.date(1966, 6, 10), True),  # 60 today
        (datetime.date(1966, 6, 11), False),  # 60 tomorrow
        (datetime.date(1940, 1, 1), True),
        (None, False),
    ],
)
def test_elders_are_offered_large_text_until_they_choose(personas, born, due):
    user = personas.resident_a
    Person.objects.filter(user=user).update(birth_date=born)
    today = datetime.date(2026, 6, 10)
    assert large_text_offer_due(user, today) is due
    user.large_text = False
    assert large_text_offer_due(user, today) is False


def test_the_offer_is_shown_on_the_home_page_once(client, personas):
    user = personas.resident_a
    Person.objects.filter(user=user).update(birth_date=datetime.date(1950, 3, 1))
    client.force_login(user)
    assert 'id="large-text-offer"' in client.get("/").content.decode()
    client.post(SWITCH, {"large_text": "off"})
    assert 'id="large-text-offer"' not in client.get("/").content.decode()


def test_large_text_reduces_a_residents_home_to_a_few_tiles(client, personas):
    user = personas.resident_a
    user.large_text = True
    user.save()
    client.force_login(user)
    response = client.get("/")
    urls = [tile.url for tile in response.context["tiles"]]
    assert reverse("cases:report") in urls and reverse("timebank:home") in urls
    assert reverse("places:browser") not in urls
    assert "data-tiles" in response.content.decode()
    assert "data-role=" not in response.content.decode()


def test_large_text_keeps_a_workers_cards(client, personas):
    user = personas.grid_worker_a
    user.large_text = True
    user.save()
    client.force_login(user)
    response = client.get("/")
    assert response.context["tiles"] == []
    assert 'data-role="grid_worker"' in response.content.decode()
