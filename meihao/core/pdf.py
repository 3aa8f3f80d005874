"""The PDF kit (ReportLab): the Chinese font, wrapping Chinese text, watermarks, QR codes and a
drawing (a chart) as a PNG for documents that are not PDF.

Chinese text is drawn in Noto Sans SC (SIL Open Font License, from the npm registry; `make assets`
puts it in `core/fonts/`). ReportLab embeds the subset of glyphs a document uses, a few kilobytes,
so the document prints the same on a phone with no Chinese font and in an archive years later;
a font the reader had to supply (the CID fonts) would be drawn in whatever it substitutes.
"""

import io
import threading
from pathlib import Path

import pypdfium2
from django.core.exceptions import ImproperlyConfigured
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import paragraph as _paragraph

# ReportLab's CJK line breaking (Paragraph with wordWrap="CJK") hangs a character that may not
# begin a line in the margin, but its list is Japanese typography's: it lacks the full-width
# comma, semicolon, colon, question and exclamation marks and percent sign of Chinese text,
# so a line of a report could begin with "，". Added once, for every paragraph of the process.
CHINESE_CANNOT_START = "，；：？！％"
for _module in (_paragraph, _textsplit):
    _module.ALL_CANNOT_START += "".join(
        c for c in CHINESE_CANNOT_START if c not in _module.ALL_CANNOT_START
    )

FONT = "NotoSansSC"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular.ttf"
_registering = threading.Lock()
# PDFium is not thread-safe, and the worker runs its jobs in threads: one rendering at a time.
_rasterising = threading.Lock()


def chinese_font() -> str:
    """The registered name of the embedded Chinese font (read from disk once per process)."""
    with _registering:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            if not FONT_FILE.is_file():
                raise ImproperlyConfigured(f"{FONT_FILE} is missing: run `make assets`.")
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


def watermark(page: Canvas, text: str, *, width: float, height: float) -> None:
    """`text` repeated diagonally across the page in light grey, under what is drawn next: it
    says on every part of a printed copy what the document may be used for."""
    font, size = chinese_font(), 16
    step = pdfmetrics.stringWidth(text, font, size) + 60
    page.saveState()
    page.setFillColorRGB(0.82, 0.82, 0.82)
    page.setFont(font, size)
    page.translate(width / 2, height / 2)
    page.rotate(35)
    reach = int((width**2 + height**2) ** 0.5)
    for y in range(-reach // 2, reach // 2, 90):
        x = -reach / 2 + (y // 90 % 2) * step / 2
        while x < reach / 2:
            page.drawString(x, y, text)
            x += step
    page.restoreState()


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break Chinese (or mixed) text into lines that fit `width`, character by character."""
    lines, line = [], ""
    for char in text:
        if char == "\n" or pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = "" if char == "\n" else char
        else:
            line += char
    if line:
        lines.append(line)
    return lines


def qr_drawing(url: str, size: float) -> Drawing:
    """A QR code of `url`, `size` points square, to draw with renderPDF.draw."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return drawing


def drawing_png(drawing: Drawing, *, dpi: int = 200) -> bytes:
    """`drawing` as a PNG image, `dpi` dots per inch on a white ground: rendered to a one-page
    PDF by ReportLab, as the PDF documents draw it (Chinese in the embedded font), then
    rasterised by PDFium. ReportLab's own bitmap renderer needs a Cairo backend the product
    does not ship; this way a chart is built once and looks the same in the PDF and the Word
    file."""
    pdf = renderPDF.drawToString(drawing)
    with _rasterising:
        document = pypdfium2.PdfDocument(pdf)
        try:
            image = document[0].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True, dpi=(dpi, dpi))
    return out.getvalue()


MARGIN = 22 * mm
BODY = 12
LEADING = BODY * 1.7


class PageWriter:
    """Lines of text down an A4 page, onto a new page when the page is full (a document of
    paragraphs and headings: an agreement, a record book)."""

    def __init__(self, page, font):
        self.page, self.font = page, font
        self.width, self.height = A4
        self.y = self.height - MARGIN

    def room(self, needed: float) -> None:
        if self.y - needed < MARGIN:
            self.page.showPage()
            self.y = self.height - MARGIN

    def paragraph(self, text: str, *, size: float = BODY, indent: float = 0) -> None:
        self.page.setFont(self.font, size)
        for line in wrap(text, self.font, size, self.width - 2 * MARGIN - indent):
            self.room(size * 1.7)
            self.page.drawString(MARGIN + indent, self.y, line)
            self.y -= size * 1.7

    def heading(self, text: str) -> None:
        self.y -= 4
        self.room(LEADING * 2)
        self.paragraph(text, size=BODY + 1)

    def gap(self, points: float) -> None:
        self.y -= points
