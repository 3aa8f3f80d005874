"""The obligations engine: who × what × period × minimum, for every duty in the product (a party
branch's meetings by type, an advisor's hours in a community, a patrol team's minutes).

A duty's subjects (branches, posts) and minimums belong to its app; what was done is a tally
per subject and period (`ObligationTally`), moved by the service that records the work in the
same transaction (`tally_add`: a meeting's minutes approved adds one), so re-evaluating after
a record costs one row, never a scan of the year. `tallies` reads a period range for many
subjects in one query. Given the duty's minimum, `tally_add` also keeps each subject's count of
periods met in a year (`ObligationYear`), what a whole city's compliance is counted from;
`tally_rebuild` recomputes a duty from its records (after a change of
rules, or to check the tallies), as `ledger_check` does for balances.
"""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from meihao.core.models import ObligationTally, ObligationYear


class Period(models.TextChoices):
    DAY = "day", _("Daily")
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


# The calendar periods, in months; a day and a week (from Monday) are counted in days.
MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}
DAYS = {Period.DAY: 1, Period.WEEK: 7}


def period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the period of kind `period` holding `day`."""
    period = Period(period)
    if period in DAYS:
        return day - datetime.timedelta(days=day.weekday() if period == Period.WEEK else 0)
    months = MONTHS[period]
    month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, month, 1)


def next_start(period: str, start: datetime.date) -> datetime.date:
    period = Period(period)
    if period in DAYS:
        return start + datetime.timedelta(days=DAYS[period])
    index = start.year * 12 + start.month - 1 + MONTHS[period]
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


def _upsert_add(model, key: dict, field: str, amount: int) -> None:
    """Add `amount` to `field` of the row at `key`, creating it (yielding to a concurrent
    creation) when it is missing."""
    if model.objects.filter(**key).update(**{field: F(field) + amount}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **{field: amount})
    except IntegrityError:  # another transaction created the row first
        model.objects.filter(**key).update(**{field: F(field) + amount})


def tally_add(
    *,
    duty: str,
    subject_id: int,
    period: str,
    day: datetime.date,
    amount: int = 1,
    minimum: int | None = None,
) -> None:
    """Count `amount` more of `duty` done by `subject_id` in the period holding `day` (a
    negative amount takes it back). With the duty's `minimum`, a period crossing it moves the
    year's count of periods met (`ObligationYear`). Call it inside the transaction that records
    the work."""
    start = period_start(period, day)
    key = {"duty": duty, "subject_id": subject_id, "period": period, "starts_on": start}
    if minimum is None:
        _upsert_add(ObligationTally, key, "amount", amount)
        return
    _upsert_add(ObligationTally, key, "amount", 0)  # the row exists from here on
    row = ObligationTally.objects.select_for_update().get(**key)
    before, after = row.amount, row.amount + amount
    ObligationTally.objects.filter(pk=row.pk).update(amount=after)
    crossed = int(after >= minimum) - int(before >= minimum)
    if crossed:
        _upsert_add(
            ObligationYear,
            {"duty": duty, "subject_id": subject_id, "year": start.year},
            "periods_met",
            crossed,
        )


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


def tally_rebuild(
    *,
    duty: str,
    period: str,
    done: Iterable[tuple[int, datetime.date, int]],
    minimum: int | None = None,
) -> int:
    """Replace every tally of `duty` (and, with its `minimum`, its years' periods met) with
    what the records say: `done` yields (subject, day, amount). Returns the tallies written."""
    totals: dict[tuple[int, datetime.date], int] = {}
    for subject, day, amount in done:
        key = (subject, period_start(period, day))
        totals[key] = totals.get(key, 0) + amount
    years: dict[tuple[int, int], int] = {}
    if minimum is not None:
        for (subject, start), amount in totals.items():
            if amount >= minimum:
                years[(subject, start.year)] = years.get((subject, start.year), 0) + 1
    with transaction.atomic():
        ObligationTally.objects.filter(duty=duty).delete()
        ObligationYear.objects.filter(duty=duty).delete()
        ObligationTally.objects.bulk_create(
            [
                ObligationTally(
                    duty=duty, subject_id=subject, period=period, starts_on=start, amount=amount
                )
                for (subject, start), amount in totals.items()
            ],
            batch_size=2000,
        )
        ObligationYear.objects.bulk_create(
            [
                ObligationYear(duty=duty, subject_id=subject, year=year, periods_met=met)
                for (subject, year), met in years.items()
            ],
            batch_size=2000,
        )
    return len(totals)
