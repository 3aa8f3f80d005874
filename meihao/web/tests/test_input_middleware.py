"""core.inputs.InputMiddleware: control characters are refused before any view, in the user's
language and in the request's format; a POST showing a refused form again is a 422."""

import json
import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x08", "\x7f"])
def test_a_page_post_with_control_characters_is_a_400_in_chinese_storing_nothing(
    client, personas, character
):
    from meihao.cases.models import Case, CaseType

    category = CaseType.objects.get(code="WISH").categories.filter(parent__isnull=False).first()
    client.force_login(personas.resident_a)
    response = client.post(
        "/wishes/order/", {"category": category.pk, "description": f"想要{character}收音机"}
    )
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not Case.objects.exists()


def test_a_control_character_in_a_field_name_or_query_is_refused_too(client, personas):
    client.force_login(personas.street_chief_a)
    assert client.get("/cases/board/", {"status": "open\x1b"}).status_code == 400
    assert client.post("/wishes/order/", {"descr\x00iption": "x"}).status_code == 400


def test_tab_newline_and_carriage_return_are_text(client, personas):
    from meihao.cases.models import Case, CaseType

    category = CaseType.objects.get(code="WISH").categories.filter(parent__isnull=False).first()
    client.force_login(personas.resident_a)
    response = client.post(
        "/wishes/order/", {"category": category.pk, "description": "想要\t收音机\r\n一台"}
    )
    assert response.status_code == 302
    assert Case.objects.get().description.startswith("想要\t收音机")


def test_a_json_body_with_control_characters_is_a_json_400(client, personas):
    from meihao.patrols.models import PatrolSession

    client.force_login(personas.grid_worker_a)
    response = client.post(
        "/patrols/start/",
        data=json.dumps({"client_id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "note": "\u0000"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "control_characters" and CJK.search(body["message"])
    assert not PatrolSession.objects.exists()


def test_the_json_api_is_left_to_its_own_checks(client, personas):
    client.force_login(personas.resident_a)
    response = client.get("/api/v1/wishes/mine", {"q": "\x00"})
    assert "text/html" not in response["Content-Type"]


def test_a_refused_form_shown_again_is_a_422_and_a_good_one_is_not(client, personas):
    client.force_login(personas.resident_a)
    refused = client.post("/accounts/password/", {"old_password": "wrong"})
    assert refused.status_code == 422
    assert CJK.search(refused.content.decode())
    assert client.get("/accounts/password/").status_code == 200
