"""A material's blank form (空白表格) as a printable A4 PDF: what the applicant fills in by hand
when the guide asks for a written application, a declaration or an authorisation.

The form is drawn from the catalogue itself (the material's and the item's names, the
competent department, the guide's short link), so every item that marks a material as having a
form offers one without files to upload and keep in step with the guide.
"""

import io

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from meihao.catalogue.models import Material, ServiceItem
from meihao.core.pdf import chinese_font, qr_drawing, wrap

QR_SIZE = 22 * mm
ROW = 11 * mm


def _rows() -> list[tuple[str, str]]:
    """The applicant's particulars: two labels a row."""
    return [
        (_("Name"), _("Gender")),
        (_("ID-card number"), _("Mobile number")),
        (_("Registered residence"), ""),
        (_("Current address"), ""),
    ]


def blank_form_pdf(item: ServiceItem, material: Material, *, guide_url: str) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    page.setTitle(material.name)
    page.setSubject(item.name)
    page.setAuthor(item.department.name)

    page.setFont(font, 18)
    y = height - 28 * mm
    for line in wrap(material.name, font, 18, right - left):
        page.drawCentredString(width / 2, y, line)
        y -= 9 * mm
    page.setFont(font, 10)
    page.drawCentredString(width / 2, y, _("For: %(item)s") % {"item": item.name})
    y -= 10 * mm

    # The particulars, a ruled table of label and blank cells.
    page.setLineWidth(0.8)
    label_width, half = 32 * mm, (right - left) / 2
    page.setFont(font, 11)
    for first, second in _rows():
        page.rect(left, y - ROW, right - left, ROW)
        page.drawString(left + 2 * mm, y - ROW + 4 * mm, first)
        page.line(left + label_width, y, left + label_width, y - ROW)
        if second:
            page.line(left + half, y, left + half, y - ROW)
            page.line(left + half + label_width, y, left + half + label_width, y - ROW)
            page.drawString(left + half + 2 * mm, y - ROW + 4 * mm, second)
        y -= ROW
    # The matter itself: what is applied for, declared or authorised, in the applicant's words.
    box = 95 * mm
    page.rect(left, y - box, right - left, box)
    page.drawString(left + 2 * mm, y - 6 * mm, _("Details (the matter, reasons, family members):"))
    y -= box + 12 * mm

    page.drawString(left, y, _("I declare that what I have written is true and complete."))
    y -= 14 * mm
    page.drawString(left, y, _("Applicant (signature):"))
    page.drawString(left + half, y, _("Date:"))

    renderPDF.draw(qr_drawing(guide_url, QR_SIZE), page, left, 18 * mm)
    page.setFont(font, 8)
    text_left = left + QR_SIZE + 4 * mm
    page.drawString(
        text_left,
        34 * mm,
        _("Form of %(department)s, for the guide below.") % {"department": item.department.name},
    )
    page.drawString(text_left, 29 * mm, _("Scan to read the guide: %(url)s") % {"url": guide_url})
    page.drawString(text_left, 24 * mm, _("Consultation phone: %(phone)s") % {"phone": item.phone})
    page.showPage()
    page.save()
    return buffer.getvalue()
