"""Cultural life: festivals' dates computed for each year (lunar ones too), the calendar by
month, place, kind and festival season, partner units set by the organisers, showcases by the
officials and public; bad input refused without a change."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from meihao.activities.models import Activity
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.testing import make_user
from meihao.culture import selectors, services
from meihao.culture.models import Festival, Partner, Showcase
from meihao.insights.registry import REGISTRY, Span
from meihao.people.models import Organisation

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, 0, tzinfo=ZONE), tick=False):
        yield


def _event(
    personas, day, *, title="中秋游园会", kind="cultural_event", status="published", place=None
):
    starts = datetime.datetime.combine(day, datetime.time(19, 0), tzinfo=ZONE)
    return Activity.objects.create(
        kind=kind,
        title=title,
        place=place or personas.tree.community_a,
        place_path=(place or personas.tree.community_a).path,
        venue="骑楼城广场",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=200,
        status=status,
        created_by=personas.community_staff_a,
    )


@pytest.mark.parametrize(
    ("code", "year", "day"),
    [
        ("spring", 2026, datetime.date(2026, 2, 17)),
        ("spring", 2027, datetime.date(2027, 2, 6)),
        ("sanyuesan", 2026, datetime.date(2026, 4, 19)),
        ("dragon_boat", 2026, datetime.date(2026, 6, 19)),
        ("mid_autumn", 2026, datetime.date(2026, 9, 25)),
        ("mid_autumn", 2027, datetime.date(2027, 9, 15)),
        ("national_day", 2026, datetime.date(2026, 10, 1)),
    ],
)
def test_festival_days_each_year(code, year, day):
    assert Festival.objects.get(code=code).on(year) == day


def _shown(month):
    return [event for day in month.days for event in day.events]


def test_the_calendar_groups_a_festivals_events_by_themselves(personas):
    mid_autumn = _event(personas, datetime.date(2026, 9, 24))
    ordinary = _event(personas, datetime.date(2026, 9, 8), title="周末粤剧欣赏")
    _event(personas, datetime.date(2026, 9, 9), title="草稿", status="draft")
    _event(personas, datetime.date(2026, 9, 10), title="巡逻", kind="patrol_shift")
    elsewhere = _event(
        personas, datetime.date(2026, 9, 12), title="河东书法展", place=personas.tree.community_b
    )
    month = selectors.month_calendar(personas.resident_a, datetime.date(2026, 9, 1))
    assert [e.title for e in _shown(month)] == ["周末粤剧欣赏", "河东书法展", "中秋游园会"]
    assert month.total == 3
    assert next(e for e in _shown(month) if e == mid_autumn).season.code == "mid_autumn"
    assert next(e for e in _shown(month) if e == ordinary).season is None
    assert len(month.weeks) in (5, 6) and all(len(week) == 7 for week in month.weeks)
    festival = selectors.month_calendar(
        personas.resident_a, datetime.date(2026, 9, 1), festival="mid_autumn"
    )
    assert _shown(festival) == [mid_autumn]
    by_place = selectors.month_calendar(
        personas.resident_a, datetime.date(2026, 9, 1), place_path=personas.tree.community_b.path
    )
    assert _shown(by_place) == [elsewhere]


def test_a_busy_day_shows_its_first_events_and_how_many_more(client, personas):
    busy = datetime.date(2026, 9, 19)
    for n in range(selectors.PER_DAY + 3):
        event = _event(personas, busy, title=f"广场舞展演{n:02d}")
        Activity.objects.filter(pk=event.pk).update(
            starts_at=event.starts_at + datetime.timedelta(minutes=n)
        )
    _event(personas, datetime.date(2026, 9, 20), title="周日读书会")
    month = selectors.month_calendar(personas.resident_a, datetime.date(2026, 9, 1))
    assert month.total == selectors.PER_DAY + 4
    saturday, sunday = month.days
    assert [e.title for e in saturday.events] == [
        f"广场舞展演{n:02d}" for n in range(selectors.PER_DAY)
    ]
    assert (saturday.total, saturday.more, sunday.more) == (selectors.PER_DAY + 3, 3, 0)
    cell = next(c for week in month.weeks for c, inside in week if c.day == busy)
    assert cell is saturday

    client.force_login(personas.resident_a)
    url = reverse("culture:calendar")
    html = client.get(url, {"month": "2026-09"}).content.decode()
    assert "day=2026-09-19" in html and "广场舞展演03" in html and "广场舞展演04" not in html
    day = client.get(url, {"day": "2026-09-19"}).content.decode()
    assert "中秋" in day.split('id="calendar-day"')[1].split("</h1>")[0]  # in the season
    assert all(f"广场舞展演{n:02d}" in day for n in range(selectors.PER_DAY + 3))
    assert "周日读书会" not in day
    assert client.get(url, {"day": "2026-02-30"}).status_code == 200  # not a day: the month


def test_in_a_city_the_place_filter_lists_districts_then_the_chosen_ones_streets(client, personas):
    from meihao.places.models import Level, Place

    other = Place.objects.create(code="450404", name="长洲区", level=Level.DISTRICT, path="450404/")
    Place.objects.create(
        code="450404001", name="大塘街道", level=Level.STREET, parent=other,
        path="450404/450404001/",
    )  # fmt: skip
    client.force_login(personas.resident_a)
    url = reverse("culture:calendar")
    html = client.get(url).content.decode()
    assert "长洲区" in html and "大塘街道" not in html
    assert (
        personas.tree.community_a.name not in html.split('id="id_place"')[1].split("</select>")[0]
    )
    chosen = client.get(url, {"place": "450404"}).content.decode()
    assert "大塘街道" in chosen


def test_the_calendar_page_month_and_list_filters_and_bad_input(client, personas):
    event = _event(personas, datetime.date(2026, 9, 24), title=SCRIPT)
    client.force_login(personas.resident_a)
    url = reverse("culture:calendar")
    html = client.get(url, {"month": "2026-09"}).content.decode()
    assert f'data-event="{event.pk}"' in html and 'id="month-view"' in html
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "中秋" in html  # the season's badge
    for bad in (
        {"month": "2026-13"},
        {"month": "x"},
        {"place": "<b>"},
        {"kind": "patrol_shift"},
        {"festival": "nope"},
    ):
        response = client.get(url, bad)
        assert response.status_code == 200, bad
    client.logout()
    assert client.get(url).status_code == 302


def test_partner_units_by_the_organisers(client, personas):
    event = _event(personas, datetime.date(2026, 9, 24))
    unit = Organisation.objects.create(
        name="万秀区文化馆", kind="unit", place=personas.tree.district
    )
    with pytest.raises(NotFound):
        services.partners_set(actor=personas.resident_a, activity=event, organisation_ids=[unit.pk])
    with pytest.raises(ValidationFailed):
        services.partners_set(
            actor=personas.community_staff_a, activity=event, organisation_ids=[unit.pk, 999999]
        )
    assert not Partner.objects.exists()
    services.partners_set(
        actor=personas.community_staff_a, activity=event, organisation_ids=[unit.pk]
    )
    client.force_login(personas.community_staff_a)
    page = client.get(reverse("culture:partners", args=[event.pk]))
    assert page.status_code == 200
    refused = client.post(reverse("culture:partners", args=[event.pk]), {"partners": ["x"]})
    assert refused.status_code == 400 and Partner.objects.count() == 1
    client.force_login(personas.resident_a)
    assert client.get(reverse("culture:partners", args=[event.pk])).status_code == 404
    html = client.get(reverse("culture:calendar"), {"month": "2026-09"}).content.decode()
    assert "万秀区文化馆" in html


def test_showcases_by_officials_public_to_everyone(client, personas):
    held = _event(personas, datetime.date(2026, 8, 20), status="finished", title="读书会")
    with pytest.raises(ValidationFailed):
        services.showcase_create(
            actor=personas.resident_a, category="reading", title="x", write_up="y", activity=held
        )
    client.force_login(personas.community_staff_a)
    url = reverse("culture:showcase_create")
    for bad in (
        {"activity": held.pk, "category": "nope", "title": "a", "write_up": "b"},
        {"activity": held.pk, "category": "reading", "title": "", "write_up": "b"},
        {"activity": "x", "category": "reading", "title": "a", "write_up": "b"},
    ):
        assert client.post(url, bad).status_code == 400, bad
    assert not Showcase.objects.exists()
    fields = {"activity": held.pk, "category": "reading", "title": SCRIPT, "write_up": "每月一次"}
    assert client.post(url, fields).status_code == 302
    assert client.post(url, fields).status_code == 400  # once an event
    client.logout()
    public = client.get(reverse("culture:showcases"))
    html = public.content.decode()
    assert public.status_code == 200 and SCRIPT not in html and "&lt;script&gt;" in html
    assert 'data-category="reading"' in html and 'id="new-showcase"' not in html
    span = Span.of(
        personas.tree.district.path, datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)
    )
    assert REGISTRY["culture_showcases"].measure(span).value == 1
    showcase = Showcase.objects.get()
    client.force_login(make_user("13800000099", "外人", roles=[]))
    assert client.post(reverse("culture:showcase_withdraw", args=[showcase.pk])).status_code == 404
    client.force_login(personas.community_staff_a)
    client.post(reverse("culture:showcase_withdraw", args=[showcase.pk]))
    assert not Showcase.objects.get().published
    assert REGISTRY["culture_showcases"].measure(span).value == 0


def test_events_held_rank_by_kind_and_by_festival_season(personas):
    from meihao.activities.models import Attendance, SignUp
    from meihao.insights.registry import in_group, ranked
    from meihao.people.models import Person

    gala = _event(personas, datetime.date(2026, 9, 24), status="finished")
    fair = _event(personas, datetime.date(2026, 10, 2), title="国庆游园", status="finished")
    _event(personas, datetime.date(2026, 9, 8), title="周末粤剧欣赏", status="finished")
    _event(personas, datetime.date(2026, 9, 9), title="宣讲", kind="lecture", status="finished")
    _event(personas, datetime.date(2026, 9, 10), title="未办", status="published")
    for n in range(3):  # attendances must not count the event three times
        person = Person.objects.create(real_name=f"居民{n}", phone=f"1370000000{n}")
        signup = SignUp.objects.create(activity=gala, person=person, status="confirmed")
        Attendance.objects.create(signup=signup, checked_in_at=gala.starts_at, check_in_method="qr")
    indicator = REGISTRY["culture_events"]
    span = Span.of(
        personas.tree.district.path, datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)
    )
    assert indicator.measure(span).value == 4
    by_kind = {
        row["name"]: row["measure"].value
        for row in ranked(indicator, indicator.ranking("kind"), span)
    }
    assert by_kind == {
        str(Activity.Kind.CULTURAL_EVENT.label): 3,
        str(Activity.Kind.LECTURE.label): 1,
    }
    by_festival = ranked(indicator, indicator.ranking("festival"), span)
    assert sorted((row["key"], row["name"], row["measure"].value) for row in by_festival) == [
        ("mid_autumn", "中秋", 1),
        ("national_day", "国庆", 1),
    ]
    assert list(in_group(indicator, indicator.ranking("festival"), span, "mid_autumn")) == [gala]
    assert list(in_group(indicator, indicator.ranking("festival"), span, "national_day")) == [fair]
    # A period without a festival season ranks nothing by festival.
    quiet = Span.of(
        personas.tree.district.path, datetime.date(2026, 9, 1), datetime.date(2026, 9, 9)
    )
    assert ranked(indicator, indicator.ranking("festival"), quiet) == []


@pytest.mark.parametrize("zone_name", ["Asia/Shanghai", "Europe/Berlin"])
def test_an_event_is_on_its_local_day_near_midnight_and_across_a_clock_change(personas, zone_name):
    """The day is the local one: 00:30 in Shanghai is the previous day in UTC; Berlin's month
    of March changes its offset, so the calendar cannot shift every row by one offset."""
    from django.utils import timezone

    zone = ZoneInfo(zone_name)
    with timezone.override(zone):
        for day, hour, minute in ((3, 0, 30), (3, 23, 30), (30, 0, 15)):
            event = _event(personas, datetime.date(2026, 3, day), title=f"{day}日{hour}时")
            starts = datetime.datetime(2026, 3, day, hour, minute, tzinfo=zone)
            Activity.objects.filter(pk=event.pk).update(
                starts_at=starts, ends_at=starts + datetime.timedelta(minutes=30)
            )
        month = selectors.month_calendar(personas.resident_a, datetime.date(2026, 3, 1))
    assert {d.day.day: [e.title for e in d.events] for d in month.days} == {
        3: ["3日0时", "3日23时"],
        30: ["30日0时"],
    }
