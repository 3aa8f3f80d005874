"""The certificate as a PDF (志愿服务证明), drawn with ReportLab and the kit's `core.pdf`.

The QR code holds the absolute address of the public verification page.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from meihao.core.pdf import chinese_font, qr_drawing, wrap
from meihao.volunteers.models import Certificate

QR_SIZE = 40 * mm


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """One A4 page: title, number, the statement, hours, issuer and date, and the QR code."""
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    # The number in the document's metadata too, for archives that index PDFs by it.
    page.setTitle(_("Volunteer service certificate"))
    page.setSubject(certificate.number)
    page.setAuthor(certificate.issuer_name)

    margin = 25 * mm
    page.setLineWidth(1.5)
    page.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    page.setFont(font, 26)
    page.drawCentredString(width / 2, height - 50 * mm, _("Volunteer service certificate"))
    page.setFont(font, 11)
    page.drawRightString(
        width - margin, height - 62 * mm, _("No. %(number)s") % {"number": certificate.number}
    )

    issued = timezone.localtime(certificate.issued_at).date()
    if certificate.period_start and certificate.period_end:
        statement = _(
            "This is to certify that %(name)s, between %(start)s and %(end)s, took part in "
            "volunteer service: %(content)s, with a recorded service time of %(hours)s hours."
        ) % {
            "name": certificate.person.real_name,
            "start": certificate.period_start.isoformat(),
            "end": certificate.period_end.isoformat(),
            "content": certificate.content,
            "hours": f"{certificate.hours:.1f}",
        }
    else:
        statement = _(
            "This is to certify that %(name)s took part in volunteer service: %(content)s, "
            "with a recorded service time of %(hours)s hours in total."
        ) % {
            "name": certificate.person.real_name,
            "content": certificate.content,
            "hours": f"{certificate.hours:.1f}",
        }
    size = 15
    page.setFont(font, size)
    y = height - 85 * mm
    for line in wrap(statement, font, size, width - 2 * margin):
        page.drawString(margin, y, line)
        y -= size * 1.8

    page.setFont(font, 14)
    page.drawRightString(width - margin, 95 * mm, certificate.issuer_name)
    page.drawRightString(width - margin, 85 * mm, issued.isoformat())

    renderPDF.draw(qr_drawing(verify_url, QR_SIZE), page, margin, 30 * mm)
    page.setFont(font, 9)
    page.drawString(margin + QR_SIZE + 5 * mm, 50 * mm, _("Scan to verify this certificate:"))
    page.setFont(font, 7)
    page.drawString(margin + QR_SIZE + 5 * mm, 44 * mm, verify_url)
    page.showPage()
    page.save()
    return buffer.getvalue()
