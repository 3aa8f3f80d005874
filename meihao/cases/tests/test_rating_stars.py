"""The reporter rates a closed case with one to five stars (radio buttons drawn as stars) and an
optional comment; a bad value is refused in Chinese with 400, the form shown again, nothing
stored."""

import re

import pytest

from meihao.cases.models import CaseEvent, CaseRating
from meihao.cases.tests.reporter_helpers import close_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(client, personas, new_case):
    case = close_case(new_case(actor=personas.resident_a, channel="resident"), personas)
    client.force_login(personas.resident_a)
    return case


def test_the_form_offers_five_accessible_stars(client, closed):
    html = client.get(f"/cases/{closed.number}/").content.decode()
    form = html.split('id="rate-form"', 1)[1].split("</form>", 1)[0]
    assert "<fieldset" in form and "<legend" in form
    values = re.findall(r'type="radio" name="score" value="(\d)" id="score-(\d)" required', form)
    assert values == [(str(n), str(n)) for n in range(1, 6)]
    labels = re.findall(r'<label class="star-label" for="score-(\d)"', form)
    assert labels == ["1", "2", "3", "4", "5"]
    # Each star says what it means to a screen reader.
    assert "1 星：非常不满意" in form and "5 星：非常满意" in form
    assert 'name="comment"' in form


@pytest.mark.parametrize("score", ["1", "3", "5"])
def test_a_rating_with_a_comment_is_stored(client, personas, closed, score):
    response = client.post(
        f"/cases/{closed.number}/rate/", {"score": score, "comment": "  处理很及时  "}
    )
    assert response.status_code == 302
    rating = CaseRating.objects.get()
    assert (rating.score, rating.comment, rating.rater) == (
        int(score),
        "处理很及时",
        personas.resident_a,
    )
    event = CaseEvent.objects.get(case=closed, action="rate")
    assert event.data == {"score": int(score)} and event.note == "处理很及时"
    html = client.get(f"/cases/{closed.number}/").content.decode()
    shown = html.split(f'data-rating="{score}"', 1)[1].split("</div>", 1)[0]
    assert shown.count("bi-star-fill") == int(score) and shown.count('"bi bi-star"') == 5 - int(
        score
    )
    assert f"{score} 星（共 5 星）" in shown and "处理很及时" in shown
    assert 'id="rate-form"' not in html


def test_the_comment_is_optional(client, closed):
    assert client.post(f"/cases/{closed.number}/rate/", {"score": "4"}).status_code == 302
    assert CaseRating.objects.get().comment == ""


@pytest.mark.parametrize("score", ["0", "6", "-1", "4.5", "abc", "", "五"])
def test_a_bad_score_is_refused_in_chinese_and_the_form_comes_back(client, closed, score):
    response = client.post(f"/cases/{closed.number}/rate/", {"score": score, "comment": "不太好"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="rate-error"' in html and "请选择 1 至 5 级评价。" in html
    assert ">不太好</textarea>" in html  # the comment is kept for the next try
    assert not CaseRating.objects.exists()
    assert not CaseEvent.objects.filter(case=closed, action="rate").exists()


def test_a_missing_score_is_refused(client, closed):
    response = client.post(f"/cases/{closed.number}/rate/", {"comment": "x"})
    assert response.status_code == 400 and not CaseRating.objects.exists()


def test_a_too_long_comment_is_refused(client, closed):
    response = client.post(f"/cases/{closed.number}/rate/", {"score": "3", "comment": "长" * 501})
    assert response.status_code == 400 and not CaseRating.objects.exists()
    assert 'id="rate-error"' in response.content.decode()


def test_the_chosen_star_stays_checked_after_a_refusal(client, closed):
    response = client.post(f"/cases/{closed.number}/rate/", {"score": "3", "comment": "长" * 501})
    assert re.search(r'value="3" id="score-3" required checked', response.content.decode())


def test_rating_twice_is_refused(client, closed):
    client.post(f"/cases/{closed.number}/rate/", {"score": "5"})
    response = client.post(f"/cases/{closed.number}/rate/", {"score": "1"})
    assert response.status_code == 400
    assert CaseRating.objects.get().score == 5
