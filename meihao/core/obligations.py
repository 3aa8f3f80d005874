"""The obligations engine: who × what × period × minimum, for every duty in the product (a party
branch's meetings by type, an advisor's hours in a community, a patrol team's minutes).

A duty's subjects (branches, posts) and minimums belong to its app; what was done is a tally
per subject and period (`ObligationTally`), moved by the service that records the work in the
same transaction (`tally_add`: a meeting's minutes approved adds one), so re-evaluating after
a record costs one row, never a scan of the year. `tallies` reads a period range for many
subjects in one query; `tally_rebuild` recomputes a duty from its records (after a change of
rules, or to check the tallies), as `ledger_check` does for balances.
"""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from meihao.core.models import ObligationTally


class Period(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


def period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the period of kind `period` holding `day`."""
    months = MONTHS[Period(period)]
    month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, month, 1)


def next_start(period: str, start: datetime.date) -> datetime.date:
    index = start.year * 12 + start.month - 1 + MONTHS[Period(period)]
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_end(period: str, start: datetime.date) -> datetime.date:
    """The last day of the period starting on `start`."""
    return next_start(period, start) - datetime.timedelta(days=1)


def periods_between(period: str, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The starts of the periods that overlap [first, last], in order."""
    starts = []
    start = period_start(period, first)
    while start <= last:
        starts.append(start)
        start = next_start(period, start)
    return starts


def tally_add(*, duty: str, subject_id: int, period: str, day: datetime.date, amount: int = 1):
    """Count `amount` more of `duty` done by `subject_id` in the period holding `day` (a
    negative amount takes it back). Call it inside the transaction that records the work."""
    key = {
        "duty": duty,
        "subject_id": subject_id,
        "period": period,
        "starts_on": period_start(period, day),
    }
    if ObligationTally.objects.filter(**key).update(amount=F("amount") + amount):
        return
    try:
        with transaction.atomic():
            ObligationTally.objects.create(**key, amount=amount)
    except IntegrityError:  # another transaction created the row first
        ObligationTally.objects.filter(**key).update(amount=F("amount") + amount)


def tallies(
    *, duties: Iterable[str], first: datetime.date, last: datetime.date, subjects=None
) -> dict[tuple[str, int, datetime.date], int]:
    """{(duty, subject, period start): amount} for the periods starting in [first, last];
    `subjects` narrows to some subject ids (a list or a subquery)."""
    rows = ObligationTally.objects.filter(
        duty__in=list(duties), starts_on__gte=first, starts_on__lte=last
    )
    if subjects is not None:
        rows = rows.filter(subject_id__in=subjects)
    return {
        (duty, subject, start): amount
        for duty, subject, start, amount in rows.values_list(
            "duty", "subject_id", "starts_on", "amount"
        )
    }


def tally_rebuild(*, duty: str, period: str, done: Iterable[tuple[int, datetime.date, int]]):
    """Replace every tally of `duty` with what the records say: `done` yields (subject, day,
    amount). Returns the number of tallies written."""
    totals: dict[tuple[int, datetime.date], int] = {}
    for subject, day, amount in done:
        key = (subject, period_start(period, day))
        totals[key] = totals.get(key, 0) + amount
    with transaction.atomic():
        ObligationTally.objects.filter(duty=duty).delete()
        ObligationTally.objects.bulk_create(
            [
                ObligationTally(
                    duty=duty, subject_id=subject, period=period, starts_on=start, amount=amount
                )
                for (subject, start), amount in totals.items()
            ],
            batch_size=2000,
        )
    return len(totals)
