"""Writing Excel workbooks: the one helper every export uses.

Community workers keep their 台账 in Excel, so every list that leaves the product leaves as
.xlsx. The workbook is openpyxl's write-only (streaming) kind: rows go to disk as they are
appended, so a 100,000-row export holds one row in memory, not the whole sheet.

A workbook is a list of `Sheet`s; a row is a sequence of values, or a `Bold` row (a title or a
section's header inside the rows). `Sheet.header` is the bold header row with the panes frozen
below it.
"""

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses a sheet title longer than this.
MAX_TITLE = 31
# How often (in rows) `progress` is told how far the writing has got.
PROGRESS_EVERY = 500

_BOLD = Font(bold=True)
_BANNER_FONT = Font(bold=True, color="FFFFFF")
_BANNER_FILL = PatternFill("solid", fgColor="C8102E")
_CENTRE = Alignment(horizontal="center")
_WRAP = Alignment(wrap_text=True, vertical="top")


class Bold(tuple):
    """A row written in bold: a title line, or a section's header inside a sheet's rows."""


@dataclass
class Sheet:
    title: str
    rows: Iterable[Sequence] = ()
    header: Sequence = ()
    # Column widths in characters, from the first column.
    widths: Sequence[float] = ()
    # The header in white on the house red (a template people fill in), not just bold.
    banner: bool = False
    # 0-based columns formatted as text, so Excel keeps ID and phone numbers whole.
    text_columns: frozenset[int] = frozenset()
    # Empty rows appended after the data carrying the text format (a template to fill in).
    blank_rows: int = 0
    wrap: bool = False
    validations: Sequence[DataValidation] = field(default_factory=tuple)


def _cell(sheet, value, *, font=None, fill=None, alignment=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _styled(sheet, spec: Sheet, values: Sequence) -> list:
    if isinstance(values, Bold):
        return [_cell(sheet, _plain(v), font=_BOLD) for v in values]
    if not spec.text_columns and not spec.wrap:
        return [_plain(v) for v in values]
    return [
        _cell(
            sheet,
            _plain(v),
            number_format="@" if (spec.wrap or i in spec.text_columns) else None,
            alignment=_WRAP if spec.wrap else None,
        )
        for i, v in enumerate(values)
    ]


def _plain(value):
    """Lazy translations and other objects become text; numbers and None stay as they are."""
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def write_workbook(
    sheets: Sequence[Sheet], target, *, progress: Callable[[int], None] | None = None
) -> int:
    """Write `sheets` to `target` (a path or a binary file) and answer the data rows written.

    `progress(rows)` is called every PROGRESS_EVERY data rows, for a job to report how far it is.
    """
    book = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        sheet = book.create_sheet(str(spec.title)[:MAX_TITLE])
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for validation in spec.validations:
            sheet.data_validations.append(validation)
        if spec.header:
            sheet.freeze_panes = "A2"
            style = (
                {"font": _BANNER_FONT, "fill": _BANNER_FILL, "alignment": _CENTRE}
                if spec.banner
                else {"font": _BOLD}
            )
            sheet.append([_cell(sheet, _plain(v), **style) for v in spec.header])
        for values in spec.rows:
            sheet.append(_styled(sheet, spec, values))
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
        width = len(spec.header)
        for _row in range(spec.blank_rows):
            sheet.append(
                [
                    _cell(sheet, None, number_format="@" if i in spec.text_columns else None)
                    for i in range(width)
                ]
            )
    book.save(target)
    return written


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as bytes, for a small export answered in the request itself."""
    out = io.BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()
