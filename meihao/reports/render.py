"""A report's content rendered three ways: PDF (charts drawn server-side by reportlab.graphics),
Word (python-docx: headings, paragraphs, tables) and the Excel appendix (core.excel: the
figures, then one sheet of records behind each figure).

The Word file holds the same text and tables as the PDF but not the charts (reportlab's PNG
renderer needs a backend this product does not ship); it says so where the charts would be.
"""

import io
from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from meihao.core.excel import Bold, Sheet
from meihao.core.pdf import MARGIN, chinese_font
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.selectors import record_headers, record_rows
from meihao.places.models import Place
from meihao.reports.content import Chart, Content

RED = colors.HexColor("#C8102E")
CHUNK = 2000


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontSize=20, leading=28, alignment=TA_CENTER, textColor=RED
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER),
        "h1": ParagraphStyle(
            "h1", parent=body, fontSize=15, leading=22, spaceBefore=8, spaceAfter=6, textColor=RED
        ),
        "h2": ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=6),
        "body": ParagraphStyle("body2", parent=body, firstLineIndent=22, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11),
    }


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chart(chart: Chart, font: str) -> Drawing:
    width, height = A4[0] - 2 * MARGIN, 190
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, chart.title, fontName=font, fontSize=10))
    values = [v if v is not None else 0 for v in chart.values]
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y, plot.width, plot.height = 36, 40, width - 50, height - 70
    plot.data = [values]
    plot.categoryAxis.categoryNames = [label[:8] for label in chart.labels]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30 if len(chart.labels) > 6 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.labels) > 6 else "n"
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    top = max(values) if values else 0
    plot.valueAxis.valueMax = 100 if chart.unit == "%" else max(top * 1.15, 1)
    if chart.kind == "bar":
        plot.bars[0].fillColor = RED
        plot.bars[0].strokeColor = None
    else:
        plot.lines[0].strokeColor = RED
        plot.lines[0].strokeWidth = 2
    drawing.add(plot)
    return drawing


def _table(header: list, rows: list[list], styles) -> Table:
    data = [[Paragraph(_escape(c), styles["cell"]) for c in header]]
    data += [[Paragraph(_escape(c), styles["cell"]) for c in row] for row in rows]
    width = A4[0] - 2 * MARGIN
    first = width * 0.4 if len(header) > 2 else width * 0.5
    rest = (width - first) / max(1, len(header) - 1)
    table = Table(data, colWidths=[first] + [rest] * (len(header) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F6E3E5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def pdf_bytes(content: Content) -> bytes:
    font = chinese_font()
    styles = _styles(font)
    story: list = [
        Spacer(1, 30 * mm),
        Paragraph(_escape(content.title), styles["title"]),
        Spacer(1, 6 * mm),
        Paragraph(_escape(_period_line(content)), styles["subtitle"]),
        Paragraph(
            _escape(_("Generated %(when)s") % {"when": content.generated_at}), styles["subtitle"]
        ),
        Spacer(1, 12 * mm),
        Paragraph(_escape(_("Summary")), styles["h1"]),
    ]
    story += [Paragraph(_escape(text), styles["body"]) for text in content.summary]
    story.append(Paragraph(_escape(_source_note()), styles["small"]))
    for index, chapter in enumerate(content.chapters, start=1):
        story.append(PageBreak())
        story.append(Paragraph(_escape(f"{_chapter_number(index)} {chapter.title}"), styles["h1"]))
        story += [Paragraph(_escape(text), styles["body"]) for text in chapter.sentences]
        for chart in chapter.charts:
            story += [Spacer(1, 4 * mm), _chart(chart, font)]
        for table in chapter.tables:
            story.append(
                KeepTogether(
                    [
                        Paragraph(_escape(table.title), styles["h2"]),
                        Spacer(1, 2 * mm),
                        _table(table.header, table.rows, styles),
                    ]
                )
                if len(table.rows) < 20
                else _table(table.header, table.rows, styles)
            )

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        page = _("Page %(n)s") % {"n": document.page}
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{content.title} · {page}")
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=content.title,
        author=_("Meihao"),
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _chapter_number(index: int) -> str:
    return _("Chapter %(n)s") % {"n": index}


def _period_line(content: Content) -> str:
    return _("Period: %(first)s to %(last)s; compared with %(pfirst)s to %(plast)s") % {
        "first": content.first_day.isoformat(),
        "last": content.last_day.isoformat(),
        "pfirst": content.previous_first.isoformat(),
        "plast": content.previous_last.isoformat(),
    }


def _source_note() -> str:
    return _(
        "Every figure is a registered indicator computed from its records; the Excel "
        "appendix lists the records behind each one."
    )


def docx_bytes(content: Content) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Noto Sans SC"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans SC")
    document.core_properties.title = content.title
    document.add_heading(content.title, level=0)
    document.add_paragraph(_period_line(content))
    document.add_paragraph(_("Generated %(when)s") % {"when": content.generated_at})
    document.add_paragraph(_("Summary"), style="Intense Quote")
    for text in content.summary:
        document.add_paragraph(text)
    document.add_paragraph(_source_note())
    for index, chapter in enumerate(content.chapters, start=1):
        document.add_page_break()
        document.add_heading(f"{_chapter_number(index)} {chapter.title}", level=1)
        for text in chapter.sentences:
            document.add_paragraph(text)
        if chapter.charts:
            document.add_paragraph(
                _("The charts of this chapter are in the PDF edition of the report.")
            )
        for table in chapter.tables:
            document.add_heading(table.title, level=2)
            grid = document.add_table(rows=1, cols=len(table.header))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
                cell.text = str(text)
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = str(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def appendix_sheets(content: Content, place: Place) -> list[Sheet]:
    """The figures, then one sheet for each figure that counted records: those records, with
    the indicator's own columns (as the indicator page's Excel export writes them)."""
    sheets = [
        Sheet(
            _("Figures"),
            _figure_rows(content),
            header=[
                _("Chapter"),
                _("Indicator"),
                _("Value"),
                _("Numerator"),
                _("Denominator"),
                pgettext("report figures", "Previous"),
                pgettext("report figures", "Records"),
            ],
        )
    ]
    for chapter in content.chapters:
        for table in chapter.tables:
            sheets.append(
                Sheet(_sheet_title(len(sheets), table.title), table.rows, header=table.header)
            )
    span = Span.of(place.path, content.first_day, content.last_day)
    for figure in content.figures:
        if not figure.measure.value and not figure.measure.denominator:
            continue
        indicator = REGISTRY[figure.code]
        sheets.append(
            Sheet(
                _sheet_title(len(sheets), figure.name),
                _records(indicator, span),
                header=record_headers(indicator),
            )
        )
    return sheets


def _figure_rows(content: Content) -> Iterator:
    for chapter in content.chapters:
        yield Bold([chapter.title])
        for f in chapter.figures:
            yield [
                chapter.title,
                f.name,
                f.measure.value,
                f.measure.numerator,
                f.measure.denominator,
                f.previous.value,
                f.link,
            ]


def _records(indicator, span) -> Iterator:
    records = indicator.records(span).iterator(chunk_size=CHUNK)
    while chunk := list(islice(records, CHUNK)):
        for row in record_rows(indicator, chunk):
            yield row["cells"]


def _sheet_title(index: int, title: str) -> str:
    # Excel refuses a title over 31 characters, a repeated one, and []:*?/\ in it.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title))
    return f"{index:02d} {cleaned}"[:31]
