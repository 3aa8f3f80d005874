"""Rate limits on Django's cache: a fixed window per limit and per user (or client address).

`settings.RATE_LIMITS` names each limit as (attempts, seconds). A page view takes the decorator
`rate_limited(name)`; code that is not a view (an API operation, for a limit narrower than the
API's own) calls `check(name, request)`, which raises `RateLimited`; a limit on something other
than the caller (the mobile number a code is sent to) calls `hit(name, subject)`. Exceeding a
limit answers 429 with `Retry-After` and the view does not run, so nothing changes. The cache is
shared between processes only with Redis (REDIS_URL); the embedded cache counts per process.
"""

import math
import threading
import time
from functools import wraps

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.throttling import BaseThrottle


class RateLimited(Exception):
    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(f"rate limited for {wait} s")

    @property
    def message(self) -> str:
        if self.wait < 60:
            wait = ngettext("%(count)d second", "%(count)d seconds", self.wait)
            wait %= {"count": self.wait}
        else:
            minutes = math.ceil(self.wait / 60)
            wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        return _("Too many attempts. Please try again in %(wait)s.") % {"wait": wait}


def client_ip(request) -> str:
    """The caller's address: the socket's peer, or, behind `TRUSTED_PROXIES` proxies, the
    address the outermost of them saw (the rest of X-Forwarded-For can be forged)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def _caller(request, by: str) -> str:
    user = getattr(request, "user", None)
    if by == "user" and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def check(name: str, request, *, by: str = "user") -> None:
    """Count one attempt against limit `name` for this caller; raise `RateLimited` beyond it.

    `by="user"` counts per logged-in user (per address for anonymous callers); `by="ip"` per
    client address."""
    hit(name, _caller(request, by))


def hit(name: str, subject: str) -> None:
    """Count one attempt against limit `name` for `subject` ("ip:…", "phone:…"); raise
    `RateLimited` beyond it."""
    attempts, seconds = settings.RATE_LIMITS[name]
    now = time.time()
    window = int(now // seconds)
    key = f"throttle:{name}:{subject}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the window's key expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count > attempts:
        raise RateLimited(max(1, math.ceil((window + 1) * seconds - now)))


def throttled_page(request, exc: RateLimited, *args, **kwargs):
    return render(request, "core/throttled.html", {"message": exc.message}, status=429)


def rate_limited(name: str, *, by: str = "user", methods=("POST",), respond=throttled_page):
    """Limit a view's `methods` requests by `name`; beyond it, `respond(request, exc, *args,
    **kwargs)` answers (a page by default) with status 429 and `Retry-After`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                try:
                    check(name, request, by=by)
                except RateLimited as exc:
                    response = respond(request, exc, *args, **kwargs)
                    response["Retry-After"] = str(exc.wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' log-in lockout. A log-in without a request (code in a shell, a test client's
    `login()`) has no address to count by and is no guess over the network: it goes on to the
    next backend unchecked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def login_locked_out(request, original_response=None, credentials=None):
    """Axes' answer to a locked-out log-in: the throttled page, 429, the cool-off to wait."""
    exc = RateLimited(int(get_cool_off(request).total_seconds()))
    response = throttled_page(request, exc)
    response["Retry-After"] = str(exc.wait)
    return response


class ApiRateThrottle(BaseThrottle):
    """Ninja's throttle hook over the same counter: the API's limit per user (token or session).

    Ninja answers a refusal through the API's `Throttled` handler and sets `Retry-After` from
    `wait()`; Ninja shares one instance between requests, so the wait is kept per thread."""

    def __init__(self, name: str = "api"):
        self.name = name
        self._last = threading.local()

    def allow_request(self, request) -> bool:
        try:
            check(self.name, request)
        except RateLimited as exc:
            self._last.wait = exc.wait
            return False
        return True

    def wait(self) -> float | None:
        return getattr(self._last, "wait", None)
