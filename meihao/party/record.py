"""A branch's (or group's) record book for a year (组织生活纪实簿) as a PDF: the organisation and
its committee, its meetings against what each type requires, and every meeting of the year with
its attendance, absences and their reasons, agenda, approved minutes and resolutions. It names
members: only its committees print it, and each printing is audited."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from meihao.core.pdf import BODY, PageWriter, chinese_font
from meihao.party import compliance
from meihao.party.models import PartyMeeting, PartyOrg
from meihao.party.selectors import roll_call


def record_book_pdf(org: PartyOrg, year: int) -> bytes:
    font = chinese_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    title = _("%(org)s: record of organisational life, %(year)s") % {"org": org.name, "year": year}
    page.setTitle(title)
    page.setAuthor(org.name)
    out = PageWriter(page, font)
    page.setFont(font, 18)
    out.paragraph(title, size=18)
    out.gap(8)
    posts = ", ".join(
        f"{seat.get_post_display()} {seat.person.real_name}"
        for seat in org.posts.select_related("person").order_by("post", "pk")
    )
    out.paragraph(_("Committee: %(posts)s") % {"posts": posts or "—"})
    today = timezone.localdate()
    out.heading(_("Meetings held against what is required"))
    for cell in compliance.cells_of([org], year, today)[org.pk]:
        missed = ", ".join(start.strftime("%Y-%m") for start in cell.missed)
        line = _("%(type)s: %(held)s held of %(required)s required") % {
            "type": cell.meeting_type.name,
            "held": cell.held,
            "required": cell.required,
        }
        if missed:
            line += "; " + _("missed: %(periods)s") % {"periods": missed}
        if cell.lecture_short:
            line += "; " + _("The secretary taught no lecture this year")
        out.paragraph(line, indent=BODY * 2)
    meetings = (
        PartyMeeting.objects.filter(org=org, held_on__year=year)
        .select_related("activity", "meeting_type", "lecturer", "approved_by")
        .order_by("held_on", "pk")
    )
    out.heading(_("Meetings"))
    for meeting in meetings:
        activity = meeting.activity
        out.gap(6)
        out.paragraph(
            f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M} {meeting.meeting_type.name}"
            + (f" · {activity.venue}" if activity.venue else ""),
            size=BODY + 1,
        )
        if meeting.expected is not None:
            called, guests = roll_call(meeting)
            absent = [
                f"{row.person.real_name}（{row.absence}）" if row.absence else row.person.real_name
                for row in called
                if not row.present
            ]
            out.paragraph(
                _("Expected %(expected)s, present %(present)s; %(quorum)s")
                % {
                    "expected": meeting.expected,
                    "present": meeting.present,
                    "quorum": _("quorate") if meeting.quorate else _("No quorum"),
                },
                indent=BODY * 2,
            )
            if absent:
                out.paragraph(
                    _("Absent: %(names)s") % {"names": "、".join(absent)}, indent=BODY * 2
                )
            if guests:
                names = "、".join(person.real_name for person in guests)
                out.paragraph(_("Also present: %(names)s") % {"names": names}, indent=BODY * 2)
        if meeting.lecturer:
            out.paragraph(
                _("Lecturer: %(name)s") % {"name": meeting.lecturer.real_name}, indent=BODY * 2
            )
        if meeting.agenda:
            out.paragraph(_("Agenda: %(text)s") % {"text": meeting.agenda}, indent=BODY * 2)
        if meeting.approved_at:
            out.paragraph(_("Minutes: %(text)s") % {"text": meeting.minutes}, indent=BODY * 2)
            if meeting.resolutions:
                out.paragraph(
                    _("Resolutions: %(text)s") % {"text": meeting.resolutions}, indent=BODY * 2
                )
            out.paragraph(
                _("Approved by %(name)s on %(when)s.")
                % {
                    "name": meeting.approved_by.name,
                    "when": f"{timezone.localtime(meeting.approved_at):%Y-%m-%d}",
                },
                indent=BODY * 2,
            )
        else:
            out.paragraph(_("The minutes are not approved yet."), indent=BODY * 2)
    if not meetings:
        out.paragraph(_("No meetings yet."))
    page.showPage()
    page.save()
    return buffer.getvalue()
