"""Catalogue pages: the public guides (browse, search, read, print, poster), the short link,
and the district administrators' editor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from meihao.catalogue import selectors, services
from meihao.catalogue.blank_forms import blank_form_pdf
from meihao.catalogue.forms import ItemForm, material_lines
from meihao.catalogue.guides import guide_of
from meihao.catalogue.models import LifeEvent
from meihao.core.errors import DomainError, NotFound
from meihao.core.forms import add_domain_error
from meihao.core.pages import page_of, query_string, requires, scoped_object
from meihao.core.qr import qr_svg
from meihao.core.roles import COUNTER_STAFF
from meihao.core.scoping import has_role

SEARCH_MAX = 30


@login_not_required
def item_list(request):
    place = selectors.catalogue_place(request.user)
    if place is None:
        raise NotFound()
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    department = selectors.department_get(place, request.GET.get("department", ""))
    event = request.GET.get("event", "")
    event = event if event in LifeEvent.values else ""
    online = request.GET.get("online") == "1"
    items = selectors.browse_for(
        request.user, place, q=q, department=department, event=event, online=online
    )
    return render(
        request,
        "catalogue/list.html",
        {
            "place": place,
            "page": page_of(request, items),
            "q": q,
            "department": department,
            "departments": selectors.departments(place),
            "event": event,
            "events": LifeEvent.choices,
            "online": online,
            "filtered": bool(q or department or event or online),
            "query": query_string(
                q=q,
                department=department.pk if department else "",
                event=event,
                online="1" if online else "",
            ),
        },
    )


@login_not_required
def item_detail(request, code):
    item = selectors.item_public_get(code)
    services.item_count_read(item=item, user=request.user)
    return render(
        request,
        "catalogue/detail.html",
        {
            "item": item,
            "route": selectors.route_for_viewer(item, request.user),
            "short_url": request.build_absolute_uri(reverse("service_short", args=[item.short])),
            # Counter staff file for a resident at the counter (代办): officials of the
            # residents' places and the item's department (egov.services decides for whom).
            "files_for_residents": has_role(request.user, COUNTER_STAFF),
        },
    )


@login_not_required
def item_poster(request, code):
    item = selectors.item_public_get(code)
    short_url = request.build_absolute_uri(reverse("service_short", args=[item.short]))
    return render(
        request,
        "catalogue/poster.html",
        {"item": item, "short_url": short_url, "qr": qr_svg(short_url, css_class="poster-qr-svg")},
    )


@login_not_required
def blank_form(request, code, material):
    item = selectors.item_public_get(code)
    form = next((m for m in item.materials.all() if m.pk == material and m.has_form), None)
    if form is None:
        raise NotFound()
    guide_url = request.build_absolute_uri(reverse("service_short", args=[item.short]))
    response = HttpResponse(
        blank_form_pdf(item, form, guide_url=guide_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{form.name}.pdf"
    )
    return response


@login_not_required
def short_link(request, short):
    return redirect("catalogue:detail", code=selectors.item_by_short(short).code)


editor_page = requires(selectors.may_edit)


@requires(selectors.may_keep_items)
def manage(request):
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    items = selectors.managed_items(request.user, q=q)
    return render(
        request,
        "catalogue/manage.html",
        {
            "page": page_of(request, items),
            "q": q,
            "query": query_string(q=q),
            "may_edit": selectors.may_edit(request.user),
        },
    )


def _initial(item) -> dict:
    if item is None:
        return {}
    guide = guide_of(item)
    initial = guide.item_values()
    initial.update(
        department=item.department,
        materials=material_lines(guide.materials),
        life_events=list(guide.life_events),
    )
    return initial


def _edit_page(request, item=None):
    place = item.place if item is not None else selectors.editable_places(request.user).first()
    if place is None:
        raise NotFound()
    form = ItemForm(
        request.POST or None,
        initial=_initial(item),
        departments=selectors.competent_bodies(place),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.item_save(
                actor=request.user, place=place, guide=form.guide(), item=item
            )
        except DomainError as exc:
            add_domain_error(form, exc, renamed={"department_id": "department"})
        else:
            messages.success(
                request,
                _("Saved as version %(version)s of the guide.") % {"version": saved.version},
            )
            return redirect("catalogue:edit", pk=saved.pk)
    return render(
        request,
        "catalogue/edit.html",
        {"form": form, "item": item, "place": place},
        status=422 if form.is_bound else 200,
    )


@editor_page
def item_create(request):
    return _edit_page(request)


@scoped_object(selectors.managed_item_get, kwarg="pk")
def item_edit(request, item):
    return _edit_page(request, item)


@scoped_object(selectors.kept_item_get, kwarg="pk")
def item_versions(request, item):
    return render(
        request,
        "catalogue/versions.html",
        {
            "item": item,
            "versions": selectors.versions_with_changes(item),
            "may_edit": selectors.may_edit(request.user),
        },
    )
