"""The items residents apply for are held per process: read once, then without a query, and
an editor's new version (or a withdrawal) is what the next application sees."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meihao.catalogue.applying import current_guide_id, item_to_apply
from meihao.catalogue.guides import MaterialSpec
from meihao.catalogue.models import ServiceItem
from meihao.catalogue.tests.test_catalogue import save
from meihao.core.errors import NotFound


@pytest.fixture
def production_recheck(settings):
    settings.SNAPSHOT_RECHECK_SECONDS = 10


@pytest.fixture
def assistance(personas):
    return save(personas)


def test_an_item_read_once_comes_without_a_query(
    assistance, production_recheck, django_assert_num_queries
):
    item_to_apply(assistance.code)
    with django_assert_num_queries(0):
        item = item_to_apply(assistance.code)
        materials = [material.name for material in item.materials.all()]
        guide_id = current_guide_id(item)
    assert materials == ["居民身份证", "家庭收入和财产状况申报表"]
    assert guide_id == assistance.versions.get(number=assistance.version).pk


def test_a_new_version_is_what_the_next_application_reads(
    personas, assistance, production_recheck, django_capture_on_commit_callbacks
):
    item_to_apply(assistance.code)
    with django_capture_on_commit_callbacks(execute=True):
        edited = save(
            personas,
            item=assistance,
            materials=(MaterialSpec(name="居民身份证", form="原件1份", held="id_card"),),
        )
    item = item_to_apply(assistance.code)
    assert [material.name for material in item.materials.all()] == ["居民身份证"]
    assert current_guide_id(item) == edited.versions.get(number=2).pk


def test_a_withdrawn_item_is_no_longer_offered(
    personas, assistance, production_recheck, django_capture_on_commit_callbacks
):
    item_to_apply(assistance.code)
    with django_capture_on_commit_callbacks(execute=True):
        save(personas, item=assistance, is_active=False)
    with pytest.raises(NotFound):
        item_to_apply(assistance.code)


def test_an_edit_written_around_the_services_is_seen_by_the_fingerprint(assistance):
    item_to_apply(assistance.code)
    ServiceItem.objects.filter(pk=assistance.pk).update(
        is_active=False, updated_at=timezone.now() + timedelta(seconds=1)
    )
    with pytest.raises(NotFound):
        item_to_apply(assistance.code)


def test_an_item_from_elsewhere_reads_its_current_guide(personas, assistance):
    edited = save(personas, item=assistance, promised_days=10)
    fresh = ServiceItem.objects.get(pk=edited.pk)
    assert current_guide_id(fresh) == edited.versions.get(number=2).pk
