"""Back-office screens load; a person saved there goes through the service (validated, audited)."""

import pytest

from meihao.core.models import AuditEvent
from meihao.people.models import Person, RoleAssignment, User
from meihao.people.tests.factories import PersonFactory, make_id_number


@pytest.fixture
def admin_client(client, personas):
    superuser = User.objects.create_superuser("13900009999", "Meihao-test-2024", name="超管")
    client.force_login(superuser)
    client.superuser = superuser
    return client


@pytest.mark.parametrize(
    "model", ["user", "person", "organisation", "team", "roleassignment", "apitoken"]
)
def test_changelists_and_add_pages_load(admin_client, personas, model):
    PersonFactory(home_place=personas.tree.grid_a1, id_number=make_id_number(serial=71))
    assert admin_client.get(f"/admin/people/{model}/").status_code == 200
    add = admin_client.get(f"/admin/people/{model}/add/")
    assert add.status_code == (403 if model == "apitoken" else 200)


def test_person_change_page_shows_the_number_masked_only(admin_client, personas):
    number = make_id_number(serial=72)
    person = PersonFactory(home_place=personas.tree.grid_a1, id_number=number)
    page = admin_client.get(f"/admin/people/person/{person.pk}/change/").content.decode()
    assert person.id_number_masked in page and number not in page


def test_person_search_by_name_and_phone(admin_client, personas):
    PersonFactory(real_name="后台甲", phone="13977778888", home_place=personas.tree.grid_a1)
    assert "后台甲" in admin_client.get("/admin/people/person/?q=后台").content.decode()
    assert "后台甲" in admin_client.get("/admin/people/person/?q=13977778888").content.decode()


def admin_person_form(tree, **overrides):
    data = {
        "real_name": "后台录入",
        "gender": "",
        "birth_date": "",
        "phone": "13966667777",
        "home_place": tree.grid_a1.pk,
        "building": "",
        "address": "",
        "user": "",
        "id_number": make_id_number(serial=73),
        "tags": ["elder"],
    }
    data.update(overrides)
    return data


def test_person_added_in_the_admin_is_validated_and_audited(admin_client, personas):
    tree = personas.tree
    response = admin_client.post("/admin/people/person/add/", admin_person_form(tree))
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(real_name="后台录入")
    assert person.id_number_plain() == make_id_number(serial=73)
    assert person.home_place_path == tree.grid_a1.path
    assert person.gender == "male"
    assert list(person.tags.values_list("tag", flat=True)) == ["elder"]
    assert AuditEvent.objects.filter(action="person_create", target_id=str(person.pk)).exists()


def test_person_with_a_bad_number_is_refused_in_the_admin(admin_client, personas):
    bad = make_id_number(serial=73)[:17] + ("1" if make_id_number(serial=73)[-1] == "0" else "0")
    response = admin_client.post(
        "/admin/people/person/add/", admin_person_form(personas.tree, id_number=bad)
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Person.objects.filter(real_name="后台录入").exists()


def test_role_added_in_the_admin_goes_through_the_service(admin_client, personas):
    response = admin_client.post(
        "/admin/people/roleassignment/add/",
        {"user": personas.outsider.pk, "role": "grid_worker", "place": personas.tree.grid_a2.pk},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=personas.outsider, role="grid_worker").exists()
    assert AuditEvent.objects.filter(action="role_assign").count() == 1
    response = admin_client.post(
        "/admin/people/roleassignment/add/",
        {
            "user": personas.outsider.pk,
            "role": "department_staff",
            "place": personas.tree.grid_a2.pk,
        },
    )
    assert response.status_code == 200  # an organisation role needs an organisation
    assert RoleAssignment.objects.filter(user=personas.outsider).count() == 1
