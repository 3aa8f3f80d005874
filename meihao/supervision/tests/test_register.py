"""The supervision register (社区矫正 and similar): kept by the justice office's staff, read by the
community police of the person's area, nobody else; every reading is audited; overdue visits
are reminded; and no other page or API reveals that someone is on it."""

import datetime

import pytest
from django.utils import timezone

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.notify.models import Message
from meihao.people.models import Organisation
from meihao.supervision import selectors, services
from meihao.supervision.models import Authority, Supervisee


@pytest.fixture
def authority(personas):
    organisation = Organisation.objects.create(
        name="城东司法所",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.street_a,
        place_path=personas.tree.street_a.path,
    )
    authority = Authority.objects.create(organisation=organisation)
    authority.keeper = make_user(
        "13800000095", "司法所甲", home=None, roles=[(Role.DEPARTMENT_STAFF, organisation)]
    )
    return authority


@pytest.fixture
def officer(personas):
    return make_user(
        "13800000096", "片警丙", home=None, roles=[(Role.POLICE_OFFICER, personas.tree.community_a)]
    )


def enter(authority, **kwargs):
    today = timezone.localdate()
    values = {
        "authority_id": authority.pk,
        "phone": "13800000007",  # 居民甲
        "kind": "correction",
        "starts_on": (today - datetime.timedelta(days=40)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=300)).isoformat(),
        "visit_every_days": "30",
        "officer_id": authority.keeper.pk,
        **kwargs,
    }
    return services.supervisee_enter(actor=authority.keeper, **values)


def test_the_keeper_enters_a_resident_and_records_visits(personas, authority):
    entry = enter(authority)
    assert entry.person == personas.resident_a.person
    assert entry.place_path == personas.tree.grid_a1.path
    found = selectors.entry_get(authority.keeper, entry.pk)
    assert found.overdue  # 40 days in, no visit, every 30 days
    today = timezone.localdate()
    services.visit_record(
        actor=authority.keeper, entry=found, visited_on=today.isoformat(), note="在家，情况稳定。"
    )
    assert not selectors.entry_get(authority.keeper, entry.pk).overdue


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"phone": "13800000008"}, "phone"),  # 居民乙 lives in street B
        ({"phone": "abc"}, "phone"),
        ({"kind": "prisoner"}, "kind"),
        ({"ends_on": "2020-01-01"}, "ends_on"),
        ({"visit_every_days": "0"}, "visit_every_days"),
        ({"visit_every_days": "365"}, "visit_every_days"),
        ({"officer_id": "1"}, "officer"),
    ],
)
def test_bad_entries_are_refused(personas, authority, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        enter(authority, **kwargs)
    assert refused.value.field == field
    assert not Supervisee.objects.exists()


def test_only_the_keepers_and_the_areas_police_read_it(personas, authority, officer):
    entry = enter(authority)
    assert selectors.entry_get(officer, entry.pk) == entry
    other_police = make_user(
        "13800000097", "片警丁", home=None, roles=[(Role.POLICE_OFFICER, personas.tree.community_b)]
    )
    for user in (
        other_police,
        personas.community_staff_a,
        personas.grid_worker_a,
        personas.street_chief_a,
        personas.district_admin,
        personas.department_staff,
        personas.resident_a,
    ):
        with pytest.raises(NotFound):
            selectors.entry_get(user, entry.pk)
        assert not services.may_read(user) or not selectors.register_of(user).exists()


def test_every_reading_is_audited(personas, authority, officer):
    entry = enter(authority)
    AuditEvent.objects.all().delete()
    selectors.register_page(officer, list(selectors.register_of(officer)))
    selectors.entry_get(authority.keeper, entry.pk)
    reads = AuditEvent.objects.filter(action="read:supervision")
    assert sorted(reads.values_list("actor", flat=True)) == sorted(
        [officer.pk, authority.keeper.pk]
    )


def test_overdue_visits_are_reminded_once(personas, authority):
    enter(authority)
    today = timezone.localdate()
    assert services.remind_overdue_visits(today=today) == 1
    assert services.remind_overdue_visits(today=today) == 1
    told = Message.objects.filter(kind="supervision_visit_overdue")
    assert told.count() == 1 and told.get().recipient == authority.keeper
    assert "居民甲" not in told.get().body


def test_no_other_page_or_api_reveals_it(client, personas, authority):
    enter(authority)
    for user in (personas.community_staff_a, personas.grid_worker_a):
        client.force_login(user)
        for url in (
            f"/people/{personas.resident_a.person.pk}/",
            "/people/",
            "/people/export/",
            "/api/v1/people",
            f"/api/v1/people/{personas.resident_a.person.pk}",
        ):
            response = client.get(url)
            assert response.status_code == 200, url  # the page is there, and says nothing
            body = response.content.decode()
            for words in ("矫正", "司法所", "supervision", "correction", "监管"):
                assert words not in body, (url, words)
        assert client.get("/supervision/").status_code == 404


def test_the_pages(client, personas, authority, officer):
    client.force_login(authority.keeper)
    today = timezone.localdate()
    refused = client.post(
        "/supervision/enter/",
        {
            "authority": authority.pk,
            "phone": "139",
            "kind": "correction",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "visit_every_days": "30",
        },
    )
    assert refused.status_code == 400 and "没有该手机号的居民" in refused.content.decode()
    done = client.post(
        "/supervision/enter/",
        {
            "authority": authority.pk,
            "phone": "13800000007",
            "kind": "released",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "visit_every_days": "7",
        },
    )
    assert done.status_code == 302
    entry = Supervisee.objects.get()
    assert "居民甲" in client.get("/supervision/").content.decode()
    assert (
        client.post(f"/supervision/{entry.pk}/visit/", {"visited_on": "", "note": "x"}).status_code
        == 400
    )
    client.force_login(officer)
    assert "居民甲" in client.get(f"/supervision/{entry.pk}/").content.decode()
    assert client.post(f"/supervision/{entry.pk}/end/").status_code == 404
    client.force_login(personas.community_staff_a)
    assert client.get(f"/supervision/{entry.pk}/").status_code == 404
