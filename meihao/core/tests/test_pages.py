"""The pages' kit: the scoped-object decorator and the one answer to a page's domain errors."""

import pytest
from django.http import HttpResponse
from django.urls import include, path

from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.pages import requires, scoped_object
from meihao.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.urls("meihao.core.tests.test_pages")]

REFUSALS = {
    "missing": NotFound(),
    "forbidden": PermissionDenied(),
    "invalid": ValidationFailed("名字太长了"),
    "state": IllegalTransition(),
}


def refuse(request, kind):
    raise REFUSALS[kind]


@scoped_object(Person)
def person_page(request, person):
    return HttpResponse(person.real_name)


@scoped_object(Person, ability=lambda user, person: person.user_id == user.pk)
def own_person_page(request, person):
    return HttpResponse(person.real_name)


@requires(lambda user: user.is_superuser)
def root_page(request):
    return HttpResponse("root")


urlpatterns = [
    path("refuse/<str:kind>/", refuse),
    path("person/<int:pk>/", person_page),
    path("own/<int:pk>/", own_person_page),
    path("root/", root_page),
    # The product's pages too: the error pages extend the base template, which links them.
    path("", include("meihao.urls")),
]


def test_a_scoped_object_is_found_in_scope_and_404_outside_or_missing(client, personas):
    resident_a = personas.resident_a.person
    client.force_login(personas.community_staff_a)
    assert client.get(f"/person/{resident_a.pk}/").content.decode() == resident_a.real_name
    assert client.get(f"/person/{personas.resident_b.person.pk}/").status_code == 404
    assert client.get("/person/999999/").status_code == 404
    # In scope, but the ability refuses: the same 404.
    assert client.get(f"/own/{resident_a.pk}/").status_code == 404
    client.force_login(personas.resident_a)
    assert client.get(f"/own/{resident_a.pk}/").status_code == 200


def test_a_page_for_an_ability_is_404_to_anyone_without_it(client, personas):
    client.force_login(personas.district_admin)
    assert client.get("/root/").status_code == 404


def test_not_found_and_forbidden_are_the_404_and_403_pages(client, personas):
    client.force_login(personas.resident_a)
    assert client.get("/refuse/missing/").status_code == 404
    response = client.get("/refuse/forbidden/")
    assert response.status_code == 403
    assert "您无权执行此操作。" in response.content.decode()


def test_a_refusal_is_said_in_the_users_language_with_its_status(client, personas):
    client.force_login(personas.resident_a)
    response = client.get("/refuse/invalid/")
    assert response.status_code == 400
    assert "名字太长了" in response.content.decode()
    assert client.get("/refuse/state/").status_code == 409


def test_an_htmx_request_gets_a_fragment(client, personas):
    client.force_login(personas.resident_a)
    response = client.post("/refuse/state/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    body = response.content.decode()
    assert body.startswith('<div class="alert alert-danger"')
    assert "<html" not in body


def test_a_refused_form_post_goes_back_with_the_message(client, personas):
    client.force_login(personas.resident_a)
    response = client.post("/refuse/invalid/", HTTP_REFERER="http://testserver/people/me/")
    assert response.status_code == 302
    assert response["Location"] == "/people/me/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["名字太长了"]
    # A Referer on another site is not followed: the error page instead.
    response = client.post("/refuse/invalid/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 400


@pytest.mark.parametrize("next_url", ["2", "people", "//evil.example/", "https://evil.example/x"])
def test_a_next_that_is_not_a_path_here_is_not_followed(client, personas, next_url):
    client.force_login(personas.resident_a)
    response = client.post("/refuse/invalid/", {"next": next_url})
    assert response.status_code == 400
    assert "名字太长了" in response.content.decode()


def test_a_refused_post_goes_back_to_the_next_it_carries(client, personas):
    client.force_login(personas.resident_a)
    response = client.post("/refuse/invalid/?x=1", {"next": "/people/me/?tab=2"})
    assert (response.status_code, response["Location"]) == (302, "/people/me/?tab=2")
