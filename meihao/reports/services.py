"""Writes of the reports app: asking for a report, and the worker writing and issuing it.

A report is asked for by an official of the place (or above it); input and scope are checked at
once (NotFound or ValidationFailed, and no report). The worker claims it by a conditional
UPDATE, computes the content once, renders the PDF, the Word file and the Excel appendix,
stores them under random names and issues it: from then on it never changes (the model refuses
to save it). Asking again for a report already issued makes a new version.
"""

import re
import secrets
import tempfile
from datetime import date

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.excel import write_workbook
from meihao.core.inputs import parse_month
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.insights.figures import month_last
from meihao.places.models import Place
from meihao.reports import content as report_content
from meihao.reports import render
from meihao.reports.models import Report

YEAR_RE = re.compile(r"[0-9]{4}")


def may_request(user, place: Place) -> bool:
    return place.level in report_content.REPORT_LEVELS and covers(user, place.path, OFFICIALS)


def period_of(kind: str, period: str, *, today: date) -> tuple[date, date]:
    """The first and last day of the month (YYYY-MM) or year (YYYY) asked for; a period not
    over yet is refused (a report is of a month or a year that has ended)."""
    if kind == Report.Kind.MONTHLY:
        first = parse_month(period)
        if first is None:
            raise ValidationFailed(_("Give the month as YYYY-MM."), field="period")
        last = month_last(first)
    elif kind == Report.Kind.ANNUAL:
        number = _year_of(period)
        first, last = date(number, 1, 1), date(number, 12, 31)
    else:
        raise ValidationFailed(_("Choose a monthly or an annual report."), field="kind")
    if last >= today:
        raise ValidationFailed(
            _("That period is not over yet: a report covers a month or a year that has ended."),
            field="period",
        )
    return first, last


def _year_of(text) -> int:
    text = str(text or "").strip()
    if not YEAR_RE.fullmatch(text) or not 2000 <= int(text) <= 2100:
        raise ValidationFailed(_("Give the year as four digits, 2000 to 2100."), field="period")
    return int(text)


def report_request(*, actor, place_code: str, kind: str, month: str = "", year: str = "") -> Report:
    """Queue a report of a place in the actor's scope for a month (monthly, YYYY-MM) or a year
    (annual, YYYY) that has ended. The other of the two, when given, must be readable too: a
    value that cannot be read is refused, never ignored. The same report asked for again while
    it is being written follows that one; asked for again once issued, it is written anew as
    the next version."""
    place = Place.objects.filter(code=str(place_code or "")[:15]).first()
    if place is None or not may_request(actor, place):
        raise NotFound(_("No such place."))
    today = timezone.localdate()
    if kind == Report.Kind.MONTHLY and str(year or "").strip():
        _year_of(year)
    if kind == Report.Kind.ANNUAL and str(month or "").strip() and parse_month(month) is None:
        raise ValidationFailed(_("Give the month as YYYY-MM."), field="period")
    period = year if kind == Report.Kind.ANNUAL else month
    first, last = period_of(kind, period, today=today)
    language = translation.get_language() or "zh-hans"
    same = Report.objects.filter(place=place, kind=kind, first_day=first, language=language)
    with transaction.atomic():
        # One request at a time for the same report: the place's row is the lock.
        Place.objects.select_for_update().filter(pk=place.pk).first()
        pending = same.filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING]).first()
        if pending is not None:
            return pending
        version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
        report = Report.objects.create(
            place=place,
            place_path=place.path,
            kind=kind,
            first_day=first,
            last_day=last,
            language=language,
            version=version,
            requested_by=actor,
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from meihao.reports.tasks import report_run_task

    report_run_task(report_id)


def _progress(report_id: int, percent: int) -> None:
    Report.objects.filter(pk=report_id, issued_at__isnull=True).update(progress=min(99, percent))


def report_run(report_id: int) -> str:
    """Write and issue the report (the worker calls this); answers its final status. Claimed
    by a conditional UPDATE, so a task delivered twice writes once, and an issued report is
    never written again."""
    claimed = Report.objects.filter(
        pk=report_id, status=Report.Status.QUEUED, issued_at__isnull=True
    ).update(status=Report.Status.RUNNING, progress=1)
    if not claimed:
        return ""
    report = Report.objects.select_related("place", "requested_by").get(pk=report_id)
    with translation.override(report.language):
        if not may_request(report.requested_by, report.place):
            return _fail(report, _("You no longer cover this place."))
        try:
            built = report_content.build(
                report.place,
                report.kind,
                report.first_day,
                report.last_day,
                progress=lambda n: _progress(report_id, n),
            )
            stem = secrets.token_urlsafe(16)
            report.pdf.save(f"{stem}.pdf", ContentFile(render.pdf_bytes(built)), save=False)
            _progress(report_id, 55)
            report.docx.save(f"{stem}.docx", ContentFile(render.docx_bytes(built)), save=False)
            _progress(report_id, 65)
            with tempfile.TemporaryFile() as scratch:
                write_workbook(
                    render.appendix_sheets(built, report.place),
                    scratch,
                    progress=lambda rows: _progress(report_id, 65 + min(30, rows // 2000)),
                )
                scratch.seek(0)
                report.xlsx.save(f"{stem}.xlsx", File(scratch), save=False)
        except Exception:
            for stored in (report.pdf, report.docx, report.xlsx):
                if stored:
                    stored.delete(save=False)
            _fail(report, "")
            raise
    report.status = Report.Status.DONE
    report.progress = 100
    report.issued_at = timezone.now()
    report.summary = [
        {
            "code": f.code,
            "name": f.name,
            "chapter": chapter.title,
            "value": f.measure.value,
            "previous": f.previous.value,
            "is_rate": f.is_rate,
            "link": f.link,
        }
        for chapter in built.chapters
        for f in chapter.figures
    ]
    report.save(update_fields=["status", "progress", "issued_at", "pdf", "docx", "xlsx", "summary"])
    return report.status


def _fail(report: Report, error: str) -> str:
    report.status = Report.Status.FAILED
    report.error = error[:300]
    report.save(update_fields=["status", "error"])
    return report.status
