"""The micro-wishes' pages (phone first): order a wish, my wishes, the wish wall for party
members, my claims, the party committee's review queue, and one wish with its actions.

Parse, call a selector or service, render. The wish page's steps are those of
`wishes.steps`, which the API takes too.
"""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases.access import case_abilities, sees_as_citizen
from meihao.cases.models import CaseCategory
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import decorate
from meihao.core.errors import DomainError
from meihao.core.inputs import parse_id
from meihao.core.pages import requires, scoped_object
from meihao.wishes import selectors, services
from meihao.wishes.models import WISH_CODE
from meihao.wishes.steps import STEPS

PAGE_SIZE = 20
# The staff's timeline words for the wish's steps (citizens read wishes.vocabulary).
STEP_LABELS = {
    "accept": gettext_lazy("published"),
    "claim": gettext_lazy("claimed"),
    "join": gettext_lazy("joined in"),
    "report_back": gettext_lazy("fulfilled"),
    "verify_close": gettext_lazy("confirmed"),
    "reopen": gettext_lazy("sent back"),
    "points_credited": gettext_lazy("points credited"),
    "unclaimed_escalated": gettext_lazy("escalated: unclaimed"),
}


def _page(request, rows, param="page"):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))
    decorate(page.object_list)
    return page


@login_required
@require_GET
def home(request):
    user = request.user
    return render(
        request,
        "wishes/home.html",
        {"may_claim": selectors.may_claim(user), "may_review": selectors.may_review(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order(request):
    error = None
    if request.method == "POST":
        post = request.POST
        category_id = post.get("category") or ""
        category = CaseCategory.objects.filter(
            pk=parse_id(category_id, default=0),
            case_type__code=WISH_CODE,
            parent__isnull=False,
        ).first()
        try:
            case = services.wish_order(
                actor=request.user,
                category=category,
                description=post.get("description", ""),
                address=post.get("address", ""),
                idempotency_key=post.get("idempotency_key") or None,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Your wish %(number)s is sent to the community for review.")
                % {"number": case.number},
            )
            return redirect("wishes:detail", number=case.number)
    return render(
        request,
        "wishes/order.html",
        {
            "categories": selectors.wish_categories(),
            "values": request.POST,
            "error": error,
            "token": uuid.uuid4().hex,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def mine(request):
    return render(request, "wishes/list.html", _list_context(request, "mine", selectors.my_wishes))


@requires(selectors.may_claim)
@require_GET
def wall(request):
    return render(request, "wishes/list.html", _list_context(request, "wall", selectors.wall))


@login_required
@require_GET
def claims(request):
    return render(
        request, "wishes/list.html", _list_context(request, "claims", selectors.my_claims)
    )


LISTS = {
    "mine": (
        gettext_lazy("My wishes"),
        gettext_lazy("You have not made a wish yet."),
    ),
    "wall": (
        gettext_lazy("Wish wall"),
        gettext_lazy("No wishes wait in your communities right now."),
    ),
    "claims": (
        gettext_lazy("My claims"),
        gettext_lazy("You have not claimed a wish yet."),
    ),
}


def _list_context(request, name, rows) -> dict:
    title, empty = LISTS[name]
    return {
        "page": _page(request, rows(request.user)),
        "title": title,
        "empty": empty,
        "list": name,
    }


@requires(selectors.may_review)
@require_GET
def review(request):
    state = request.GET.get("state", "submitted")
    if state not in selectors.REVIEW_STATES:
        state = "submitted"
    return render(
        request,
        "wishes/review.html",
        {
            "page": _page(request, selectors.review_queue(request.user, state)),
            "state": state,
            "query": urlencode({"state": state}) + "&",
        },
    )


@require_GET
@scoped_object(selectors.wish_get, kwarg="number")
def detail(request, case):
    decorate([case])
    user = request.user
    events = timeline(case, case.events.all(), viewer=request.user, staff_labels=STEP_LABELS)
    claims = list(case.wish.claims.all())
    abilities = case_abilities(case, user)
    joinable = (
        case.status in services.JOINABLE_STATES
        and services.may_join(case, user)
        and case.assigned_user_id != user.pk
    )
    units = (
        services.claimable_units(user, case.wish.community)
        if abilities["claim"] or joinable
        else []
    )
    # Whom the user may claim or join as: themself, or one of their registered units, each once.
    taken_people = {c.person_id for c in claims if c.person_id}
    taken_units = {c.organisation_id for c in claims if c.organisation_id}
    person_id = getattr(getattr(user, "person", None), "pk", None)
    join_units = [u for u in units if u.pk not in taken_units] if joinable else []
    join_in_person = joinable and person_id not in taken_people
    return render(
        request,
        "wishes/detail.html",
        {
            "case": case,
            "wish": case.wish,
            "claims": claims,
            "citizen": sees_as_citizen(case, user),
            "events": events,
            "photos": [p for p in case.photos.all() if p.stage == "report_back"],
            "abilities": abilities,
            "steps": STEPS.by_action,
            "may_join": join_in_person or bool(join_units),
            "join_in_person": join_in_person,
            "join_units": join_units,
            "units": units,
            "targets": selectors.dispatch_targets(case) if abilities["dispatch"] else [],
        },
    )


@login_required
@require_POST
def act(request, number, step):
    if STEPS.get(step) is None:
        raise Http404
    case = selectors.wish_get(request.user, number)
    inputs = {**request.POST.dict(), "photos": request.FILES.getlist("photos")}
    STEPS.take(step, case=case, actor=request.user, inputs=inputs)
    messages.success(request, STEPS.get(step).done)
    return redirect("wishes:detail", number=number)
