"""Notice pages: the public column (open to all), and the staff's pages to publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meihao.bulletins import selectors, services
from meihao.bulletins.forms import NoticeForm, WithdrawForm
from meihao.core.errors import DomainError
from meihao.core.forms import add_domain_error
from meihao.core.pages import page_of, query_string, requires, scoped_object
from meihao.places.models import Place

SEARCH_MAX = 50


@login_not_required
def notice_list(request):
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    code = request.GET.get("place", "").strip()
    place = (
        Place.objects.filter(code=code, level__in=services.NOTICE_LEVELS).first() if code else None
    )
    notices = selectors.public_notices(place=place, q=q)
    return render(
        request,
        "bulletins/list.html",
        {
            "page": page_of(request, notices),
            "q": q,
            "place": place,
            "query": query_string(q=q, place=place.code if place else ""),
        },
    )


@login_not_required
def notice_detail(request, pk):
    notice = selectors.notice_public_get(pk)
    services.notice_count_read(notice=notice, user=request.user)
    return render(request, "bulletins/detail.html", {"notice": notice})


manager_page = requires(selectors.may_manage)


@manager_page
def manage(request):
    notices = selectors.managed_notices(request.user)
    return render(request, "bulletins/manage.html", {"page": page_of(request, notices)})


def _form(request, notice=None):
    initial = {}
    if notice is not None:
        initial = {
            "place": notice.place,
            "kind": notice.kind,
            "title": notice.title,
            "body": notice.body,
            "publish_at": notice.publish_at,
            "pinned": notice.pinned,
            "push_teams": list(notice.push_teams.all()),
        }
    return NoticeForm(
        request.POST or None,
        initial=initial,
        places=selectors.publishing_places(request.user),
        teams=selectors.pushable_teams(request.user),
    )


def _edit_page(request, notice=None):
    form = _form(request, notice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.notice_save(
                actor=request.user,
                notice=notice,
                place=data["place"],
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                publish_at=data["publish_at"],
                pinned=data["pinned"],
                push_teams=data.get("push_teams") or (),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if saved.is_published():
                messages.success(request, _("The notice is published."))
            else:
                messages.success(request, _("The notice is scheduled."))
            return redirect("bulletins:manage")
    return render(request, "bulletins/edit.html", {"form": form, "notice": notice})


@manager_page
def notice_create(request):
    return _edit_page(request)


@scoped_object(selectors.managed_notice_get, kwarg="pk")
def notice_edit(request, notice):
    return _edit_page(request, notice)


@require_POST
@scoped_object(selectors.managed_notice_get, kwarg="pk")
def notice_withdraw(request, notice):
    form = WithdrawForm(request.POST)
    if form.is_valid():
        services.notice_withdraw(
            actor=request.user, notice=notice, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The notice is withdrawn."))
        return redirect("bulletins:manage")
    return render(
        request,
        "bulletins/edit.html",
        {"form": _form(request, notice), "notice": notice, "withdraw_form": form},
        status=422,
    )
