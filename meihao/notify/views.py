"""The inbox pages: parse, call a selector or service, render. One view, page or fragment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meihao.core.errors import DomainError
from meihao.core.forms import add_domain_error
from meihao.notify import selectors, services
from meihao.notify.forms import FIELD_PREFIX, PreferencesForm
from meihao.notify.models import Message, Preference

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


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Where each kind of message goes: inbox, WeCom, email or off; and the addresses."""
    rows = selectors.channel_choices(request.user)
    preference = Preference.objects.filter(user=request.user).first()
    initial = {
        "email": preference.email if preference else "",
        "wecom_webhook_url": preference.wecom_webhook_url if preference else "",
    }
    if request.method == "GET":
        form = PreferencesForm(rows=rows, initial=initial)
        return render(request, "notify/preferences.html", {"form": form})
    form = PreferencesForm(request.POST, rows=rows, initial=initial)
    if form.is_valid():
        try:
            services.notify_preferences_save(
                user=request.user,
                channels=form.channels(),
                email=form.cleaned_data["email"],
                wecom_webhook_url=form.cleaned_data["wecom_webhook_url"],
            )
        except DomainError as error:
            add_domain_error(form, error, {code: FIELD_PREFIX + code for code in form.channels()})
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form}, status=400)
