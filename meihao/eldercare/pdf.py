"""The ability assessment report as a PDF (A4, the kit's embedded Chinese font): who, when and
why, the total and the level — by the score and after the overrides, with why — then every
item's answer and score under its first-level indicator, continuing on a second page if needed.
The lines come from `eldercare.report`, the same rows the report page shows."""

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from meihao.core.pdf import chinese_font, wrap
from meihao.eldercare.models import Assessment
from meihao.eldercare.report import Report

MARGIN = 18 * mm
LINE = 5.6 * mm


def assessment_pdf(assessment: Assessment, report: Report) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    page.setTitle(_("Ability assessment report"))
    page.setSubject(assessment.elder.person.real_name)

    page.setFont(font, 18)
    page.drawCentredString(width / 2, height - 25 * mm, _("Ability assessment report"))
    page.setFont(font, 9)
    page.drawCentredString(width / 2, height - 31 * mm, assessment.scale.name)

    y = height - 42 * mm
    page.setFont(font, 11)
    for label, value in report.summary:
        for index, line in enumerate(wrap(value, font, 11, width - 2 * MARGIN - 40 * mm)):
            if index == 0:
                page.drawString(MARGIN, y, label)
            page.drawString(MARGIN + 40 * mm, y, line)
            y -= LINE
    y -= LINE / 2

    for dimension in report.dimensions:
        if y < MARGIN + 3 * LINE:
            page.showPage()
            y = height - MARGIN
        page.setFont(font, 11)
        page.drawString(MARGIN, y, dimension["name"])
        page.drawRightString(width - MARGIN, y, f"{dimension['score']} / {dimension['maximum']}")
        page.line(MARGIN, y - 1.8 * mm, width - MARGIN, y - 1.8 * mm)
        y -= LINE * 1.2
        page.setFont(font, 9)
        for item in dimension["items"]:
            if y < MARGIN:
                page.showPage()
                page.setFont(font, 9)
                y = height - MARGIN
            page.drawString(MARGIN + 3 * mm, y, item["label"])
            page.drawString(MARGIN + 55 * mm, y, wrap(item["answer"], font, 9, 95 * mm)[0])
            page.drawRightString(width - MARGIN, y, str(item["score"]))
            y -= LINE * 0.9
        y -= LINE / 2
    page.showPage()
    page.save()
    return buffer.getvalue()
