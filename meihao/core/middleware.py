"""One answer for every domain error a page does not handle itself.

A page view calls a service and lets its refusal propagate; this middleware turns it into what
the user sees, so views carry no `except DomainError` of their own (a form that shows the error
next to its field still catches it).
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from meihao.core.errors import DomainError, NotFound, PermissionDenied


def _on_this_site(request, candidate: str | None) -> str | None:
    # Only a path: redirect() would take a bare word ("2") for a URL name and fail.
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return None


def safe_next(request) -> str | None:
    """The `next` the form or link carries, if it is a path on this site."""
    return _on_this_site(request, request.POST.get("next") or request.GET.get("next"))


def safe_return_url(request) -> str | None:
    """Where the user came from (`next`, else the Referer), if it is a path on this site."""
    referer = request.headers.get("Referer")
    if referer:
        # The Referer is a full URL; compare it as one, but go back by its path.
        parts = urlsplit(referer)
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            referer = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            referer = None
    return safe_next(request) or _on_this_site(request, referer)


class DomainErrorMiddleware:
    """NotFound is the 404 page; PermissionDenied the 403 page. Any other refusal is said in the
    user's language with the error's status: to an htmx request as a small alert fragment; after
    a form post, as a message on the page the user came from; otherwise as an error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, DomainError):
            return None
        if isinstance(exc, NotFound):
            raise Http404(str(exc.message))
        if isinstance(exc, PermissionDenied):
            raise DjangoPermissionDenied(str(exc.message))
        if getattr(request, "htmx", False):
            fragment = format_html(
                '<div class="alert alert-danger" role="alert">{}</div>', exc.message
            )
            return HttpResponse(fragment, status=exc.status)
        back = safe_return_url(request) if request.method == "POST" else None
        if back:
            messages.error(request, exc.message)
            return redirect(back)
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
