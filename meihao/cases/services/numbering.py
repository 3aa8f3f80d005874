"""Case numbers: the type's prefix, the local date and a daily sequence."""

import functools
from datetime import datetime

from django.db import connection
from django.utils import timezone

from meihao.cases.models import (
    CaseCounter,
    CaseType,
)


def next_case_number(case_type: CaseType, now: datetime | None = None) -> str:
    """Type prefix + local date + 4-digit daily sequence, e.g. WG202405200007.

    The counter row per (type, day) is created or incremented by one statement,
    `INSERT ... ON CONFLICT (case_type_id, day) DO UPDATE SET last = last + 1 RETURNING last`
    (PostgreSQL, SQLite >= 3.35), inside the caller's transaction: the row lock (PostgreSQL) or
    the write lock (SQLite, IMMEDIATE transactions) makes concurrent submissions take turns, so
    no number is handed out twice.
    """
    day = timezone.localdate(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _counter_upsert(connection.vendor),
            [case_type.pk, CaseCounter._meta.get_field("day").get_db_prep_value(day, connection)],
        )
        (last,) = cursor.fetchone()
    return f"{case_type.number_prefix}{day:%Y%m%d}{last:04d}"


@functools.cache
def _counter_upsert(_vendor: str) -> str:
    meta = CaseCounter._meta
    table = connection.ops.quote_name(meta.db_table)
    # django-stubs types get_field as any field or relation, whose column may be None; these
    # are concrete fields.
    case_type, day, last = (
        connection.ops.quote_name(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in ("case_type", "day", "last")
    )
    # Only quoted table and column names are interpolated; the values are parameters.
    return (
        f"INSERT INTO {table} ({case_type}, {day}, {last}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({case_type}, {day}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {last}"
    )
