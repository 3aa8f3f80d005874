"""The time bank's pages (phone first): join, my profile and family, ask for help, open
requests near me (list and map), one request with its actions, my help, and for staff the
members and the community pools.

Parse, call a selector or service, render. The request page's actions are the steps of
`timebank.steps` (the case engine's actions), with the phone's position where on site.
"""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases.access import case_abilities, sees_as_citizen
from meihao.cases.models import CaseCategory
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import decorate
from meihao.core.errors import DomainError, NotFound, ValidationFailed
from meihao.core.inputs import parse_id, parse_ids
from meihao.core.pages import requires, scoped_object
from meihao.people.selectors import own_person
from meihao.places.models import Level, Place, community_of
from meihao.timebank import selectors, services
from meihao.timebank.models import FamilyLink
from meihao.timebank.steps import STEPS
from meihao.timebank.visits import visits

PAGE_SIZE = 20
# The staff's timeline words for a help request's steps (citizens read timebank.vocabulary).
STEP_LABELS = {
    "start": gettext_lazy("checked in"),
    "report_back": gettext_lazy("checked out"),
    "verify_close": gettext_lazy("confirmed"),
    "reopen": gettext_lazy("sent back"),
    "helpers_notified": gettext_lazy("members nearby told"),
    "minutes_paid": gettext_lazy("minutes paid"),
}


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _point(post) -> tuple:
    return _float(post.get("lat")), _float(post.get("lon"))


def _skills(post) -> list:
    ids = [parse_id(v) for v in post.getlist("skills")]
    chosen = list(CaseCategory.objects.filter(pk__in=[pk for pk in ids if pk is not None]))
    if len(chosen) != len(set(ids)):
        raise ValidationFailed(_("Choose kinds of help from the list."), field="skills")
    return chosen


# A page for members of the time bank, about their own membership: anyone else gets a 404.
_members_only = scoped_object(selectors.own_member, kwarg=None)
_managers_only = requires(selectors.may_manage)


@login_required
@require_GET
def home(request):
    member = selectors.own_member(request.user)
    return render(
        request,
        "timebank/home.html",
        {
            "member": member,
            "minutes": selectors.minutes_balance(request.user),
            "may_manage": selectors.may_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    if selectors.own_member(request.user) is not None:
        return redirect("timebank:profile")
    person = own_person(request.user)
    community = community_of(person.home_place) if person else None
    point = services.home_point(person) if person else None
    error = None
    if request.method == "POST":
        try:
            lat, lon = _point(request.POST)
            services.member_join(actor=request.user, skills=_skills(request.POST), lat=lat, lon=lon)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Welcome to the time bank."))
            return redirect("timebank:home")
    pick = _point(request.POST) if request.method == "POST" else (None, None)
    if pick[0] is None or pick[1] is None:
        pick = point or (None, None)
    return render(
        request,
        "timebank/join.html",
        {
            "community": community,
            "pick_lat": pick[0],
            "pick_lon": pick[1],
            "categories": selectors.help_categories(),
            "chosen": parse_ids(request.POST.getlist("skills")),
            "error": error,
        },
        status=400 if error else 200,
    )


@_members_only
@require_http_methods(["GET", "POST"])
def profile(request, member):
    error = None
    if request.method == "POST":
        try:
            lat, lon = _point(request.POST)
            services.member_update(
                actor=request.user,
                member=member,
                lat=lat,
                lon=lon,
                skills=_skills(request.POST),
                available=request.POST.get("available") == "on",
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your time-bank profile is saved."))
            return redirect("timebank:profile")
    return render(
        request,
        "timebank/profile.html",
        {
            "member": member,
            "categories": selectors.help_categories(),
            "chosen": {c.pk for c in member.skills.all()},
            "error": error,
        },
        status=400 if error else 200,
    )


@_members_only
@require_POST
def family_add(request, member):
    services.family_link_add(
        actor=request.user,
        member=member,
        phone=request.POST.get("phone", ""),
        real_name=request.POST.get("real_name", ""),
        relation=request.POST.get("relation", ""),
    )
    messages.success(request, _("Family member registered."))
    return redirect("timebank:profile")


@_members_only
@require_POST
def family_remove(request, member, pk: int):
    link = FamilyLink.objects.filter(pk=pk, member=member).select_related("member__person").first()
    if link is None:
        raise Http404
    services.family_link_remove(actor=request.user, link=link)
    messages.success(request, _("Family member removed."))
    return redirect("timebank:profile")


@login_required
@require_http_methods(["GET", "POST"])
def ask(request):
    """Ask for help: for oneself, as a member withdrawing minutes (for oneself or family), or as
    staff for a resident found by mobile number."""
    user = request.user
    member = selectors.own_member(user)
    may_manage = selectors.may_manage(user)
    own = own_person(user)
    error = None
    if request.method == "POST":
        try:
            case = _ask(request, member, own, may_manage)
        except NotFound as exc:
            error = ValidationFailed(exc.message, field="requester")
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Your request %(number)s is sent to the members nearby.")
                % {"number": case.number},
            )
            return redirect("timebank:request", number=case.number)
    # The pin starts at the requester's home; the form sends it only once moved (or re-sent).
    moved = _point(request.POST)
    shown = moved if None not in moved else (services.home_point(own) if own else None)
    return render(
        request,
        "timebank/ask.html",
        {
            "member": member,
            "own": own,
            "may_manage": may_manage,
            "pick_lat": shown[0] if shown else None,
            "pick_lon": shown[1] if shown else None,
            "pick_fill": None not in moved,
            "categories": selectors.help_categories(),
            "minutes": selectors.minutes_balance(user) if member else 0,
            "values": request.POST,
            "selected_for": request.POST.get("for") or ("me" if own else "resident"),
            "error": error,
            "token": uuid.uuid4().hex,
        },
        status=400 if error else 200,
    )


def _ask(request, member, own, may_manage):
    post = request.POST
    category = CaseCategory.objects.filter(
        pk=parse_id(post.get("category"), default=0),
        case_type__code="TIMEBANK",
        parent__isnull=False,
    ).first()
    withdrawal = post.get("withdrawal") == "on" and member is not None
    who = post.get("for", "me")
    if who == "me":
        requester = own
    elif who == "resident" and may_manage:
        requester = selectors.requester_for(request.user, post.get("phone", ""))
        if requester is None:
            raise ValidationFailed(
                _("No resident in your communities has this mobile number."), field="phone"
            )
    elif parse_id(who) and member is not None:
        link = member.family_links.filter(pk=parse_id(who)).select_related("relative").first()
        if link is None:
            raise ValidationFailed(_("Choose a registered family member."), field="requester")
        if not withdrawal:
            raise ValidationFailed(
                _("Family members can only be helped with your minutes."), field="withdrawal"
            )
        requester = link.relative
    else:
        raise ValidationFailed(_("Choose whom the help is for."), field="requester")
    if requester is None:
        raise ValidationFailed(
            _("Your log-in has no resident record; ask your community."), field="requester"
        )
    lat, lon = _point(post)
    return services.help_request_submit(
        actor=request.user,
        requester=requester,
        category=category,
        description=post.get("description", ""),
        lat=lat,
        lon=lon,
        address=post.get("address", ""),
        withdrawal=withdrawal,
        idempotency_key=post.get("idempotency_key") or None,
    )


@_members_only
@require_GET
def nearby(request, member):
    everywhere = request.GET.get("all") == "1"
    found = selectors.requests_nearby(member, request.user, everywhere=everywhere)
    decorate([r.case for r in found])
    points = [
        {
            "lat": r.case.lat,
            "lon": r.case.lon,
            "label": f"{r.case.category.display_name} · {round(r.distance_m)} m",
            "url": reverse("timebank:request", args=[r.case.number]),
        }
        for r in found
    ]
    return render(
        request,
        "timebank/nearby.html",
        {
            "member": member,
            "found": found,
            "points": points,
            "everywhere": everywhere,
            "radius": selectors.circle_metres(),
        },
    )


@login_required
@require_GET
def mine(request):
    given = Paginator(selectors.help_given(request.user), PAGE_SIZE).get_page(
        request.GET.get("given")
    )
    received = Paginator(selectors.help_received(request.user), PAGE_SIZE).get_page(
        request.GET.get("received")
    )
    decorate(given.object_list)
    decorate(received.object_list)
    return render(
        request,
        "timebank/mine.html",
        {
            "given": given,
            "received": received,
            "minutes": selectors.minutes_balance(request.user),
        },
    )


@require_GET
@scoped_object(selectors.request_get, kwarg="number")
def detail(request, case):
    decorate([case])
    events = timeline(case, case.events.all(), viewer=request.user, staff_labels=STEP_LABELS)
    user = request.user
    return render(
        request,
        "timebank/detail.html",
        {
            "case": case,
            "help_request": case.help_request,
            "citizen": sees_as_citizen(case, user),
            "events": events,
            "visits": visits(events),
            "abilities": case_abilities(case, user),
            "steps": STEPS.by_action,
            # The requester's number for the helper who took it on, and for staff.
            "show_phone": case.assigned_user_id == user.pk or selectors.may_manage(user),
            "map_points": [{"lat": case.lat, "lon": case.lon, "label": case.number, "url": ""}],
        },
    )


@login_required
@require_POST
def act(request, number, step):
    if STEPS.get(step) is None:
        raise Http404
    case = selectors.request_get(request.user, number)
    lat, lon = _point(request.POST)
    inputs = {**request.POST.dict(), "lat": lat, "lon": lon}
    STEPS.take(step, case=case, actor=request.user, inputs=inputs)
    messages.success(request, STEPS.get(step).done)
    return redirect("timebank:request", number=number)


@_managers_only
@require_GET
def members(request):
    q = request.GET.get("q", "")
    page = Paginator(selectors.members_in_scope(request.user, q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode({"q": q}) + "&" if q else ""
    return render(request, "timebank/members.html", {"page": page, "q": q, "query": query})


@_managers_only
@require_http_methods(["GET", "POST"])
def pool(request):
    error = None
    if request.method == "POST":
        code = request.POST.get("community", "")
        community = Place.objects.filter(code=code, level=Level.COMMUNITY).first()
        try:
            services.pool_fund(
                actor=request.user,
                community=community,
                minutes=request.POST.get("minutes"),
                token=request.POST.get("token", ""),
                memo=request.POST.get("memo", ""),
            )
        except NotFound:
            raise
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The pool of %(name)s is funded.") % {"name": community})
            return redirect("timebank:pool")
    page = Paginator(selectors.managed_communities(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "timebank/pool.html",
        {
            "page": page,
            "error": error,
            "values": request.POST,
            "token": uuid.uuid4().hex,
        },
        status=400 if error else 200,
    )
