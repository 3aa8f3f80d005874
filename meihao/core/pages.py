"""The pages' kit: who may open a page, and the one object a page is about.

Every page that is for some users only, or about one object, is declared with these
decorators, so "anyone else gets the same 404 as a wrong address" is decided here once.
Domain errors a page does not handle itself are answered by `core.middleware`.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Protocol, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import month_up_to

PAGE_SIZE = 25


def public_url(request, path: str) -> str:
    """The absolute address of `path` for print (a QR code on a document or a poster): the
    configured public address when set (the server may sit behind a proxy), else the one this
    request came to."""
    base = settings.NOTIFY_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def requires(ability: Callable[..., bool], *, refusal_is_404: bool = False):
    """A logged-in page for the users of whom `ability(user)` holds; anyone else gets a 404.

    With `refusal_is_404`, a PermissionDenied from the services is the same 404 too: for pages
    whose refusals all mean "not in your places" (a 403 would confirm the object exists).
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not ability(request.user):
                raise Http404()
            if not refusal_is_404:
                return view(request, *args, **kwargs)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                raise Http404() from None

        return wrapped

    return decorator


class _VisibleTo(Protocol):
    def visible_to(self, user) -> QuerySet: ...


def _resolver(source) -> Callable:
    """`source` as a function (user, key) → object: a model or queryset with `visible_to`
    looked up by primary key, or a selector (user, key) that raises NotFound or returns None."""
    if isinstance(source, type) and issubclass(source, Model):
        source = source._default_manager.all()
    if isinstance(source, QuerySet):
        queryset = cast(_VisibleTo, source)

        def resolve(user, key):
            return queryset.visible_to(user).filter(pk=key).first()

        return resolve
    return source


def scoped_object(
    source,
    *,
    kwarg: str | None = "pk",
    ability: Callable[..., bool] | None = None,
    page_ability: Callable[..., bool] | None = None,
):
    """A logged-in page about one object, resolved from the URL's `kwarg` through the user's
    scope and passed to the view in its place (`view(request, obj, **rest)`).

    With `kwarg=None` the object is the user's own, found by `source(user)` (their member
    record, their profile). Missing, out of scope, or failing `ability(user, obj)` all answer
    the same 404;
    `page_ability(user)` is checked first, before any query for the object.
    """
    resolve = _resolver(source)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if page_ability is not None and not page_ability(user):
                raise Http404()
            try:
                obj = resolve(user) if kwarg is None else resolve(user, kwargs.pop(kwarg))
            except NotFound:
                obj = None
            if obj is None or (ability is not None and not ability(user, obj)):
                raise Http404()
            return view(request, obj, *args, **kwargs)

        return wrapped

    return decorator


def page_of(request, items, per_page: int = PAGE_SIZE, param: str = "page"):
    """The page of `items` the request asks for (`?page=`, or `param` where a page shows two
    lists), for `web/pager.html`."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def query_string(**params) -> str:
    """A list's filters for pager links, ending in & when there are any."""
    kept = urlencode({key: value for key, value in params.items() if value})
    return f"{kept}&" if kept else ""


def chosen_month(request) -> tuple[int, int]:
    """?month=YYYY-MM, default this month; anything unreadable or in the future is this month."""
    return month_up_to(request.GET.get("month"), today=timezone.localdate())


def month_links(year: int, month: int) -> dict:
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    return {
        "month_start": first,
        "month_value": f"{first:%Y-%m}",
        "previous_month": f"{previous:%Y-%m}",
        "next_month": (
            f"{following:%Y-%m}" if following.replace(day=1) <= timezone.localdate() else ""
        ),
    }


def written(request, write: Callable, *, again: Callable, success, to: Callable):
    """A page form's post: run the service `write`; a refusal (`ValidationFailed`) answers
    `again(error)` — the page drawn again with the message beside its form and what was typed,
    status 400 —, a success says `success` and redirects to `to(result)` (a URL name and its
    arguments)."""
    try:
        result = write()
    except ValidationFailed as exc:
        return again(exc)
    messages.success(request, success)
    return redirect(*to(result))
