"""The inbox pages: parse, call a selector or service, render. One view, page or fragment."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from meihao.notify import selectors, services
from meihao.notify.models import Message

PAGE_SIZE = 20


def _results(request, *, status=200):
    page = Paginator(selectors.inbox_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page}
    if request.htmx and request.htmx.target == "inbox-results":
        return render(request, "notify/_inbox_results.html", context, status=status)
    return render(request, "notify/inbox.html", context, status=status)


@login_required
def inbox(request):
    return _results(request)


@login_required
@require_POST
def mark_read(request, message_id: int):
    try:
        services.inbox_mark_read(user=request.user, message_id=message_id)
    except Message.DoesNotExist:
        raise Http404() from None
    if request.htmx:
        return _results(request)
    return redirect("notify:inbox")


@login_required
@require_POST
def open_message(request, message_id: int):
    """Mark read and follow the message's link (only to this site or a relative path)."""
    try:
        message = services.inbox_mark_read(user=request.user, message_id=message_id)
    except Message.DoesNotExist:
        raise Http404() from None
    if message.link and url_has_allowed_host_and_scheme(
        message.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(message.link)
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.inbox_mark_all_read(user=request.user)
    if request.htmx:
        return _results(request)
    return redirect("notify:inbox")
