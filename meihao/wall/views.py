"""The wall screen (数据大屏) and its display tokens.

`/wall/tokens/` (street chiefs and district admins) lists, issues and revokes the tokens of their
places. `/wall/t/<secret>/` is the screen a kiosk opens without a log-in, and
`/wall/t/<secret>/data.json` what it polls: both check the token on every request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from meihao.core.errors import ValidationFailed
from meihao.core.forms import add_domain_error
from meihao.core.pages import page_of, public_url, requires, scoped_object
from meihao.core.roles import SUPERVISORS
from meihao.core.scoping import scope_q
from meihao.core.throttle import RateLimited, rate_limited
from meihao.places.models import Place
from meihao.wall import selectors, services
from meihao.wall.forms import IssueForm
from meihao.wall.models import DisplayToken


def _places(user):
    return list(
        Place.objects.filter(level__in=services.WALL_LEVELS)
        .filter(scope_q(user, path_field="path", roles=SUPERVISORS))
        .order_by("path")
    )


def _tokens_page(request, form, *, issued=None, secret="", status=200):
    tokens = (
        DisplayToken.objects.visible_to(request.user)
        .select_related("place", "created_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )
    context = {"page": page_of(request, tokens), "query": "", "form": form, "issued": issued}
    if secret:
        context["screen_url"] = public_url(request, reverse("wall:screen", args=[secret]))
    return render(request, "wall/tokens.html", context, status=status)


@requires(services.may_issue)
def tokens(request):
    places = _places(request.user)
    if request.method != "POST":
        return _tokens_page(request, IssueForm(places=places))
    form = IssueForm(request.POST, places=places)
    if not form.is_valid():
        return _tokens_page(request, form, status=422)
    try:
        token, secret = services.display_token_issue(
            actor=request.user,
            place=form.places.get(form.cleaned_data["place"]),
            name=form.cleaned_data["name"],
        )
    except ValidationFailed as exc:
        add_domain_error(form, exc)
        return _tokens_page(request, form, status=400)
    return _tokens_page(request, IssueForm(places=places), issued=token, secret=secret)


@require_POST
@scoped_object(DisplayToken, kwarg="pk", page_ability=services.may_issue)
def revoke(request, token):
    token = services.display_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Display token “%(name)s” revoked.") % {"name": token.name})
    return redirect("wall:tokens")


def _throttled_json(request, exc: RateLimited, *args, **kwargs):
    return JsonResponse({"error": exc.message}, status=429)


@login_not_required
@rate_limited("wall_screen", by="ip", methods=("GET",))
@never_cache
@require_GET
def screen(request, secret):
    """The screen: a full-screen page whose script polls `data`; a revoked or unknown token
    draws the refusal instead (403 / 401)."""
    check = selectors.token_check(secret)
    context = {"check": check}
    if check.token is not None and check.status == 200:
        services.display_token_seen(token=check.token)
        context["config"] = {
            "dataUrl": reverse("wall:data", args=[secret]),
            "bounds": selectors.wall_bounds(check.token),
            "place": check.token.place.name,
            "messages": {
                "stale": _("Network interrupted: showing the data of %(time)s"),
                "live": _("Live"),
                "revoked": _("This wall screen's authorisation has been revoked."),
                "unauthorised": _("This wall screen is not authorised."),
            },
        }
    response = render(request, "wall/screen.html", context, status=check.status)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@rate_limited("wall_screen", by="ip", methods=("GET",), respond=_throttled_json)
@never_cache
@require_GET
def data(request, secret):
    """JSON of counts and anonymised points for the token's place; a JSON 401 (unknown) or
    403 (revoked) with the reason in the reader's language."""
    check = selectors.token_check(secret)
    if check.status != 200:
        state = "revoked" if check.status == 403 else "unknown"
        return JsonResponse({"error": check.error, "state": state}, status=check.status)
    services.display_token_seen(token=check.token)
    response = JsonResponse(selectors.wall_data(check.token))
    response["Referrer-Policy"] = "no-referrer"
    return response
