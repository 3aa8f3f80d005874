"""What each kind of export job writes: the sheet, its size and the file's name.

A kind is prepared twice from the same parameters: when the user asks (which checks scope and
input, so a refusal is immediate and no job is made) and when the worker runs the job (which
re-scopes to the owner as they are then). Rows are generated lazily, streamed from the
database in chunks into the write-only workbook.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.errors import NotFound
from meihao.core.excel import Sheet
from meihao.insights import selectors
from meihao.insights.models import ExportJob
from meihao.people import excel as people_excel
from meihao.people import selectors as people_selectors

CHUNK = 2000


@dataclass
class Prepared:
    sheets: list[Sheet]
    total: int
    filename: str


def _indicator_records(owner, params: dict) -> Prepared:
    reading = selectors.read_indicator(
        owner,
        params.get("code", ""),
        place_code=params.get("place", ""),
        start=params.get("start", ""),
        end=params.get("end", ""),
        case_type=params.get("type", ""),
        channel=params.get("channel", ""),
        department=params.get("department", ""),
        team=params.get("team", ""),
    )
    indicator, span = reading.indicator, reading.span
    records = indicator.records(span)
    rows = selectors.record_cells(indicator, records)
    sheet = Sheet(str(indicator.name), rows, header=selectors.record_headers(indicator))
    parts = [indicator.code, reading.place.code, span.case_type, span.channel]
    parts += [f"{key}{pk}" for key, pk in reading.narrowing.params.items()]
    name = "-".join([p for p in parts if p] + [f"{span.first_day:%Y%m%d}-{span.last_day:%Y%m%d}"])
    return Prepared([sheet], records.count(), f"{name}.xlsx")


def _residents(owner, params: dict) -> Prepared:
    if not people_selectors.people_abilities(owner)["export"]:
        raise NotFound(_("No such page."))
    people = people_selectors.person_list(owner, params.get("q", ""))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return Prepared(
        [people_excel.resident_sheet(people.iterator(chunk_size=CHUNK))],
        people.count(),
        f"people-{stamp}.xlsx",
    )


KINDS = {
    ExportJob.Kind.INDICATOR_RECORDS: _indicator_records,
    ExportJob.Kind.RESIDENTS: _residents,
}


def prepare(kind: str, owner, params: dict) -> Prepared:
    return KINDS[kind](owner, params)
