"""Patrol pages and the JSON endpoints the patrol page calls: parse, call, render. No logic.

The endpoints live here rather than in a Ninja router because they serve one page of ours (with
the session cookie and the CSRF token) and nothing else. They answer JSON errors
{"error": {"code", "message", "field"}}: 400 for bad input, 404 for anything not the worker's own
(the same as a wrong address), 401 when the log-in has expired, so the phone keeps its queue.
"""

import json
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meihao.core.errors import DomainError, NotFound, PermissionDenied
from meihao.core.pages import requires
from meihao.patrols import selectors, services
from meihao.patrols.models import DUTY_SECONDS, PatrolSession

PAGE_SIZE = 25


def _requires(ability: str):
    """A page for one patrol ability: anyone without it gets the same 404 as a wrong address."""
    return requires(lambda user: selectors.patrol_abilities(user)[ability])


def _error(error: DomainError, status: int) -> JsonResponse:
    body = {"code": error.code, "message": str(error.message), "field": error.field}
    return JsonResponse({"error": body}, status=status)


def _json_endpoint(view):
    """Login and the patrol ability checked, the body parsed, domain errors turned into JSON."""

    @wraps(view)
    @login_not_required  # answers its own JSON 401, which the phone's queue understands
    @never_cache
    @require_POST
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(DomainError(_("Please log in again."), code="login_required"), 401)
        if not selectors.patrol_abilities(request.user)["patrol"]:
            return _error(NotFound(), 404)
        try:
            payload = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            return _error(DomainError(_("The request is not a JSON object."), code="bad_json"), 400)
        try:
            return view(request, payload, *args, **kwargs)
        except DomainError as error:  # the phone's queue reads JSON, not the middleware's pages
            # patrol.js keeps its queue on a 403 (an expired log-in): a refusal is the 404.
            return _error(error, 404 if isinstance(error, PermissionDenied) else error.status)

    return wrapped


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def session_json(session: PatrolSession | None) -> dict | None:
    if session is None:
        return None
    return {
        "client_id": str(session.client_id),
        "status": session.status,
        "grid": {"id": session.grid_id, "name": session.grid.name},
        "started_at": _iso(session.started_at),
        "ended_at": _iso(session.ended_at),
        "point_count": session.point_count,
        "last_point_at": _iso(session.last_point_at),
        "duration_s": session.duration_s,
        "distance_m": session.distance_m,
    }


def _js_strings() -> dict:
    return {
        "start": _("Start patrol"),
        "end": _("End patrol"),
        "confirm_end": _("End this patrol?"),
        "starting": _("Starting…"),
        "online": pgettext("network", "Online"),
        "offline": _("Offline: points are kept on this phone and sent later."),
        "pending": _("Waiting to be sent"),
        "no_geolocation": _("This browser cannot read the location."),
        "geo_denied": _("Location is not allowed: allow it for this site to record the patrol."),
        "login": _("Your log-in has expired: log in again; nothing recorded is lost."),
        "ended": _("Patrol ended: %(minutes)s min, %(distance)s m."),
        "ended_offline": _("Patrol ended. It will be sent when there is signal."),
        "error": _("Could not send: %(message)s"),
    }


@_requires("patrol")
def current(request):
    active = selectors.active_patrol_for(request.user)
    grids = list(selectors.patrol_grids(request.user).values("id", "name"))
    config = {
        "user": request.user.pk,
        "interval_ms": 30_000,
        "urls": {
            "start": reverse("patrols:start"),
            "points": reverse("patrols:points", args=["00000000-0000-0000-0000-000000000000"]),
            "end": reverse("patrols:end", args=["00000000-0000-0000-0000-000000000000"]),
        },
        "active": session_json(active),
        "strings": _js_strings(),
    }
    return render(
        request,
        "patrols/current.html",
        {"active": active, "grids": grids, "config": config},
    )


@_json_endpoint
def start(request, payload):
    result = services.patrol_start(
        actor=request.user,
        client_id=payload.get("client_id"),
        grid=payload.get("grid") or None,
        lat=payload.get("lat"),
        lon=payload.get("lon"),
        started_at=payload.get("started_at"),
    )
    return JsonResponse(
        {"session": session_json(result.session), "created": result.created},
        status=201 if result.created else 200,
    )


@_json_endpoint
def points(request, payload, client_id):
    session = selectors.patrol_get(request.user, client_id)
    result = services.patrol_record_points(
        actor=request.user, session=session, points=payload.get("points")
    )
    session.refresh_from_db()
    return JsonResponse(
        {
            "stored": result.stored,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "session": session_json(session),
        }
    )


@_json_endpoint
def end(request, payload, client_id):
    session = selectors.patrol_get(request.user, client_id)
    session = services.patrol_end(
        actor=request.user, session=session, ended_at=payload.get("ended_at")
    )
    return JsonResponse({"session": session_json(session)})


@_requires("duty")
def duty(request):
    community = request.GET.get("community", "").strip()[:15]
    show = request.GET.get("show", "")
    if show not in {"", "unmet_today", "unmet_week"}:
        show = ""
    board = selectors.duty_board(request.user, community=community, show=show)
    page = Paginator(board.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = urlencode({k: v for k, v in (("community", board.community), ("show", show)) if v})
    return render(
        request,
        "patrols/duty.html",
        {
            "board": board,
            "page": page,
            "show": show,
            "query": f"{kept}&" if kept else "",
            "duty_minutes": DUTY_SECONDS // 60,
        },
    )


@_requires("mine")
def mine(request):
    days = selectors.my_patrol_days(request.user)
    page = Paginator(selectors.my_patrols(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "patrols/mine.html",
        {"days": days, "page": page, "met_days": sum(day.met for day in days)},
    )
