"""The electronic document as a PDF (电子证明): one A4 page drawn from the document's stored
content with ReportLab and the kit's `core.pdf` (the Chinese font embedded).

The watermark says what the document may be used for and until when; the QR code holds the
absolute address of the public verify page with the content hash, which is printed in full too,
so a reader without a phone can type it.
"""

import io

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from meihao.core.pdf import chinese_font, qr_drawing, watermark, wrap
from meihao.egov.models import IssuedDocument

QR_SIZE = 38 * mm
MARGIN = 25 * mm


def usage_line(document: IssuedDocument) -> str:
    return _("For %(purpose)s only · valid until %(until)s") % {
        "purpose": document.purpose,
        "until": document.content["valid_until"],
    }


def statement(content: dict) -> str:
    holder = content["holder"]
    if content["id_number"]:
        holder = _("%(name)s (citizen ID number %(id)s)") % {
            "name": holder,
            "id": content["id_number"],
        }
    return _(
        "This is to certify that the application of %(holder)s for “%(item)s” (application "
        "number %(application)s) was examined by %(issuer)s and approved on %(decided_on)s."
    ) % {**content, "holder": holder}


def document_pdf(document: IssuedDocument, *, verify_url: str) -> bytes:
    """Title, serial, the statement, validity and use, issuer and date, QR code and hash."""
    content = document.content
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    page.setTitle(content["title"])
    page.setSubject(content["serial"])
    page.setAuthor(content["issuer"])

    watermark(page, usage_line(document), width=width, height=height)
    page.setLineWidth(1.5)
    page.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    page.setFont(font, 24)
    page.drawCentredString(width / 2, height - 48 * mm, content["title"])
    page.setFont(font, 11)
    page.drawRightString(
        width - MARGIN, height - 60 * mm, _("No. %(number)s") % {"number": content["serial"]}
    )

    y = height - 80 * mm
    size = 14
    page.setFont(font, size)
    for line in wrap(statement(content), font, size, width - 2 * MARGIN):
        page.drawString(MARGIN, y, line)
        y -= size * 1.8

    y -= 6 * mm
    page.setFont(font, 12)
    for label, value in (
        (_("May be used for"), content["purpose"]),
        (_("Validity"), f"{content['valid_from']} – {content['valid_until']}"),
    ):
        page.drawString(MARGIN, y, f"{label}：{value}")
        y -= 12 * 1.9

    page.setFont(font, 14)
    page.drawRightString(width - MARGIN, 100 * mm, content["issuer"])
    page.drawRightString(width - MARGIN, 90 * mm, content["valid_from"])

    renderPDF.draw(qr_drawing(verify_url, QR_SIZE), page, MARGIN, 28 * mm)
    left = MARGIN + QR_SIZE + 5 * mm
    page.setFont(font, 9)
    page.drawString(left, 58 * mm, _("Scan to check this document, or open:"))
    page.setFont(font, 7)
    for index, line in enumerate(wrap(verify_url, font, 7, width - MARGIN - left)):
        page.drawString(left, 53 * mm - index * 9, line)
    page.setFont(font, 9)
    page.drawString(left, 40 * mm, _("Content hash (SHA-256):"))
    page.setFont("Courier", 8)
    page.drawString(left, 35 * mm, document.content_hash[:32])
    page.drawString(left, 31 * mm, document.content_hash[32:])
    page.showPage()
    page.save()
    return buffer.getvalue()
