from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from meihao.core.errors import NotFound, ValidationFailed
from meihao.insights import grades, selectors, services
from meihao.insights.models import ExportJob
from meihao.insights.selectors import PERIODS, case_filters, case_statistics, period_for

RECORDS_PAGE_SIZE = 25


@login_required
def cases(request):
    """统计分析: the case indicators of a place (or the user's department) over a period."""
    params = request.GET
    period, error = period_for(
        params.get("period", ""), start=params.get("start", ""), end=params.get("end", "")
    )
    # An unknown type or channel is a ValidationFailed: the middleware's 400 page in words.
    filters = case_filters(params)
    stats = case_statistics(
        request.user,
        place_code=params.get("place", ""),
        period=period,
        group_by=params.get("by", ""),
        filters=filters,
    )
    return render(
        request,
        "insights/cases.html",
        {
            "stats": stats,
            "error": error,
            "periods": [(key, str(label)) for key, label in PERIODS.items()],
            "charts": stats.charts,
            "filters": filters,
            "min_cases": grades.min_cases(),
        },
    )


@login_required
def indicator_list(request):
    """The catalogue: every registered figure by capability, with its definition, and the
    user's value for their widest place this month where their roles read it."""
    catalogue = selectors.indicator_catalogue(
        request.user,
        capability=request.GET.get("capability", ""),
        search=request.GET.get("q", ""),
    )
    return render(request, "insights/indicator_list.html", {"catalogue": catalogue})


def _bad_period(request, code: str, exc: ValidationFailed):
    """The indicator's page with the refusal (a date, case type, channel or narrowing) in
    words, 400 (its name and definition are the catalogue's, no figure)."""
    indicator = selectors.registered_indicator(code)
    context = {"indicator": indicator, "error": exc.message}
    return render(request, "insights/indicator_error.html", context, status=400)


@login_required
def indicator_detail(request, code: str):
    """One indicator for a place and period: value, definition, trend and its records."""
    params = request.GET
    try:
        reading = selectors.read_indicator(
            request.user,
            code,
            place_code=params.get("place", ""),
            start=params.get("start", ""),
            end=params.get("end", ""),
            case_type=params.get("type", ""),
            channel=params.get("channel", ""),
            department=params.get("department", ""),
            team=params.get("team", ""),
        )
        ranked = selectors.rank_reading(
            reading, by=params.get("by", ""), group=params.get("group", "")
        )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValidationFailed as exc:
        return _bad_period(request, code, exc)
    indicator = reading.indicator
    page = Paginator(ranked.records, RECORDS_PAGE_SIZE).get_page(params.get("page"))
    query = reading.query
    if ranked.group is not None:
        query += "&" + urlencode({"by": ranked.ranking.code, "group": ranked.group["key"]})
    return render(
        request,
        "insights/indicator_detail.html",
        {
            "reading": reading,
            "indicator": indicator,
            "page": page,
            "headers": selectors.record_headers(indicator),
            "rows": selectors.record_rows(indicator, page.object_list),
            "query": query,
            "ranked": ranked,
            "trend": selectors.trend(reading),
            "shown": selectors.Shown(reading.measure, indicator.unit, indicator.code),
        },
    )


@require_POST
@login_required
def indicator_export(request, code: str):
    """Queue the Excel export of the records behind the number, then follow its progress."""
    params = {
        "code": code,
        "place": request.POST.get("place", ""),
        "start": request.POST.get("start", ""),
        "end": request.POST.get("end", ""),
    }
    # The filters only when set: the same export asked for twice is one job.
    for key in ("type", "channel", "department", "team"):
        if request.POST.get(key):
            params[key] = request.POST[key]
    try:
        job = services.export_request(
            actor=request.user, kind=ExportJob.Kind.INDICATOR_RECORDS, params=params
        )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValidationFailed as exc:
        return _bad_period(request, code, exc)
    return redirect("insights:export", pk=job.pk)


def _own_job(request, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, owner=request.user).first()
    if job is None:
        raise Http404()
    return job


@login_required
def export_detail(request, pk: int):
    """An export's progress; the open page polls the status fragment (htmx) until it is ready."""
    job = _own_job(request, pk)
    context = {"job": job, "status_url": reverse("insights:export", args=[job.pk])}
    if request.htmx:
        return render(request, "insights/_export_status.html", context)
    return render(request, "insights/export.html", context)


@login_required
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404()
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
