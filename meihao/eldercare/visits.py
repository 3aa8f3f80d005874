"""探访关爱: the visit schedule of the elders who live alone and are 80 or more.

Every period (ELDER_VISIT_DAYS, a week by default, counted from a fixed day so that every
community's periods agree) each such elder gets one VISIT case (eldercare.catalogue), filed by
the schedule itself, for the volunteers, party members and grid workers covering their home to
claim and to check in and out at the elder's door. A visit nobody does runs past its deadlines
and shows overdue on the community's board, like any case.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meihao.cases import services as case_services
from meihao.cases.classes import active_type
from meihao.cases.models import Case
from meihao.eldercare.models import VISITED_MIN_AGE, Elder, Living
from meihao.people.models import born_by

VISIT_CODE = "VISIT"


def visit_days() -> int:
    return max(int(getattr(settings, "ELDER_VISIT_DAYS", 7)), 1)


def period_of(day: datetime.date) -> int:
    return day.toordinal() // visit_days()


def period_first_day(day: datetime.date) -> datetime.date:
    """The first day of the visit period `day` falls in (its visits are filed from then)."""
    return datetime.date.fromordinal(max(period_of(day) * visit_days(), 1))


def visited_elders(today: datetime.date):
    """The elders the schedule visits on `today`: living alone and 80 or more."""
    return Elder.objects.filter(
        living=Living.ALONE,
        person__birth_date__lte=born_by(today, VISITED_MIN_AGE),
        person__home_place__isnull=False,
    ).select_related("person__home_place", "person__building")


def visits_schedule(*, today: datetime.date | None = None) -> int:
    """File this period's visit for every elder due one that has none yet; how many were filed.
    Idempotent: a visit is keyed by the elder and the period."""
    today = today or timezone.localdate()
    case_type = active_type(VISIT_CODE)
    if case_type is None:
        return 0
    period = period_of(today)
    filed = 0
    for elder in visited_elders(today).iterator(chunk_size=500):
        key = f"visit-{elder.pk}-{period}"
        if Case.objects.filter(idempotency_key=key).exists():
            continue
        person = elder.person
        building = person.building
        with transaction.atomic():
            case_services.case_submit(
                actor=None,
                case_type=case_type,
                description=f"探访关爱：{person.real_name}（独居）"
                + (f"，{building.name}" if building else ""),
                place=person.home_place,
                lat=building.lat if building else None,
                lon=building.lon if building else None,
                address=(building.address or building.name) if building else "",
                channel=Case.Channel.SCHEDULE,
                reporter=person,
                idempotency_key=key,
                filed_by_app=True,
            )
        filed += 1
    return filed
