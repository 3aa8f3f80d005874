"""Writing Excel workbooks: the one helper every export uses.

Community workers keep their 台账 in Excel, so every list that leaves the product leaves as
.xlsx. The workbook is written here, as its XML parts streamed into the zip: a row is text
once written, so a city's 600,000-row appendix holds one batch of rows in memory, and a cell
costs a tenth of what openpyxl's or XlsxWriter's cell objects do (measured on a report's
appendix; openpyxl still reads the imports). Only what the exports use is written: text,
numbers and yes/no, bold rows, a banner header, text-formatted and wrapped columns, column
widths, the header's frozen pane and drop-down lists.

A workbook is a list of `Sheet`s; a row is a sequence of values, or a `Bold` row (a title or a
section's header inside the rows). `Sheet.header` is the bold header row with the panes frozen
below it. Text is written as text: a value starting with "=" is not a formula.
"""

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses a sheet title longer than this, and a cell's text longer than MAX_TEXT.
MAX_TITLE = 31
MAX_TEXT = 32767
# The rows a sheet holds: a longer list (a city's year of service records) ends in a note of the
# rows left out, not in a file Excel refuses to open.
MAX_ROWS = 1_048_576
# How often (in rows) `progress` is told how far the writing has got.
PROGRESS_EVERY = 500
# Rows joined into one write to the zip.
BATCH = 500


class Bold(tuple):
    """A row written in bold: a title line, or a section's header inside a sheet's rows."""


@dataclass(frozen=True)
class Choice:
    """Cells (a range such as "B2:B1001") filled in from a drop-down of `values` (or left
    empty)."""

    cells: str
    values: Sequence[str]


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
    validations: Sequence[Choice] = ()


# The cell formats, by their index in STYLES' cellXfs.
PLAIN, BOLD, BANNER, TEXT, WRAPPED = range(5)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    f'<fonts count="3"><font>{_FONT}</font><font><b/>{_FONT}</font>'
    f'<font><b/><color rgb="FFFFFFFF"/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFC8102E"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"'
    ' applyAlignment="1"><alignment horizontal="center"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"'
    ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
# Characters XML 1.0 cannot hold (openpyxl refused the whole workbook for one of them).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TITLE_REFUSED = re.compile(r"[\[\]:*?/\\]")


def _text(value: str) -> str:
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if _UNWRITABLE.search(value):
        value = _UNWRITABLE.sub("", value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{escape(value)}</t>'
    return f"<t>{escape(value)}</t>"


def _cell(ref: str, value, style: int) -> str:
    """One cell's XML: text inline, numbers as numbers, yes/no as booleans; an empty cell is
    written only to carry its format."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if value is True or value is False:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{int(value)}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'
    # Lazy translations and any other object are written as their text.
    text = value if isinstance(value, str) else str(value)
    return f'<c r="{ref}"{s} t="inlineStr"><is>{_text(text)}</is></c>'


class _Columns:
    """The column letters (A, B, … AA), worked out once per column."""

    def __init__(self):
        self.letters: list[str] = []

    def __getitem__(self, index: int) -> str:
        while len(self.letters) <= index:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters[index]


def _row(
    number: int, values: Sequence, styles: Sequence[int], letters: _Columns, rest: int = PLAIN
) -> str:
    """Row `number` (1-based): each value in the style of its column, `rest` past the last."""
    last = len(styles)
    cells = "".join(
        _cell(f"{letters[i]}{number}", value, styles[i] if i < last else rest)
        for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def _sheet_head(spec: Sheet, selected: bool) -> str:
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if spec.header
        else ""
    )
    tab = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(spec.widths, start=1)
    )
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'
        f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def _sheet_tail(spec: Sheet) -> str:
    rules = "".join(
        '<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"'
        f" sqref={quoteattr(choice.cells)}>"
        f"<formula1>{escape(_list_formula(choice.values))}</formula1></dataValidation>"
        for choice in spec.validations
    )
    validations = (
        f'<dataValidations count="{len(spec.validations)}">{rules}</dataValidations>'
        if rules
        else ""
    )
    return (
        f"</sheetData>{validations}"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )


def _list_formula(values: Sequence[str]) -> str:
    return '"' + ",".join(str(v).replace('"', '""') for v in values) + '"'


def _write_sheet(stream, spec: Sheet, *, selected: bool, counted: Callable[[], None]) -> None:
    letters = _Columns()
    stream.write(_sheet_head(spec, selected).encode())
    number = 0
    if spec.header:
        number = 1
        stream.write(_row(1, spec.header, (), letters, BANNER if spec.banner else BOLD).encode())
    text = [TEXT if i in spec.text_columns else PLAIN for i in range(_text_width(spec))]
    styles, rest = ((), WRAPPED) if spec.wrap else (text, PLAIN)
    batch: list[str] = []
    rows = iter(spec.rows)
    for values in rows:
        if number == MAX_ROWS - 1:
            left = 1 + sum(1 for _row_left in rows)
            note = _(
                "%(count)s more rows are not in this sheet: Excel holds %(most)s rows a sheet."
            )
            note %= {"count": f"{left:,}", "most": f"{MAX_ROWS:,}"}
            stream.write(
                ("".join(batch) + _row(MAX_ROWS, Bold([note]), (), letters, BOLD)).encode()
            )
            stream.write(_sheet_tail(spec).encode())
            return
        number += 1
        if isinstance(values, Bold):
            batch.append(_row(number, values, (), letters, BOLD))
        else:
            batch.append(_row(number, values, styles, letters, rest))
        counted()
        if len(batch) == BATCH:
            stream.write("".join(batch).encode())
            batch.clear()
    blank = [None] * len(text)
    for _blank in range(spec.blank_rows):
        number += 1
        batch.append(_row(number, blank, text, letters))
    stream.write(("".join(batch) + _sheet_tail(spec)).encode())


def _text_width(spec: Sheet) -> int:
    return max(spec.text_columns, default=-1) + 1


def _titles(sheets: Sequence[Sheet]) -> list[str]:
    """Titles Excel takes: at most 31 characters, none of []:*?/\\, each once (a repeated one
    numbered)."""
    seen: set[str] = set()
    titles = []
    for index, spec in enumerate(sheets, start=1):
        title = _TITLE_REFUSED.sub(" ", str(spec.title)).strip("'")[:MAX_TITLE] or f"Sheet{index}"
        if title.casefold() in seen:
            suffix = f" ({index})"
            title = title[: MAX_TITLE - len(suffix)] + suffix
        seen.add(title.casefold())
        titles.append(title)
    return titles


def _package(archive: zipfile.ZipFile, titles: list[str]) -> None:
    """The parts around the sheets: content types, relationships, the workbook, styles."""
    count = len(titles)
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    archive.writestr(
        "[Content_Types].xml",
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        f"{sheet_types}</Types>",
    )
    archive.writestr("_rels/.rels", _ROOT_RELS)
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
        for i, title in enumerate(titles, start=1)
    )
    archive.writestr(
        "xl/workbook.xml",
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
        f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>",
    )
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">{links}'
        f'<Relationship Id="rId{count + 1}" Type="{_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>",
    )
    archive.writestr("xl/styles.xml", STYLES)


def write_workbook(
    sheets: Sequence[Sheet],
    target: str | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `sheets` to `target` (a path or a binary file) and answer the data rows written.

    `progress(rows)` is called every PROGRESS_EVERY data rows, for a job to report how far it is.
    """
    written = 0

    def counted() -> None:
        nonlocal written
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)

    titles = _titles(sheets)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        _package(archive, titles)
        for index, spec in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w") as stream:
                _write_sheet(stream, spec, selected=index == 1, counted=counted)
    return written


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as bytes, for a small export answered in the request itself."""
    out = io.BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()
