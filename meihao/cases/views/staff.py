"""Staff pages: the street chief's dispatch board, the department's queue, the grid worker's
verification queue (核查), and the one endpoint every action form posts to.

Parse, call a selector or service, render. Each list view serves the full page or, for htmx,
the table body from the same scoped query; an action answers an htmx request with the case's
updated row (or the row with the error), any other request with a redirect.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meihao.cases import routing, selectors, services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, PhotoStage, Status
from meihao.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import parse_int
from meihao.core.middleware import safe_next
from meihao.core.pages import requires, scoped_object

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
LISTS = ("board", "queue", "verify")


def _page_size(request) -> int:
    size = parse_int(request.GET.get("size"))
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _paginate(request, cases):
    size = _page_size(request)
    return Paginator(cases, size).get_page(request.GET.get("page")), size


def _board_extras(user, cases) -> dict:
    """What board rows show besides the case: suggestions, departments, return reasons."""
    organisations, teams = selectors.department_choices()
    return {
        "suggestions": routing.suggest_assignees(cases, organisations, teams),
        "organisations": organisations,
        "teams": teams,
        "returns": selectors.last_events(
            [c for c in cases if c.status == Status.RETURNED], "return"
        ),
    }


def _rows(user, cases, list_name: str) -> dict[str, Any]:
    """One dict per row: the case, its abilities, and the row's list-specific extras."""
    extras = {}
    if list_name == "board":
        extras = _board_extras(user, cases)
    elif list_name == "verify":
        extras = {
            "reports": selectors.last_events(cases, "report_back"),
            "photos": selectors.stage_photos(cases, (PhotoStage.REPORT, PhotoStage.REPORT_BACK)),
        }
    rows = []
    for case in cases:
        row = {"case": case, "abilities": case_abilities(case, user)}
        if list_name == "board":
            row["suggestion"] = extras["suggestions"].get(case.pk)
            row["return_event"] = extras["returns"].get(case.pk)
        elif list_name == "verify":
            row["report"] = extras["reports"].get(case.pk)
            photos = extras["photos"][case.pk]
            row["before"] = photos[PhotoStage.REPORT]
            row["after"] = photos[PhotoStage.REPORT_BACK]
        rows.append(row)
    context = {"rows": rows}
    if list_name == "board":
        context.update(organisations=extras["organisations"], teams=extras["teams"])
    return context


@requires(selectors.may_use_board)
def board(request):
    """The dispatch board. Its first screen is everything that needs the dispatcher: the late
    section (at a department or at verification, amber or red) above the incoming cases."""
    filters = selectors.BoardFilters.from_params(request.GET)
    cases = selectors.board_cases(request.user, filters)
    page, size = _paginate(request, cases)
    late_cases, late_count = [], 0
    if filters.first_screen:
        late = selectors.board_late_cases(request.user, filters)
        late_cases = list(late[: selectors.LATE_SECTION_SIZE])
        late_count = len(late_cases)
        if late_count == selectors.LATE_SECTION_SIZE:
            late_count = late.count()
    # One pass over both lists: the departments and suggestions are loaded once.
    rows = _rows(request.user, late_cases + list(page.object_list), "board")
    context = {
        "page": page,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "filters": filters,
        "statuses": Status.choices,
        "query": _query_without_page(request),
        **rows,
        "rows": rows["rows"][len(late_cases) :],
    }
    if filters.first_screen:
        context["late"] = {
            "rows": rows["rows"][: len(late_cases)],
            "count": late_count,
            "all_url": reverse("cases:board") + "?" + _query_with(request, status="late"),
        }
    if request.htmx and request.htmx.target == "board-rows":
        return render(request, "cases/board_rows.html", context)
    context["choices"] = selectors.board_filter_choices(request.user)
    return render(request, "cases/board.html", context)


def _query_with(request, **values) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


@requires(selectors.may_use_queue)
def queue(request):
    status = request.GET.get("status", "")
    status = status if status == Status.REPORTED_BACK else ""
    overdue = request.GET.get("overdue") in ("1", "on", "true")
    urgent = request.GET.get("urgent") in ("1", "on", "true")
    cases = selectors.queue_cases(request.user, status=status, overdue=overdue, urgent=urgent)
    page, size = _paginate(request, cases)
    context = {
        "page": page,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "status": status,
        "overdue": overdue,
        "urgent": urgent,
        "query": _query_without_page(request),
        **_rows(request.user, list(page.object_list), "queue"),
    }
    if request.htmx and request.htmx.target == "queue-rows":
        return render(request, "cases/queue_rows.html", context)
    return render(request, "cases/queue.html", context)


@requires(selectors.may_use_verify)
def verify(request):
    urgent = request.GET.get("urgent") in ("1", "on", "true")
    cases = selectors.verify_cases(request.user, urgent=urgent)
    page, size = _paginate(request, cases)
    context = {
        "urgent": urgent,
        "page": page,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "query": _query_without_page(request),
        **_rows(request.user, list(page.object_list), "verify"),
    }
    if request.htmx and request.htmx.target == "verify-rows":
        return render(request, "cases/verify_rows.html", context)
    return render(request, "cases/verify.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _detail_url(case) -> str:
    return reverse("cases:detail", args=[case.number])


def _render_row(request, case_number: str, list_name: str, *, error=None, status=200):
    """The case's row in `list_name`, read again through the scoped selector."""
    try:
        case = selectors.staff_case_get(request.user, case_number)
    except NotFound:
        case = None
    context = {"error": error, "row": None, "list_name": list_name}
    if case is not None:
        if list_name == "board":
            prefetch_related_objects([case], selectors.report_thumbnail())
        extras = _rows(request.user, [case], list_name)
        context.update(row=extras.pop("rows")[0], **extras)
    context["just_changed"] = error is None
    return render(request, f"cases/{list_name}_row.html", context, status=status)


@require_POST
@login_required
def case_action(request, number: str, action: str):
    """Take `action` on case `number`: every action form of the staff pages posts here."""
    if action not in services.STAFF_ACTION_SERVICES:
        raise Http404()
    list_name = request.POST.get("list", "")
    list_name = list_name if list_name in LISTS else ""
    try:
        case = selectors.staff_case_get(request.user, number)
        kwargs = selectors.action_arguments(action, request.POST)
        service = services.STAFF_ACTION_SERVICES[action]
        if action == "report_back" and request.FILES.getlist("photos"):
            kwargs["files"] = request.FILES.getlist("photos")
            service = services.case_report_back_with_photos
        service(case=case, actor=request.user, **kwargs)
    except DomainError as exc:
        # A board row answers in place, with the reason in the row; anything else is the
        # product's one answer to a refusal (core.middleware).
        if request.htmx and list_name:
            return _render_row(request, number, list_name, error=exc.message, status=exc.status)
        raise
    if request.htmx and list_name:
        return _render_row(request, number, list_name)
    messages.success(request, _("Case %(number)s: done — now “%(status)s”.") % _done(case))
    return redirect(safe_next(request) or _detail_url(case))


@require_POST
@login_required
def photo_publication(request, number: str, pk: int):
    """Show a photo of the case to the public, or stop (`public` = 1 or 0): 审核后公开."""
    public = request.POST.get("public") == "1"
    try:
        case, photo = selectors.staff_case_photo(request.user, number, pk)
        services.case_photo_set_public(case=case, photo=photo, actor=request.user, public=public)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    if public:
        messages.success(request, _("The photo is now shown to the public with the case."))
    else:
        messages.success(request, _("The photo is no longer shown to the public."))
    return redirect(_detail_url(case))


def _done(case) -> dict:
    return {"number": case.number, "status": Status(case.status).label}


@require_POST
@login_required
def bulk_dispatch(request):
    """Dispatch the ticked cases, each to its suggested team or all to one department."""
    if not selectors.may_use_board(request.user):
        raise Http404()
    numbers = [n.strip() for n in request.POST.getlist("cases") if n.strip()][:100]
    back = reverse("cases:board") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    try:
        cases = list(
            Case.objects.visible_to(request.user)
            .select_related("category", "case_type")
            .filter(number__in=numbers)
        )
        missing = sorted(set(numbers) - {c.number for c in cases})
        if missing:
            raise services.BulkActionFailed(dict.fromkeys(missing, str(_("No such case."))))
        kwargs = selectors.action_arguments("dispatch", request.POST)
        kwargs.pop("user", None)
        services.case_bulk_dispatch(cases=cases, actor=request.user, **kwargs)
    except services.BulkActionFailed as exc:
        messages.error(request, _("Nothing was dispatched."))
        for number, message in exc.case_errors.items():
            messages.error(request, f"{number}: {message}")
        return redirect(back)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("%(count)d cases were dispatched.") % {"count": len(cases)})
    return redirect(back)


@scoped_object(
    selectors.staff_case_get,
    kwarg="number",
    ability=lambda user, case: case_abilities(case, user)["dispatch"],
)
def dispatch_form(request, case):
    """The dispatch / reassign form of one case (loaded into a row or the detail page)."""
    organisations, teams = selectors.department_choices()
    suggestion = routing.suggest_assignees([case], organisations, teams).get(case.pk)
    list_name = request.GET.get("list", "")
    context = {
        "case": case,
        "abilities": case_abilities(case, request.user),
        "organisations": [o for o in organisations if case.place_path.startswith(o.place_path)],
        "teams": [t for t in teams if case.place_path.startswith(t.place_path)],
        "suggestion": suggestion,
        "list_name": list_name if list_name in LISTS else "",
        "next": safe_next(request) or "",
    }
    template = "cases/board_dispatch_form.html"
    if request.htmx:
        return render(request, template, context)
    return render(request, "cases/board_dispatch_page.html", context)


urlpatterns = [
    path("board/", board, name="board"),
    path("board/bulk-dispatch/", bulk_dispatch, name="bulk_dispatch"),
    path("queue/", queue, name="queue"),
    path("verify/", verify, name="verify"),
    path("<str:number>/dispatch-form/", dispatch_form, name="dispatch_form"),
    path("<str:number>/act/<slug:action>/", case_action, name="case_action"),
    path(
        "<str:number>/photos/<int:pk>/publication/",
        photo_publication,
        name="photo_publication",
    ),
]
