"""Cultural life's pages: the calendar (a list on phones, a month on desktops), an event's
partner units for its organisers, and the showcases (public)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.activities.models import Activity
from meihao.activities.selectors import organised_activity_get
from meihao.core import pages
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_date, parse_id, parse_month
from meihao.core.middleware import safe_next
from meihao.core.photos import MAX_PHOTOS, Gallery, photo_response
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import has_role, scope_q
from meihao.culture import selectors, services
from meihao.culture.models import CULTURE_KINDS, Festival, Showcase
from meihao.people.models import Organisation
from meihao.places.models import Level, Place

organised_event = pages.scoped_object(organised_activity_get)


def _month_shift(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _places(chosen_code: str):
    """The place filter's choices: the streets and communities of a district; in a deployment
    of many districts (a city), the districts and the streets of the chosen one's district, so
    that the list stays short."""
    districts = list(Place.objects.filter(level=Level.DISTRICT).order_by("path"))
    if len(districts) <= 1:
        levels = [Level.STREET, Level.COMMUNITY]
        return list(Place.objects.filter(level__in=levels).order_by("path")), None
    chosen = Place.objects.filter(code=chosen_code).first() if chosen_code else None
    streets = Place.objects.none()
    if chosen is not None:
        district_path = chosen.path.split("/", 1)[0] + "/"
        streets = Place.objects.filter(level=Level.STREET, path__startswith=district_path)
    options = sorted([*districts, *streets], key=lambda p: p.path)
    if chosen is not None and chosen not in options:
        options.append(chosen)
    return options, chosen


@require_GET
def calendar(request):
    today = timezone.localdate()
    month = parse_month(request.GET.get("month")) or today.replace(day=1)
    day = parse_date(request.GET.get("day"))
    code = request.GET.get("place", "")
    places, chosen = _places(code)
    place = chosen or next((p for p in places if p.code == code), None)
    kind = request.GET.get("kind", "")
    kind = kind if kind in CULTURE_KINDS else ""
    festivals = list(Festival.objects.all())
    festival = request.GET.get("festival", "")
    festival = festival if any(f.code == festival for f in festivals) else ""
    filters = {"place_path": place.path if place else "", "kind": kind, "festival": festival}
    context = {
        "places": places,
        "place": place,
        "kinds": [(k, Activity.Kind(k).label) for k in CULTURE_KINDS],
        "kind": kind,
        "festivals": festivals,
        "festival": festival,
        "filters": pages.query_string(
            place=place.code if place else "", kind=kind, festival=festival
        ),
        "today": today,
    }
    if day is not None:
        rows = selectors.events(request.user, first=day, last=day, **filters)
        season = next((s.festival for s in selectors.seasons_between(day, day)), None)
        return render(
            request,
            "culture/day.html",
            {
                **context,
                "day": day,
                "day_query": f"{context['filters']}day={day:%Y-%m-%d}&",
                "season": season,
                "page": pages.page_of(request, rows),
            },
        )
    month_view = selectors.month_calendar(request.user, month, **filters)
    return render(
        request,
        "culture/calendar.html",
        {
            **context,
            "calendar": month_view,
            "previous": _month_shift(month_view.month, -1),
            "next": _month_shift(month_view.month, 1),
        },
    )


@organised_event
@require_http_methods(["GET", "POST"])
def partners(request, activity):
    if activity.kind not in CULTURE_KINDS:
        return redirect("activities:detail", activity.pk)
    if request.method == "POST":
        return pages.written(
            request,
            lambda: services.partners_set(
                actor=request.user,
                activity=activity,
                organisation_ids=[parse_id(v) or 0 for v in request.POST.getlist("partners")],
            ),
            again=lambda error: _partners(request, activity, error=error, status=400),
            success=_("Partner units saved."),
            to=lambda saved: ("culture:calendar",),
        )
    return _partners(request, activity)


def _partners(request, activity, *, error=None, status=200):
    chosen = set(activity.partners.values_list("organisation_id", flat=True))
    return render(
        request,
        "culture/partners.html",
        {
            "activity": activity,
            "organisations": Organisation.objects.order_by("kind", "name"),
            "chosen": chosen,
            "error": error,
        },
        status=status,
    )


# --- showcases -----------------------------------------------------------------------------


def _picks(user):
    """The held cultural events an official may make a showcase of."""
    if not has_role(user, OFFICIALS):
        return Activity.objects.none()
    return (
        Activity.objects.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS),
            kind__in=CULTURE_KINDS,
            status=Activity.Status.FINISHED,
            showcases__isnull=True,
        )
        .select_related("place")
        .order_by("-starts_at", "-pk")
    )


def _gallery(user, showcase, failed) -> Gallery:
    """A showcase's photos; `failed`: (the showcase, the refusal) of a photo upload refused."""
    return Gallery(
        photos=list(showcase.photos.all()),
        subject=showcase.title,
        prefix=f"showcase-{showcase.pk}-photos",
        may_edit=services.may_edit_showcase(user, showcase),
        add_url=reverse("culture:showcase_photo_add", args=[showcase.pk]),
        back=reverse("culture:showcases"),
        error=failed[1] if failed and failed[0] == showcase.pk else None,
    )


def _showcases(request, *, error=None, photo_failed=None, status=200):
    category = request.GET.get("category", "")
    category = category if category in Showcase.Category.values else ""
    rows = list(selectors.published_showcases(category))
    counts = dict.fromkeys(Showcase.Category.values, 0)
    for value in selectors.published_showcases().values_list("category", flat=True):
        counts[value] += 1
    user = request.user
    for showcase in rows:
        showcase.gallery = _gallery(user, showcase, photo_failed)
    return render(
        request,
        "culture/showcases.html",
        {
            "showcases": rows,
            "categories": [(v, label, counts[v]) for v, label in Showcase.Category.choices],
            "category": category,
            "picks": _picks(user)[:50] if user.is_authenticated else [],
            "error": error,
            "values": request.POST,
            "photo_limit": MAX_PHOTOS,
        },
        status=status,
    )


@login_not_required
@require_GET
def showcases(request):
    return _showcases(request)


@require_POST
def showcase_create(request):
    post = request.POST
    activity = _picks(request.user).filter(pk=parse_id(post.get("activity"))).first()
    if activity is None:
        return _showcases(
            request,
            error=ValidationFailed(_("Choose a cultural event that took place.")),
            status=400,
        )
    return pages.written(
        request,
        lambda: services.showcase_create(
            actor=request.user,
            category=post.get("category"),
            title=post.get("title"),
            write_up=post.get("write_up"),
            activity=activity,
            photos=request.FILES.getlist("photos"),
            caption=post.get("caption", ""),
        ),
        again=lambda error: _showcases(request, error=error, status=400),
        success=_("Published among the showcases."),
        to=lambda created: ("culture:showcases",),
    )


@require_POST
def showcase_withdraw(request, pk):
    showcase = Showcase.objects.filter(pk=parse_id(pk), published=True).first()
    if showcase is None:
        raise NotFound()
    services.showcase_withdraw(actor=request.user, showcase=showcase)
    messages.success(request, _("Withdrawn from the showcases."))
    return redirect("culture:showcases")


# --- showcases' photos -----------------------------------------------------------------------


def _published_showcase(pk) -> Showcase:
    showcase = Showcase.objects.filter(pk=parse_id(pk), published=True).first()
    if showcase is None:
        raise NotFound()
    return showcase


@require_POST
def showcase_photo_add(request, pk):
    showcase = _published_showcase(pk)
    return pages.written(
        request,
        lambda: services.showcase_photos_add(
            actor=request.user,
            showcase=showcase,
            files=request.FILES.getlist("photos"),
            caption=request.POST.get("caption", ""),
        ),
        again=lambda error: _showcases(request, photo_failed=(showcase.pk, error), status=400),
        success=_("Photos added."),
        to=lambda added: ("culture:showcases",),
    )


@require_POST
def showcase_photo_remove(request, pk):
    photo = selectors.showcase_photo_get(pk)
    services.showcase_photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo is removed."))
    return redirect(safe_next(request) or "culture:showcases")


@login_not_required
@require_GET
def showcase_photo(request, pk, variant):
    return photo_response(selectors.showcase_photo_get(pk), variant, shared=True)
