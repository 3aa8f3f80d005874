"""The reporter's pages: the report form (a PWA that works offline), my cases, one case, rating.

Views parse, call a service or selector, render. The report form and the offline queue post to
the same view (`report`): a browser without JavaScript gets a redirect to the confirmation
page, the form's script and the offline queue ask for JSON. Either way it is one call of
`case_submit`, and a re-sent report (same idempotency key) returns the case filed first.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases import classes, selectors, services
from meihao.cases.access import (
    can_view,
    case_abilities,
    follows,
    holds,
    is_requester,
    may_submit,
    sees_as_citizen,
)
from meihao.cases.extensions import detail_panel, detail_url, vocabulary_of
from meihao.cases.models import Case, CasePhoto, CaseRating, Status
from meihao.cases.publication import is_publicly_visible, public_case
from meihao.cases.states import DISPATCHER
from meihao.cases.timeline import timeline
from meihao.core.errors import DomainError, NotFound, ValidationFailed
from meihao.core.inputs import parse_datetime, parse_id
from meihao.core.pages import page_of
from meihao.core.photos import serve_jpeg

PAGE_SIZE = 20
DEFAULT_TYPE = "GRID"
CASE_NUMBER = r"(?P<number>[A-Z]{1,4}\d{12,16})"

# Bootstrap colour per status: waiting (grey/blue), being handled (amber), done well (green),
# refused or withdrawn (red / dark).
STATUS_BADGE = {
    Status.SUBMITTED: "text-bg-secondary",
    Status.ACCEPTED: "text-bg-info",
    Status.DISPATCHED: "text-bg-primary",
    Status.IN_PROGRESS: "text-bg-warning",
    Status.REPORTED_BACK: "text-bg-warning",
    Status.REOPENED: "text-bg-warning",
    Status.RETURNED: "text-bg-info",
    Status.PARKED: "text-bg-light border",
    Status.CLOSED: "text-bg-success",
    Status.REJECTED: "text-bg-danger",
    Status.DUPLICATE: "text-bg-dark",
    Status.VOID: "text-bg-dark",
}
# Static files the service worker keeps for the report page to open without signal.
OFFLINE_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "vendor/htmx/htmx.min.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "places/maps.css",
    "places/gcj02.js",
    "places/maps.js",
    "web/meihao.css",
    "web/meihao.js",
    "cases/report.css",
    "cases/report.js",
    "cases/icon.svg",
)


def badge(case) -> str:
    return STATUS_BADGE.get(case.status, "text-bg-secondary")


def decorate(cases) -> None:
    """Attach the status badge class and the state in the citizens' words of the case's type
    (cases.vocabulary) to each case for the templates (no query: the type is loaded)."""
    for case in cases:
        case.badge = badge(case)
        case.citizen_status = vocabulary_of(case.case_type).status_label(case.status)


def case_page(request, cases, *, param: str = "page"):
    """A page of `cases` (`core.pages.page_of`), each decorated for the lists (`decorate`)."""
    page = page_of(request, cases, param=param)
    decorate(page.object_list)
    return page


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _grid_type():
    return classes.active_type(DEFAULT_TYPE)


def _default_centre(user) -> tuple[float | None, float | None] | None:
    person = getattr(user, "person", None)
    place = getattr(person, "home_place", None) if person else None
    if place is not None and place.centroid_lat is not None:
        return place.centroid_lat, place.centroid_lon
    from meihao.places.models import Level, Place

    place = (
        Place.objects.filter(level=Level.GRID, centroid_lat__isnull=False).order_by("code").first()
    )
    return (place.centroid_lat, place.centroid_lon) if place else None


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _form_page(request, case_type, *, error=None, values=None, status=200):
    may = case_type is not None and may_submit(case_type, request.user)
    context = {
        "case_type": case_type,
        "may_submit": may,
        "groups": selectors.report_categories(case_type=case_type) if may else [],
        "centre": _default_centre(request.user) if may else None,
        "error": error,
        "values": values or {},
        "max_photos": 4,
    }
    return render(request, "cases/report.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report(request):
    case_type = _grid_type()
    if request.method == "GET":
        return _form_page(request, case_type)
    wants_json = _wants_json(request)
    try:
        case = _submit(request, case_type)
    except DomainError as exc:  # the form comes back with what was typed, next to the field
        if wants_json:  # the form's script and the offline queue read JSON
            payload = {"code": exc.code, "message": str(exc.message), "field": exc.field}
            return JsonResponse(payload, status=exc.status)
        return _form_page(request, case_type, error=exc, values=request.POST, status=exc.status)
    done = reverse("cases:report_done", args=[case.number])
    if wants_json:
        return JsonResponse(
            {"number": case.number, "url": done, "idempotency_key": case.idempotency_key}
        )
    return redirect(done)


def _submit(request, case_type) -> Case:
    if case_type is None:
        raise ValidationFailed(_("This kind of case is not accepted any more."))
    post = request.POST
    category = None
    category_id = post.get("category") or ""
    if category_id:
        category = classes.minor_class(case_type, pk=parse_id(category_id, default=0))
        if category is None:
            raise ValidationFailed(
                _("Choose one of this case type's minor classes."), field="category"
            )
    reported_at = None
    if post.get("reported_at"):
        reported_at = parse_datetime(post["reported_at"])  # None for an impossible day too
        if reported_at is None:
            raise ValidationFailed(_("The report time is not a valid time."), field="reported_at")
    lat, lon = _float(post.get("lat")), _float(post.get("lon"))
    if lat is None or lon is None:
        raise ValidationFailed(
            _("Set the location: allow the phone to find it, or move the pin."), field="location"
        )
    user = request.user
    return services.case_submit(
        actor=user,
        case_type=case_type,
        category=category,
        description=post.get("description", ""),
        lat=lat,
        lon=lon,
        address=post.get("address", ""),
        channel=selectors.filing_channel(user),
        reporter=getattr(user, "person", None),
        idempotency_key=post.get("idempotency_key") or None,
        reported_at=reported_at,
        photos=request.FILES.getlist("photos"),
    )


@login_required
@require_GET
def report_done(request, number):
    case = selectors.case_detail(user=request.user, number=number)
    decorate([case])
    return render(request, "cases/report_done.html", {"case": case})


@login_required
@require_GET
def report_sent(request):
    """Whether the user's report with this idempotency key has arrived (the offline queue asks)."""
    key = request.GET.get("key", "")
    cases = (
        list(
            Case.objects.filter(submitted_by=request.user, idempotency_key=key).values_list(
                "number", flat=True
            )[:2]
        )
        if key
        else []
    )
    return JsonResponse({"count": len(cases), "numbers": cases})


@login_required
@require_GET
def report_locate(request):
    """The grid at a point, and the grid outlines around it (the map's only background)."""
    lat, lon = _float(request.GET.get("lat")), _float(request.GET.get("lon"))
    if lat is None or lon is None:
        return JsonResponse({"code": "invalid_point", "message": _("No location.")}, status=400)
    from meihao.places import geo

    try:
        grid = geo.locate(lat, lon)
    except ValidationFailed as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=400)
    features = [
        {
            "type": "Feature",
            "geometry": place.boundary,
            "properties": {"code": place.code, "name": place.name},
        }
        for place in selectors.grids_near(lat=lat, lon=lon)
    ]
    return JsonResponse(
        {
            "grid": {"code": grid.code, "name": grid.name} if grid else None,
            "message": "" if grid else _("This place is in no grid of the district. Move the pin."),
            "outlines": {"type": "FeatureCollection", "features": features},
        }
    )


@login_required
@require_GET
def report_nearby(request):
    """htmx fragment: open cases of the chosen class near the pin, with "my problem too"."""
    case_type = _grid_type()
    lat, lon = _float(request.GET.get("lat")), _float(request.GET.get("lon"))
    category_id = request.GET.get("category", "")
    cases = []
    if case_type and lat is not None and lon is not None and parse_id(category_id):
        category = classes.minor_class(case_type, pk=parse_id(category_id))
        if category is not None:
            cases = selectors.cases_nearby(category=category, lat=lat, lon=lon, user=request.user)
    decorate(cases)
    return render(request, "cases/report_nearby.html", {"cases": cases})


@login_required
@require_POST
def follow(request, number):
    case = selectors.case_for_follow(user=request.user, number=number)
    services.case_follow(case=case, actor=request.user)
    messages.success(
        request,
        _("You now follow case %(number)s; we will tell you when it is handled.")
        % {"number": case.number},
    )
    detail = reverse("cases:detail", args=[case.number])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = detail
        return response
    return redirect(detail)


@login_required
@require_GET
def mine(request):
    rows = selectors.cases_of_reporter(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    decorate(page.object_list)
    for case in page.object_list:
        # A case the user only follows is listed as the public sees it.
        case.public = None if case.mine else public_case(case)
    return render(request, "cases/my_cases.html", {"page": page})


def _actions_template() -> str:
    # Staff actions come from cases/_actions.html (staff pages); until it exists, nothing.
    try:
        get_template("cases/_actions.html")
    except TemplateDoesNotExist:
        return "cases/my_actions_default.html"
    return "cases/_actions.html"


@login_required
@require_GET
def detail(request, number):
    """The case in full for the people who may see it (staff in scope, its reporter); for a
    follower, the public representation (cases.publication)."""
    try:
        case = selectors.case_detail(user=request.user, number=number)
    except NotFound:
        return _follower_detail(request, number)
    return _detail_page(request, case)


def rating_context(case, user, *, error=None, form=None) -> dict:
    """What `cases/_rating.html` needs: the ratings given, and whether `user` may rate now (the
    requester of a closed case, once)."""
    ratings = list(case.ratings.all())
    return {
        "ratings": ratings,
        "may_rate": case.status == Status.CLOSED
        and is_requester(case, user)
        and not any(r.rater_id == user.pk for r in ratings),
        # One star (very dissatisfied) to five (very satisfied), in reading order.
        "scores": sorted(CaseRating.Score.choices),
        "star_range": range(1, len(CaseRating.Score.choices) + 1),
        "rating_error": error,
        "rating_form": form or {},
    }


def _detail_page(request, case, *, rating_error=None, rating_form=None, status=200):
    decorate([case])
    events = timeline(case, case.events.all(), viewer=request.user)
    context = {
        "case": case,
        "citizen": sees_as_citizen(case, request.user),
        "events": events,
        "photos": list(case.photos.all()),
        **rating_context(case, request.user, error=rating_error, form=rating_form),
        "abilities": case_abilities(case, request.user),
        "may_publish_photos": holds(case, request.user, DISPATCHER),
        "actions_template": _actions_template(),
        "panel": detail_panel(case, request.user),
    }
    return render(request, "cases/my_detail.html", context, status=status)


def _follower_detail(request, number):
    from meihao.cases.views.public import detail_context

    try:
        case = selectors.followed_case(user=request.user, number=number)
    except NotFound:
        raise Http404 from None
    context = {**detail_context(public_case(case)), "following": True}
    return render(request, "cases/public_detail.html", context)


@login_required
@require_POST
def rate(request, number):
    """The reporter's stars (1–5) and optional comment; a refusal shows the form again with the
    reason next to the stars (400) and the comment kept."""
    case = selectors.case_detail(user=request.user, number=number)
    form = {"score": request.POST.get("score", ""), "comment": request.POST.get("comment", "")}
    try:
        services.case_rate(
            case=case, actor=request.user, score=form["score"], comment=form["comment"]
        )
    except ValidationFailed as error:
        return _detail_page(
            request, case, rating_error=error.message, rating_form=form, status=error.status
        )
    messages.success(request, _("Thank you for your rating."))
    return redirect(detail_url(case))


PHOTO_VARIANTS = {"full": "image", "public": "public_image", "thumb": "thumbnail"}


@login_not_required
@require_GET
def photo(request, pk: int, variant: str):
    """A case photo. The full copy (with EXIF) only for the people who may see the case in full;
    the EXIF-free public copy and thumbnail of a photo staff marked public also for anyone while
    the case is published, and for its followers."""
    field = PHOTO_VARIANTS.get(variant)
    photo = (
        CasePhoto.objects.select_related("case__case_type", "case__category").filter(pk=pk).first()
    )
    if field is None or photo is None:
        raise Http404
    case = photo.case
    published = variant != "full" and photo.is_public
    if can_view(case, request.user):
        shared = False
    elif published and (is_publicly_visible(case) or follows(case, request.user)):
        # Short in shared caches: staff may stop showing it.
        shared = True
    else:
        raise Http404
    return serve_jpeg(getattr(photo, field), shared=shared)


@login_not_required
@require_GET
def service_worker(request):
    """The PWA's service worker, scoped to /cases/ (its own folder, so no extra header)."""
    assets = [static(name) for name in OFFLINE_ASSETS]
    response = render(
        request,
        "cases/report_sw.js",
        {
            "assets": assets,
            "report_url": reverse("cases:report"),
            "base_map_url": reverse("places:base_map"),
        },
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = "/cases/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request):
    return JsonResponse(
        {
            "name": _("Meihao Community: report a problem"),
            "short_name": _("Report"),
            "start_url": reverse("cases:report"),
            "scope": "/cases/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#c0392b",
            "icons": [
                {"src": static("cases/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("report/", report, name="report"),
    re_path(rf"^report/done/{CASE_NUMBER}/$", report_done, name="report_done"),
    path("report/sent/", report_sent, name="report_sent"),
    path("report/locate/", report_locate, name="report_locate"),
    path("report/nearby/", report_nearby, name="report_nearby"),
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("mine/", mine, name="mine"),
    path("photos/<int:pk>/<str:variant>.jpg", photo, name="photo"),
    re_path(rf"^{CASE_NUMBER}/$", detail, name="detail"),
    re_path(rf"^{CASE_NUMBER}/follow/$", follow, name="follow"),
    re_path(rf"^{CASE_NUMBER}/rate/$", rate, name="rate"),
]
