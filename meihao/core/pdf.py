"""The PDF kit (ReportLab): the Chinese font, wrapping Chinese text, and QR codes.

Chinese text uses ReportLab's built-in CID font STSong-Light: PDF readers supply the glyphs, so
no font file is needed on the server.
"""

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"


def chinese_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


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
