"""The demo looks like a working district on whatever day it is seeded (CI runs these on the 1st
of a month, 1 January and 29 February at half past midnight, see meihao.testenv): the open cases
are mostly on time, some due soon, a few late (days, not months); patrols and attendances reach
up to now; people act in waking hours; photos are pictures, not coloured rectangles."""

import datetime
import io
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone
from PIL import Image

from meihao.activities.models import Activity, Attendance
from meihao.cases.models import Case, CaseEvent, CasePhoto, SlaState
from meihao.cases.selectors import overdue_q
from meihao.cases.states import HANDLING_RUNNING, OPEN_STATES, RESPONSE_RUNNING
from meihao.demo import photos
from meihao.patrols.models import PatrolSession

# What a district's board shows: a few cases late, by days.
MAX_OVERDUE_SHARE, MAX_LATE = 0.2, 4  # of about 20 open cases at the demo's 600: at most 4
MAX_OVERDUE = datetime.timedelta(days=7)
RECENT = datetime.timedelta(days=2)
WAKING = range(7, 22)  # local hours 07:00–21:59


@pytest.fixture
def seeded(db):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "seed_demo",
        residents=300,
        cases=600,  # the demo's own (scale 1): the mix of a real district's board
        patrols=3,
        activities=730,
        stdout=out,
        stderr=err,
    )


def local_hour(moment: datetime.datetime) -> int:
    return timezone.localtime(moment).hour


def check_open_cases_are_mostly_on_time_some_amber_a_few_late():
    now = timezone.now()
    open_cases = Case.objects.filter(idempotency_key__startswith="demo-", status__in=OPEN_STATES)
    overdue = list(open_cases.filter(overdue_q(now)))
    total = open_cases.count()
    assert total >= 8, total
    assert len(overdue) <= max(MAX_LATE, MAX_OVERDUE_SHARE * total), (len(overdue), total)
    for case in overdue:
        due = case.respond_by if case.status in RESPONSE_RUNNING else case.resolve_by
        assert now - due <= MAX_OVERDUE, (case.number, case.status, now - due)
    amber = open_cases.filter(status__in=HANDLING_RUNNING, handling_sla=SlaState.YELLOW)
    amber |= open_cases.filter(status__in=RESPONSE_RUNNING, response_sla=SlaState.YELLOW)
    assert amber.exists()
    on_time = open_cases.filter(status__in=HANDLING_RUNNING, handling_sla=SlaState.GREEN)
    assert on_time.count() >= 2


def check_patrols_and_attendances_reach_up_to_now():
    now = timezone.now()
    latest_patrol = PatrolSession.objects.aggregate(m=Max("ended_at"))["m"]
    assert latest_patrol is not None and now - latest_patrol <= RECENT, latest_patrol
    latest_check_in = Attendance.objects.aggregate(m=Max("checked_in_at"))["m"]
    assert latest_check_in is not None and now - latest_check_in <= RECENT, latest_check_in


def check_people_act_in_waking_hours():
    patrol_hours = Counter(
        local_hour(t) for t in PatrolSession.objects.values_list("started_at", flat=True)
    )
    assert patrol_hours and set(patrol_hours) <= set(WAKING), patrol_hours
    for title, starts_at in Activity.objects.values_list("title", "starts_at"):
        assert local_hour(starts_at) in WAKING, (title, starts_at)
        if "夜间" in title:  # a night patrol starts in the evening
            assert local_hour(starts_at) >= 18, (title, timezone.localtime(starts_at))
    filed = list(
        Case.objects.filter(idempotency_key__startswith="demo-").values_list(
            "created_at", flat=True
        )
    )
    assert {local_hour(t) for t in filed} <= set(WAKING)
    wishes = Case.objects.filter(idempotency_key__startswith="wish-demo-")
    ordered = list(wishes.values_list("created_at", flat=True))
    assert len(ordered) >= 8
    assert len(set(ordered)) == len(ordered), "two wishes stamped alike"
    assert {local_hour(t) for t in ordered} <= set(range(8, 21)), sorted(
        timezone.localtime(t).time() for t in ordered
    )
    assert len({local_hour(t) for t in ordered}) >= 4  # spread over the day, not one batch
    # Steps after the order are pushed into waking hours too, except the demo party member's
    # joining for his unit just after midnight on 1 January (dual registration is per year).
    acted = CaseEvent.objects.filter(case__in=wishes, actor__isnull=False)
    hours = Counter(local_hour(t) for t in acted.values_list("created_at", flat=True))
    assert sum(n for hour, n in hours.items() if hour not in WAKING) <= 1, hours


def assert_looks_like_a_photo(data: bytes):
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert 10_000 < len(data) < 80_000, len(data)
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 5000, len(colours or [])
    # No single colour covers the picture (a flat rectangle with a box on it would).
    assert max(count for count, _colour in colours) < 0.05 * image.width * image.height


def check_photos_are_pictures():
    report_photos = CasePhoto.objects.filter(case__idempotency_key__startswith="demo-")
    assert report_photos.count() >= 3
    seen = set()
    for photo in report_photos[:6]:
        with photo.image.open("rb") as file:
            data = file.read()
        assert_looks_like_a_photo(data)
        seen.add(data)
    assert len(seen) == min(report_photos.count(), 6), "every report has its own picture"
    wish_photos = CasePhoto.objects.filter(case__idempotency_key__startswith="wish-demo-")
    assert wish_photos.exists()
    with wish_photos.first().image.open("rb") as file:
        assert_looks_like_a_photo(file.read())


def check_newcomers_wait_for_their_community():
    from meihao.core.roles import Role
    from meihao.people.models import Person, RoleAssignment
    from meihao.people.selectors import people_counts

    waiting = Person.objects.filter(home_confirmed=False, user__self_registration__isnull=False)
    assert waiting.count() == 3
    community_path = waiting.first().home_place_path
    staff = RoleAssignment.objects.get(
        role=Role.COMMUNITY_STAFF, place__path=community_path, user__phone__startswith="1390000"
    ).user
    assert people_counts(staff) == {"residents_to_confirm": 3}
    assert staff.notify_messages.filter(kind="resident_to_confirm").count() == 3


def check_residents_read_notices():
    from meihao.bulletins.models import Notice
    from meihao.bulletins.selectors import home_notices
    from meihao.people.models import User

    assert Notice.objects.published().count() == 5  # and one scheduled for tomorrow
    assert Notice.objects.exclude(pk__in=Notice.objects.published()).count() == 1
    resident = User.objects.get(phone="13900000001")
    titles = [notice.title for notice in home_notices(resident)]
    # Pinned first (the community's then the district's, newest first), then the newest.
    assert titles == [
        "本周六上午小区停水通知",
        "2027年度城乡居民医保集中缴费开始",
        "冬季消防安全检查通知",
    ]


def test_the_demo_is_lived_in_on_any_day(seeded):
    # One seed, several checks: filing the cases through the services takes seconds.
    check_open_cases_are_mostly_on_time_some_amber_a_few_late()
    check_patrols_and_attendances_reach_up_to_now()
    check_people_act_in_waking_hours()
    check_photos_are_pictures()
    check_newcomers_wait_for_their_community()
    check_residents_read_notices()


def test_scenes_differ_by_class_and_repeat_by_seed():
    litter = photos.street_scene("0102", random.Random(1))
    assert photos.street_scene("0102", random.Random(1)) == litter  # the same case, the same photo
    assert photos.street_scene("0401", random.Random(1)) != litter  # a pothole is not a litter pile
    for scene in (
        litter,
        photos.street_scene("1102", random.Random(2)),
        photos.room_scene(random.Random(3)),
    ):
        assert_looks_like_a_photo(scene)


@pytest.mark.parametrize(
    "draw",
    [
        *[lambda rng, k=k: photos.venue_scene(k, rng) for k in ("square", "activity_room")],
        *[lambda rng, c=c: photos.showcase_scene(c, rng) for c in ("reading", "festival")],
        *[lambda rng, k=k: photos.site_scene(k, rng) for k in ("memorial", "mural", "former_site")],
    ],
    ids=["square", "room", "reading", "festival", "memorial", "mural", "former-site"],
)
def test_the_venues_showcases_and_sites_photos_are_pictures(draw):
    scene = draw(random.Random(7))
    assert draw(random.Random(7)) == scene  # the same object, the same photo
    assert_looks_like_a_photo(scene)
