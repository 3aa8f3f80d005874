"""The supervision register's pages: 404 for anyone who neither keeps it nor polices the area."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.core import pages
from meihao.core.errors import ValidationFailed
from meihao.core.pages import page_of
from meihao.supervision import selectors, services
from meihao.supervision.models import Supervisee

register_page = pages.requires(services.may_read)
keeper_page = pages.requires(services.may_keep)


def _list(request, *, error=None, status=200):
    user = request.user
    page = page_of(request, selectors.register_of(user))
    page.object_list = selectors.register_page(user, list(page.object_list))
    return render(
        request,
        "supervision/register.html",
        {
            "page": page,
            "authorities": selectors.my_authorities(user),
            "kinds": Supervisee.Kind.choices,
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@register_page
@require_GET
def register(request):
    return _list(request)


@keeper_page
@require_POST
def enter(request):
    post = request.POST
    try:
        entry = services.supervisee_enter(
            actor=request.user,
            authority_id=post.get("authority"),
            phone=post.get("phone"),
            kind=post.get("kind", ""),
            starts_on=post.get("starts_on"),
            ends_on=post.get("ends_on"),
            visit_every_days=post.get("visit_every_days"),
            officer_id=post.get("officer") or request.user.pk,
        )
    except ValidationFailed as exc:
        return _list(request, error=exc, status=400)
    messages.success(request, _("Entered on the register."))
    return redirect("supervision:entry", pk=entry.pk)


def _entry_page(request, entry, *, error=None, status=200):
    user = request.user
    return render(
        request,
        "supervision/entry.html",
        {
            "entry": entry,
            "visits": entry.visits.select_related("by")[:50],
            "may_visit": entry.authority_id in services.authority_ids(user)
            or entry.officer_id == user.pk,
            "may_end": entry.authority_id in services.authority_ids(user),
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@register_page
@require_GET
def entry(request, pk):
    return _entry_page(request, selectors.entry_get(request.user, pk))


@register_page
@require_POST
def visit(request, pk):
    found = selectors.entry_get(request.user, pk)
    try:
        services.visit_record(
            actor=request.user,
            entry=found,
            visited_on=request.POST.get("visited_on"),
            note=request.POST.get("note"),
        )
    except ValidationFailed as exc:
        return _entry_page(request, found, error=exc, status=400)
    messages.success(request, _("Visit recorded."))
    return redirect("supervision:entry", pk=found.pk)


@register_page
@require_POST
def end(request, pk):
    services.supervisee_end(actor=request.user, entry=selectors.entry_get(request.user, pk))
    messages.success(request, _("Taken off the register."))
    return redirect("supervision:register")
