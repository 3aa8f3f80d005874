"""Inserting many rows of one model with executemany.

Measured on 100,000 people: Django's bulk_create spends most of its time compiling SQL and
preparing every value of every row (get_db_prep_save), more than the database spends writing.
This writer compiles the INSERT once, prepares each column's constant default once, and hands the
database plain tuples. It is for trusted, already-valid rows from the demo loader only: no
signals, no validation, no save().
"""

import datetime
import functools
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class RowWriter:
    def __init__(
        self, model: type[models.Model], columns: Sequence[str], *, ignore_conflicts=False
    ):
        """`columns` are attnames (e.g. "home_place_id") given per row, in this order."""
        self.model = model
        self.columns = list(columns)
        quote = connection.ops.quote_name
        now = timezone.now()
        constants: dict[str, object] = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.attname in self.columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.empty_strings_allowed and field.blank:
                value = ""  # a blank text field, as Django saves it when left out
            else:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            constants[field.column] = field.get_db_prep_save(value, connection)
        self.constants = tuple(constants.values())
        names = [model._meta.get_field(c).column for c in self.columns] + list(constants)
        self.names = names  # the table's columns: a row's, then the constants'
        self.sql = (
            # Identifiers come from the model and are quoted; every value is a bound parameter.
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(names))})"
            + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        )

    def insert(self, rows: Iterable[tuple]) -> None:
        with connection.cursor() as cursor:
            for batch in batched(rows, BATCH):
                cursor.executemany(self.sql, [row + self.constants for row in batch])


def date_value(value):
    """A date as the database driver wants it (a string for SQLite, a date for PostgreSQL)."""
    return connection.ops.adapt_datefield_value(value)


def datetime_value(value):
    """An aware datetime as the database driver wants it: what
    `connection.ops.adapt_datetimefield_value` gives (a naive UTC string for SQLite, the value
    itself for PostgreSQL), without its per-call cost (a quarter of the activities stage)."""
    if value is None or not _is_sqlite():
        return value
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


@functools.cache
def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def max_id(model: type[models.Model]) -> int:
    """The highest primary key so far: rows inserted after have higher ones (auto-increment),
    which is how a stage finds the ids of the rows it has just written in one query."""
    return model.objects.aggregate(top=models.Max("pk"))["top"] or 0
