"""The lecture menu's pages: the menu and a topic (order it, request it for a community), one's
own orders, a lecture team's desk (topics, requests to schedule or decline) and a street's or
community's monthly programme."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.core import pages
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_datetime, parse_id, parse_int, parse_month
from meihao.core.pages import page_of
from meihao.lectures import selectors, services
from meihao.lectures.models import Order, Topic
from meihao.places.models import Place

desk_page = pages.requires(selectors.runs_any_team)
programme_page = pages.requires(lambda user: selectors.programme_places(user).exists())
topic_page = pages.scoped_object(selectors.topic_get)


@login_required
@require_GET
def menu(request):
    q = request.GET.get("q", "").strip()[:50]
    team = parse_id(request.GET.get("team"))
    return render(
        request,
        "lectures/menu.html",
        {
            "page": page_of(request, selectors.menu(request.user, q=q, team=team)),
            "teams": selectors.menu_teams(),
            "q": q,
            "team": team,
            "query": pages.query_string(q=q, team=team or ""),
            "runs_team": selectors.runs_any_team(request.user),
            "sees_programme": selectors.programme_places(request.user).exists(),
        },
    )


def _topic(request, topic, *, error=None, form="", status=200):
    user = request.user
    order = Order.objects.filter(topic=topic, person__user=user).first()
    return render(
        request,
        "lectures/topic.html",
        {
            "topic": topic,
            "order": order,
            "order_count": topic.orders.count(),
            "sessions": selectors.upcoming_sessions(topic),
            "communities": selectors.requesting_communities(user),
            "runs": services.runs_team(user, topic.team),
            "error": error,
            "failed_form": form,
            "values": request.POST,
        },
        status=status,
    )


@topic_page
@require_GET
def topic(request, topic):
    return _topic(request, topic)


@topic_page
@require_POST
def order(request, topic):
    return pages.written(
        request,
        lambda: services.order_place(
            actor=request.user, topic=topic, note=request.POST.get("note")
        ),
        again=lambda error: _topic(request, topic, error=error, form="order", status=400),
        success=_("Ordered: you will be told when it is scheduled."),
        to=lambda order: ("lectures:topic", topic.pk),
    )


@topic_page
@require_POST
def order_cancel(request, topic):
    own = Order.objects.filter(topic=topic, person__user=request.user).first()
    if own is None:
        raise NotFound()
    services.order_cancel(actor=request.user, order=own)
    messages.success(request, _("Your order is cancelled."))
    return redirect("lectures:topic", topic.pk)


@topic_page
@require_POST
def request_session(request, topic):
    community = Place.objects.filter(pk=parse_id(request.POST.get("community"))).first()
    return pages.written(
        request,
        lambda: services.request_create(
            actor=request.user, topic=topic, community=community, note=request.POST.get("note")
        ),
        again=lambda error: _topic(request, topic, error=error, form="request", status=400),
        success=_("Requested: the lecture team is told."),
        to=lambda created: ("lectures:topic", topic.pk),
    )


@login_required
@require_GET
def mine(request):
    return render(
        request, "lectures/mine.html", {"page": page_of(request, selectors.my_orders(request.user))}
    )


# --- a lecture team's desk ------------------------------------------------------------------


def _desk(request, *, error=None, form="", failed_request=None, status=200):
    user = request.user
    return render(
        request,
        "lectures/desk.html",
        {
            "teams": selectors.run_teams(user),
            "page": page_of(request, selectors.team_topics(user)),
            "requests": selectors.open_requests(user),
            "error": error,
            "failed_form": form,
            "failed_request": failed_request,
            "values": request.POST,
        },
        status=status,
    )


@desk_page
@require_GET
def desk(request):
    return _desk(request)


def _topic_fields(post) -> dict:
    return {
        "title": post.get("title"),
        "summary": post.get("summary"),
        "speaker": post.get("speaker"),
        "minutes": parse_int(post.get("minutes"), minimum=0, maximum=10_000),
        "audience": post.get("audience"),
        "online": post.get("online") == "1",
        "offline": post.get("offline") == "1",
    }


@desk_page
@require_POST
def topic_create(request):
    team = selectors.run_teams(request.user).filter(pk=parse_id(request.POST.get("team"))).first()
    if team is None:
        raise NotFound()
    return pages.written(
        request,
        lambda: services.topic_create(
            actor=request.user,
            team=team,
            publish=request.POST.get("publish") == "1",
            **_topic_fields(request.POST),
        ),
        again=lambda error: _desk(request, error=error, form="topic", status=400),
        success=_("Topic saved."),
        to=lambda created: ("lectures:desk",),
    )


@topic_page
@require_POST
def topic_status(request, topic):
    if not services.runs_team(request.user, topic.team):
        raise NotFound()
    status = request.POST.get("status")
    if status not in Topic.Status.values:
        raise NotFound()
    services.topic_set_status(actor=request.user, topic=topic, status=status)
    messages.success(request, _("Topic updated."))
    return redirect("lectures:desk")


@desk_page
@require_POST
def schedule(request, pk):
    lecture_request = selectors.request_get(request.user, pk)
    post = request.POST
    return pages.written(
        request,
        lambda: services.session_schedule(
            actor=request.user,
            topic=lecture_request.topic,
            place=None,
            request=lecture_request,
            starts_at=parse_datetime(post.get("starts_at")),
            ends_at=parse_datetime(post.get("ends_at")),
            venue=post.get("venue", ""),
            address=post.get("address", ""),
            online_url=post.get("online_url", ""),
            capacity=parse_int(post.get("capacity"), default=100, minimum=0, maximum=100_000),
        ),
        again=lambda error: _desk(
            request, error=error, form="schedule", failed_request=lecture_request.pk, status=400
        ),
        success=_("Scheduled: everyone who ordered it is told."),
        to=lambda session: ("activities:detail", session.activity_id),
    )


@desk_page
@require_POST
def decline(request, pk):
    lecture_request = selectors.request_get(request.user, pk)
    return pages.written(
        request,
        lambda: services.request_decline(
            actor=request.user, request=lecture_request, reason=request.POST.get("reason")
        ),
        again=lambda error: _desk(
            request, error=error, form="decline", failed_request=lecture_request.pk, status=400
        ),
        success=_("Declined: the community is told why."),
        to=lambda declined: ("lectures:desk",),
    )


# --- the monthly programme --------------------------------------------------------------------


@programme_page
@require_GET
def programme(request):
    user = request.user
    places = list(selectors.programme_places(user))
    code = request.GET.get("place", "")
    place = next((p for p in places if p.code == code), None)
    if code and place is None:
        raise NotFound()
    place = place or places[0]
    today = timezone.localdate()
    chosen = parse_month(request.GET.get("month")) or today.replace(day=1)
    month = chosen.replace(day=1)
    return render(
        request,
        "lectures/programme.html",
        {
            "places": places,
            "place": place,
            "month": month,
            "programme": selectors.programme(place, month, today=today),
            "weeks": settings.LECTURE_ORDER_WAIT_WEEKS,
        },
    )
