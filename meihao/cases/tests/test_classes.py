"""The catalogue snapshot that filing reads: no query per report, and an edit in the admin or
around it takes effect."""

import pytest
from django.utils import timezone

from meihao.cases import classes
from meihao.cases.models import CaseCategory

BASE = "/api/v1/cases"


@pytest.fixture
def production_recheck(settings):
    settings.SNAPSHOT_RECHECK_SECONDS = 10


def test_type_and_class_come_without_a_query(
    grid_type, vending, production_recheck, django_assert_num_queries
):
    classes.active_type("GRID")  # built once
    with django_assert_num_queries(0):
        case_type = classes.active_type("GRID")
        category = classes.minor_class(case_type, code="0501")
        by_id = classes.minor_class(case_type, pk=vending.pk)
    assert case_type == grid_type
    assert category == by_id == vending
    assert category.case_type is case_type


def test_unknown_major_and_other_types_classes_are_none(grid_type, vending):
    major = grid_type.categories.get(code="05")
    assert classes.active_type("NOPE") is None
    assert classes.minor_class(grid_type, code="05") is None
    assert classes.minor_class(grid_type, pk=major.pk) is None
    assert classes.minor_class(grid_type, code="9999") is None
    wish = classes.active_type("WISH")
    assert classes.minor_class(wish, pk=vending.pk) is None
    assert classes.minor_class(wish, code="0501") is None


def test_an_admin_edit_is_seen_at_once(
    grid_type, vending, production_recheck, django_capture_on_commit_callbacks
):
    assert classes.minor_class(grid_type, code="0501").is_active
    with django_capture_on_commit_callbacks(execute=True):
        vending.is_active = False
        vending.save()
    assert not classes.minor_class(grid_type, code="0501").is_active
    with django_capture_on_commit_callbacks(execute=True):
        grid_type.is_active = False
        grid_type.save()
    assert classes.active_type("GRID") is None


def test_a_class_added_around_the_services_is_seen_by_its_fingerprint(grid_type, vending):
    assert classes.minor_class(grid_type, code="0599") is None
    CaseCategory.objects.bulk_create(
        [
            CaseCategory(
                case_type=grid_type, parent=vending.parent, code="0599", name_zh="其他街面秩序"
            )
        ]
    )
    assert classes.minor_class(grid_type, code="0599").name_zh == "其他街面秩序"
    CaseCategory.objects.filter(code="0599").update(is_active=False, updated_at=timezone.now())
    assert not classes.minor_class(grid_type, code="0599").is_active


def test_the_api_refuses_a_class_deactivated_in_the_admin(
    client, personas, grid_type, vending, production_recheck, django_capture_on_commit_callbacks
):
    client.force_login(personas.grid_worker_a)
    payload = {
        "type": "GRID",
        "category": "0501",
        "description": "占道",
        "lat": 23.41,
        "lon": 111.205,
    }
    assert client.post(BASE, payload, content_type="application/json").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        vending.is_active = False
        vending.save()
    response = client.post(BASE, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "category"


def test_active_minor_classes_are_a_forms_choices(db):
    from meihao.cases.classes import CATALOGUE, active_minor_classes
    from meihao.cases.models import CaseCategory, CaseType

    topics = active_minor_classes("LEGAL")
    assert topics and all(c.parent_id and c.is_active for c in topics)
    assert [c.code for c in topics] == sorted(c.code for c in topics)
    CaseCategory.objects.filter(case_type__code="LEGAL", code=topics[0].code).update(
        is_active=False
    )
    assert topics[0].code not in [c.code for c in active_minor_classes("LEGAL")]
    CaseType.objects.filter(code="LEGAL").update(is_active=False)
    CATALOGUE.changed()
    assert active_minor_classes("LEGAL") == [] and active_minor_classes("NOPE") == []
