"""The mediation agreement as a PDF (人民调解协议书), drawn with ReportLab and the kit's `core.pdf`:
the parties, the facts, the terms and how they are carried out, and the lines the parties and the
mediator sign on paper, under the community's people's mediation committee."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from meihao.core.pdf import BODY, LEADING, MARGIN, PageWriter, chinese_font
from meihao.legal.models import Dispute


def agreement_pdf(dispute: Dispute) -> bytes:
    case = dispute.case
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    title = _("People's mediation agreement")
    committee = _("%(community)s People's Mediation Committee") % {
        "community": dispute.community.name
    }
    page.setTitle(title)
    page.setSubject(case.number)
    page.setAuthor(committee)
    out = PageWriter(page, font)

    page.setFont(font, 22)
    page.drawCentredString(out.width / 2, out.y - 10, title)
    out.gap(40)
    page.setFont(font, 11)
    page.drawRightString(out.width - MARGIN, out.y, _("No. %(number)s") % {"number": case.number})
    out.gap(26)

    parties = list(dispute.parties.all())
    for party in parties:
        out.paragraph(
            _("%(side)s: %(name)s") % {"side": party.get_side_display(), "name": party.name}
        )
        if party.address:
            out.paragraph(_("Address: %(address)s") % {"address": party.address}, indent=BODY * 2)
        if party.phone:
            out.paragraph(_("Phone: %(phone)s") % {"phone": party.phone}, indent=BODY * 2)
    out.heading(_("The main facts of the dispute and what is in dispute:"))
    out.paragraph(case.description, indent=BODY * 2)
    out.heading(_("Through mediation the parties agree of their own will as follows:"))
    out.paragraph(dispute.terms, indent=BODY * 2)
    out.heading(_("How and by when the agreement is carried out:"))
    out.paragraph(dispute.performance, indent=BODY * 2)
    out.gap(6)
    out.paragraph(
        _(
            "This agreement takes effect when the parties have signed it and the people's "
            "mediation committee has sealed it. It is made in %(copies)s copies: one for each "
            "party and one for the committee."
        )
        % {"copies": len(parties) + 1}
    )

    out.gap(16)
    for party in parties:
        out.room(LEADING * 2)
        out.paragraph(_("Party (signature): %(name)s") % {"name": party.name} + " " * 4 + "_" * 18)
        out.gap(8)
    mediator = case.assigned_user.name if case.assigned_user else ""
    out.room(LEADING * 6)
    out.paragraph(
        _("People's mediator (signature): %(name)s") % {"name": mediator} + " " * 4 + "_" * 18
    )
    out.gap(20)
    concluded = timezone.localtime(dispute.concluded_at or timezone.now()).date()
    page.setFont(font, BODY)
    page.drawRightString(
        out.width - MARGIN, out.y, _("%(committee)s (seal)") % {"committee": committee}
    )
    out.gap(LEADING)
    page.drawRightString(out.width - MARGIN, out.y, concluded.isoformat())
    page.showPage()
    page.save()
    return buffer.getvalue()


def referral_letter_pdf(referral, answers: list[str]) -> bytes:
    """The referral letter (法律援助转介函) the centre files: the applicant, the matter and the
    screening, the advisor's summary, the question and the answers given so far."""
    consultation = referral.consultation
    case = consultation.case
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    title = _("Legal-aid referral")
    page.setTitle(title)
    page.setSubject(case.number)
    out = PageWriter(page, font)
    page.setFont(font, 22)
    page.drawCentredString(out.width / 2, out.y - 10, title)
    out.gap(40)
    page.setFont(font, 11)
    page.drawRightString(out.width - MARGIN, out.y, _("No. %(number)s") % {"number": case.number})
    out.gap(26)
    out.paragraph(_("To: %(centre)s") % {"centre": referral.centre.organisation.name})
    reporter = case.reporter
    out.paragraph(
        _("Applicant: %(name)s, %(community)s")
        % {"name": reporter.real_name if reporter else "", "community": consultation.community.name}
    )
    if reporter is not None and reporter.phone:
        out.paragraph(_("Phone: %(phone)s") % {"phone": reporter.phone}, indent=BODY * 2)
    out.paragraph(_("Matter: %(matter)s") % {"matter": referral.get_matter_display()})
    out.paragraph(
        _("Cannot afford a lawyer (own statement): %(answer)s")
        % {"answer": _("yes") if referral.hardship else _("no")}
    )
    out.heading(_("The advisor's summary:"))
    out.paragraph(referral.summary, indent=BODY * 2)
    out.heading(_("The question:"))
    out.paragraph(case.description, indent=BODY * 2)
    if answers:
        out.heading(_("The answers given:"))
        for answer in answers:
            out.paragraph(answer, indent=BODY * 2)
    out.gap(20)
    page.setFont(font, BODY)
    page.drawRightString(
        out.width - MARGIN,
        out.y,
        _("Legal advisor: %(name)s") % {"name": referral.advisor.name},
    )
    out.gap(LEADING)
    page.drawRightString(
        out.width - MARGIN, out.y, timezone.localtime(referral.referred_at).date().isoformat()
    )
    page.showPage()
    page.save()
    return buffer.getvalue()
