"""The PDF kit: a drawing rasterised for a Word file draws Chinese in the embedded font; Chinese
paragraphs break lines as Chinese typesetting does."""

import io

from PIL import Image
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from meihao.core.pdf import chinese_font, drawing_png


def _text(text: str) -> Image.Image:
    drawing = Drawing(120, 40)
    drawing.add(String(10, 15, text, fontName=chinese_font(), fontSize=20))
    return Image.open(io.BytesIO(drawing_png(drawing, dpi=144)))


def test_a_drawing_becomes_a_png_of_its_size_at_the_resolution_asked():
    drawing = Drawing(100, 50)
    drawing.add(Rect(0, 0, 50, 50, fillColor="#C8102E", strokeColor=None))
    image = Image.open(io.BytesIO(drawing_png(drawing, dpi=144)))
    assert image.format == "PNG" and image.size == (200, 100)
    # The rectangle in its colour on the left, the white ground on the right.
    assert image.getpixel((50, 50)) == (0xC8, 0x10, 0x2E)
    assert image.getpixel((150, 50)) == (255, 255, 255)


def test_chinese_is_drawn_in_glyphs_not_boxes():
    # Missing glyphs would all be the same empty box: the two orders would look the same.
    one, other = _text("治理"), _text("理治")
    assert one.convert("L").getextrema()[0] < 80  # dark ink on the white ground
    assert one.tobytes() != other.tobytes()


def test_no_line_of_a_chinese_paragraph_begins_with_a_full_width_comma():
    style = ParagraphStyle("t", fontName=chinese_font(), fontSize=10, leading=14, wordWrap="CJK")
    # Nine characters fill the line; the comma after them hangs in the margin.
    paragraph = Paragraph("甲" * 9 + "，" + "乙" * 20, style)
    paragraph.wrap(90.5, 1000)
    lines = ["".join(words) for _extra, words in paragraph.blPara.lines]
    assert lines[0] == "甲" * 9 + "，"
    assert not any(line.startswith(("，", "；", "：")) for line in lines)
