"""Searching the people list: by name, mobile number or its last four digits, ID number."""

import pytest

from meihao.people.selectors import person_list
from meihao.people.tests.factories import PersonFactory, make_id_number


@pytest.fixture
def people(personas):
    tree = personas.tree
    return {
        "zhang": PersonFactory(
            real_name="张小明",
            phone="13911112222",
            home_place=tree.grid_a1,
            id_number=make_id_number(serial=51),
        ),
        "li": PersonFactory(
            real_name="李小红",
            phone="13933334444",
            home_place=tree.grid_a2,
            id_number="11010519491231002X",
        ),
        "far": PersonFactory(
            real_name="张远",
            phone="13955552222",
            home_place=tree.grid_b1,
            id_number=make_id_number(serial=53),
        ),
    }


def names(user, q):
    return sorted(p.real_name for p in person_list(user, q))


def test_search_by_part_of_a_name(personas, people):
    assert names(personas.street_chief_a, "小") == ["张小明", "李小红"]
    assert names(personas.street_chief_a, "张") == ["张小明"]
    assert names(personas.district_admin, "张") == ["张小明", "张远"]


def test_search_by_mobile_number_and_its_last_four_digits(personas, people):
    assert names(personas.district_admin, "13933334444") == ["李小红"]
    assert names(personas.district_admin, "1393333444") == []  # not a whole number, not a name
    assert names(personas.district_admin, "2222") == ["张小明", "张远"]
    assert names(personas.street_chief_a, "2222") == ["张小明"]


def test_search_by_id_number_is_exact_and_accepts_a_lower_case_x(personas, people):
    assert names(personas.street_chief_a, "11010519491231002x") == ["李小红"]
    assert names(personas.street_chief_a, "11010519491231002") == []
    assert names(personas.street_chief_a, "450403") == []  # no prefix search on a hashed column


def test_search_never_reaches_outside_the_scope(personas, people):
    assert names(personas.grid_worker_a, make_id_number(serial=53)) == []
    assert names(personas.grid_worker_a, "13955552222") == []
    assert names(personas.grid_worker_a, "张远") == []


def test_empty_search_lists_everyone_in_scope_only(personas, people):
    visible = names(personas.community_staff_a, "")
    assert "张小明" in visible and "李小红" in visible and "张远" not in visible
    assert names(personas.outsider, "") == ["外来者"]  # one's own record only


def test_superusers_see_everyone_including_people_without_a_place(personas, people):
    from meihao.people.models import Person, User

    root = User.objects.create_superuser("13900009999", "x", name="超管")
    homeless = PersonFactory(real_name="无住址", home_place=None)
    visible = set(Person.objects.visible_to(root))
    assert {people["zhang"], people["far"], homeless} <= visible
    assert homeless.abilities(root)["view"] is True
