"""Pages of the reports app: the archive with the request form, a report's progress and its
downloads. Views are thin: services write, selectors read, scoped to the user."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.core import pages
from meihao.core.pages import page_of
from meihao.reports import selectors, services
from meihao.reports.models import Report

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _archive(request, *, error=None, status=200):
    today = timezone.localdate()
    last_month = today.replace(day=1) - timezone.timedelta(days=1)
    typed = request.POST if request.method == "POST" else {}
    return render(
        request,
        "reports/list.html",
        {
            "page": page_of(request, selectors.report_list(request.user)),
            "query": "",
            "places": selectors.place_choices(request.user),
            "kinds": Report.Kind.choices,
            "error": error,
            "typed": {
                "place": typed.get("place", ""),
                "kind": typed.get("kind", Report.Kind.MONTHLY),
                "month": typed.get("month", f"{last_month:%Y-%m}"),
                "year": typed.get("year", str(today.year - 1)),
            },
        },
        status=status,
    )


@require_GET
@pages.requires(selectors.may_use)
def report_list(request):
    """The archive of the reports of the user's places, newest first, and the request form."""
    return _archive(request)


@require_POST
@pages.requires(selectors.may_use)
def report_new(request):
    post = request.POST
    return pages.written(
        request,
        lambda: services.report_request(
            actor=request.user,
            place_code=post.get("place", ""),
            kind=post.get("kind", ""),
            month=post.get("month", ""),
            year=post.get("year", ""),
        ),
        again=lambda error: _archive(request, error=error, status=400),
        success=_("The report is being written."),
        to=lambda report: ("reports:detail", report.pk),
    )


@require_GET
@pages.scoped_object(Report, page_ability=selectors.may_use)
def report_detail(request, report):
    """A report's progress (the open page polls the status fragment every 2 s) and, once
    issued, its downloads and figures, each linked to the records behind it."""
    context = {"report": report, "status_url": reverse("reports:detail", args=[report.pk])}
    if request.htmx:
        return render(request, "reports/_status.html", context)
    return render(request, "reports/detail.html", context)


@require_GET
@pages.scoped_object(Report, page_ability=selectors.may_use)
def report_download(request, report, fmt: str):
    stored = getattr(report, fmt, None) if fmt in CONTENT_TYPES else None
    if report.status != Report.Status.DONE or not stored:
        raise Http404()
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=report.filename(fmt),
        content_type=CONTENT_TYPES[fmt],
    )
