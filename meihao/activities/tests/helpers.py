"""Building activities in tests: a clean-up of the old arcade street in community A, at a fixed
time, and helpers to move the clock there."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from meihao.activities import services
from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The venue: inside grid A1 of community A (lon 111.20–111.21, lat 23.40–23.42).
VENUE = (23.41, 111.205)
# A Saturday morning, 09:00–11:00 in Shanghai.
START = datetime.datetime(2025, 6, 7, 9, 0, tzinfo=SHANGHAI)
END = START + datetime.timedelta(hours=2)
WEEK_BEFORE = START - datetime.timedelta(days=7)


def at(moment: datetime.datetime):
    """The clock stopped at `moment` (a context manager)."""
    return time_machine.travel(moment, tick=False)


def minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def activity_fields(personas, **overrides) -> dict:
    fields = {
        "kind": Activity.Kind.VOLUNTEER_SERVICE,
        "title": "清洁骑楼老街",
        "description": "捡拾垃圾、清理小广告",
        "place": personas.tree.community_a,
        "venue": "骑楼社区服务中心",
        "address": "骑楼街1号",
        "lat": VENUE[0],
        "lon": VENUE[1],
        "starts_at": START,
        "ends_at": END,
        "capacity": 3,
    }
    fields.update(overrides)
    return fields


def make_activity(personas, *, publish=True, actor=None, **overrides) -> Activity:
    """Created (and published) a week before it starts, by community staff A."""
    actor = actor or personas.community_staff_a
    with at(WEEK_BEFORE):
        activity = services.activity_create(actor=actor, **activity_fields(personas, **overrides))
        if publish:
            activity = services.activity_publish(actor=actor, activity=activity)
    return activity


def sign_up(activity, *users, role="", when=WEEK_BEFORE):
    with at(when):
        return [services.signup_create(actor=user, activity=activity, role=role) for user in users]


def held(
    personas, kind, day, *, place=None, status=Activity.Status.FINISHED, month=(2026, 12), **extra
) -> Activity:
    """An activity of `kind` written as it stands (no services): 19:00–21:00 on `day` of
    `month` (year, month) in community A by default, finished by default."""
    place = place or personas.tree.community_a
    start = datetime.datetime(*month, day, 19, 0, tzinfo=SHANGHAI)
    return Activity.objects.create(
        kind=kind,
        title=str(Activity.Kind(kind).label),
        place=place,
        place_path=place.path,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=extra.pop("capacity", 10),
        status=status,
        created_by=personas.community_staff_a,
        **extra,
    )


def attended(personas, activity, person, minutes=120) -> ServiceRecord:
    """`person` signed up, checked in and credited `minutes` of service on the activity's day."""
    signup = SignUp.objects.create(activity=activity, person=person, status="confirmed")
    attendance = Attendance.objects.create(
        signup=signup, checked_in_at=activity.starts_at, check_in_method="staff"
    )
    return ServiceRecord.objects.create(
        person=person,
        activity=activity,
        service_date=activity.starts_at.date(),
        place=activity.place,
        place_path=activity.place_path,
        content=activity.title,
        minutes=minutes,
        source="attendance",
        attendance=attendance,
        recording_organisation="骑楼社区居委会",
        person_in_charge="社区干部甲",
        created_by=personas.community_staff_a,
    )
