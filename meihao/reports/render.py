"""A report's content rendered three ways: PDF (charts drawn server-side by reportlab.graphics),
Word (python-docx: headings, paragraphs, the same charts as pictures, tables) and the Excel
appendix (core.excel: the figures, then one sheet of records behind each figure).

A chart is built once (`_chart`, a reportlab Drawing): the PDF draws it as vectors, the Word
file holds it as a PNG rasterised from the same drawing (`core.pdf.drawing_png`).
"""

import io
from collections.abc import Iterator

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from meihao.core.excel import Bold, Sheet
from meihao.core.pdf import MARGIN, chinese_font, drawing_png
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.selectors import record_cells, record_headers
from meihao.places.models import Place
from meihao.reports.content import Chart, Content, chinese, number, paragraph

RED = colors.HexColor("#C8102E")
HEADER_FILL = colors.HexColor("#F6E3E5")
CHUNK = 2000
CHINESE_NUMERALS = "一二三四五六七八九十"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontSize=20, leading=28, alignment=TA_CENTER, textColor=RED
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontSize=15,
            leading=22,
            spaceBefore=8,
            spaceAfter=6,
            textColor=RED,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontSize=12, leading=18, spaceBefore=6, keepWithNext=1
        ),
        "body": ParagraphStyle("body2", parent=body, firstLineIndent=22, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
        "number": ParagraphStyle("number", parent=body, fontSize=9, leading=12, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11),
    }


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chart(chart: Chart, font: str) -> Drawing:
    """The chart as a drawing the width of the page's text: drawn by the PDF, rasterised for
    the Word file (`_chart_png`). A value missing (a place with nothing to rate) is a gap,
    never a zero."""
    width, height = A4[0] - 2 * MARGIN, 190
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, chart.title, fontName=font, fontSize=10))
    known = [v for v in chart.values if v is not None]
    crowded = len(chart.labels) > 6
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y, plot.width, plot.height = 36, 40, width - 50, height - 70
    plot.data = [list(chart.values)]
    plot.categoryAxis.categoryNames = [label[:8] for label in chart.labels]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30 if crowded else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if crowded else "n"
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    plot.valueAxis.valueMax = 100 if chart.unit == "%" else max(max(known, default=0) * 1.15, 1)
    plot.valueAxis.visibleGrid = True
    plot.valueAxis.gridStrokeColor = colors.HexColor("#E0E0E0")
    plot.valueAxis.gridStrokeWidth = 0.4
    if chart.kind == "bar":
        plot.bars[0].fillColor = RED
        plot.bars[0].strokeColor = None
        plot.barWidth = 10
        plot.groupSpacing = 10 if len(chart.labels) < 8 else 4
        plot.barLabelFormat = number
        plot.barLabels.fontName = font
        plot.barLabels.fontSize = 7
        plot.barLabels.nudge = 6
    else:
        plot.lines[0].strokeColor = RED
        plot.lines[0].strokeWidth = 1.6
        plot.lines[0].symbol = makeMarker("FilledCircle", size=3.5, fillColor=RED)
        plot.lineLabelFormat = number
        plot.lineLabels.fontName = font
        plot.lineLabels.fontSize = 6.5
        plot.lineLabels.dy = 6
    drawing.add(plot)
    return drawing


def _chart_png(chart: Chart) -> tuple[bytes, float]:
    """The chart for the Word file: the PDF's drawing as a PNG, and its width in points."""
    drawing = _chart(chart, chinese_font())
    return drawing_png(drawing), drawing.width


def _table(header: list, rows: list[list], styles) -> Table:
    # The first column names the row; the others hold figures, set right as numbers are.
    def cells(row):
        return [
            Paragraph(_escape(c), styles["number"] if i else styles["cell"])
            for i, c in enumerate(row)
        ]

    data = [cells(header)] + [cells(row) for row in rows]
    width = A4[0] - 2 * MARGIN
    first = width * 0.4 if len(header) > 2 else width * 0.5
    rest = (width - first) / max(1, len(header) - 1)
    table = Table(data, colWidths=[first] + [rest] * (len(header) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
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
        Paragraph(_escape(_generated_line(content)), styles["subtitle"]),
        Spacer(1, 12 * mm),
        Paragraph(_escape(_overview()), styles["h1"]),
        Paragraph(_escape(paragraph(content.summary)), styles["body"]),
        Paragraph(_escape(_source_note()), styles["small"]),
    ]
    for index, chapter in enumerate(content.chapters, start=1):
        # The chapters run on after the cover's page, a chapter starting on a new page only
        # when less than a third of one is left.
        story.append(PageBreak() if index == 1 else CondPageBreak(A4[1] / 3))
        story.append(Paragraph(_escape(_chapter_heading(index, chapter.title)), styles["h1"]))
        for text in _chapter_paragraphs(chapter):
            story.append(Paragraph(_escape(text), styles["body"]))
        for chart in chapter.charts:
            story += [Spacer(1, 4 * mm), _chart(chart, font)]
        for table in chapter.tables:
            # A short table is never split across pages; a long one runs on, its header row
            # repeated, its title kept with its first rows.
            parts = [
                Paragraph(_escape(table.title), styles["h2"]),
                Spacer(1, 2 * mm),
                _table(table.header, table.rows, styles),
            ]
            story += [KeepTogether(parts)] if len(table.rows) < 20 else parts

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


def _chapter_heading(index: int, title: str) -> str:
    # 第一章 in Chinese, as a Chinese report numbers its chapters; Chapter 1 in English.
    numeral = CHINESE_NUMERALS[index - 1] if chinese() and index <= 10 else index
    return _("Chapter %(n)s") % {"n": numeral} + " " + title


def _chapter_paragraphs(chapter) -> list[str]:
    return [paragraph(chapter.sentences), *chapter.remarks]


def _overview() -> str:
    return pgettext("report section", "Overview")


def _period_line(content: Content) -> str:
    return _("Period: %(first)s to %(last)s; compared with %(pfirst)s to %(plast)s") % {
        "first": date_format(content.first_day),
        "last": date_format(content.last_day),
        "pfirst": date_format(content.previous_first),
        "plast": date_format(content.previous_last),
    }


def _generated_line(content: Content) -> str:
    return _("Generated %(when)s") % {"when": date_format(content.generated_at, "DATETIME_FORMAT")}


def _source_note() -> str:
    return _(
        "Every figure is a registered indicator computed from its records; the Excel "
        "appendix lists the records behind each one."
    )


def docx_bytes(content: Content) -> bytes:
    document = Document()
    # A4 with the PDF's margins (python-docx's template is US Letter), so a chart as wide as
    # the PDF's text fills the Word page's text width too.
    section = document.sections[0]
    section.page_width, section.page_height = Pt(A4[0]), Pt(A4[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(MARGIN))
    _docx_styles(document)
    document.core_properties.title = content.title
    document.core_properties.author = _("Meihao")
    document.add_paragraph(content.title, style="Title")
    for line in (_period_line(content), _generated_line(content)):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(_overview(), level=1)
    document.add_paragraph(paragraph(content.summary), style="Body Text")
    document.add_paragraph(_source_note(), style="Caption")
    document.add_page_break()  # the chapters run on after the cover's page, as in the PDF
    for index, chapter in enumerate(content.chapters, start=1):
        document.add_heading(_chapter_heading(index, chapter.title), level=1)
        for text in _chapter_paragraphs(chapter):
            document.add_paragraph(text, style="Body Text")
        for chart in chapter.charts:
            png, width = _chart_png(chart)
            document.add_picture(io.BytesIO(png), width=Pt(width))
        for table in chapter.tables:
            document.add_heading(table.title, level=2)
            _docx_table(document, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_styles(document) -> None:
    """The PDF's look in Word: the embedded font's family (Latin and East Asian), red
    headings, a centred title without the template's blue rule, body paragraphs indented two
    characters."""
    red = RGBColor.from_string(RED.hexval()[2:])
    for name, size, colour, bold in (
        ("Normal", 11, None, False),
        ("Title", 20, red, False),
        ("Heading 1", 15, red, True),
        ("Heading 2", 12, None, True),
        ("Body Text", 11, None, False),
        ("Caption", 8, None, False),
    ):
        style = document.styles[name]
        style.font.name = "Noto Sans SC"
        style.font.size = Pt(size)
        style.font.color.rgb = colour if colour is not None else RGBColor(0, 0, 0)
        style.font.italic = False
        style.font.bold = bold
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), "Noto Sans SC")
        # The template's theme fonts would win over the names set here.
        for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{theme}"), None)
    title = document.styles["Title"]
    for rule in title.element.pPr.findall(qn("w:pBdr")):
        title.element.pPr.remove(rule)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(120)
    title.paragraph_format.space_after = Pt(18)
    body = document.styles["Body Text"].paragraph_format
    body.first_line_indent = Pt(22)
    body.line_spacing = 1.5


def _docx_table(document, table) -> None:
    """The table as the PDF sets it: a shaded bold header row, figures set right."""
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        _shade(cell)
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = str(text)
    for row in grid.rows:
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _shade(cell) -> None:
    """The header row's fill, as in the PDF's tables."""
    shading = cell._tc.get_or_add_tcPr().makeelement(
        qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "F6E3E5"}
    )
    cell._tc.get_or_add_tcPr().append(shading)


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
    return record_cells(indicator, indicator.records(span))


def _sheet_title(index: int, title: str) -> str:
    # Excel refuses a title over 31 characters, a repeated one, and []:*?/\ in it.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title))
    return f"{index:02d} {cleaned}"[:31]
