"""The community police pages: a resident's officer, tips and groups; an officer's tips and
groups; the command view of the area. `/police/` is both sides, by role."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.cases.access import case_abilities, sees_as_citizen
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import case_page, decorate
from meihao.core import pages
from meihao.core.errors import DomainError, ValidationFailed
from meihao.core.pages import page_of, public_url
from meihao.core.qr import qr_svg
from meihao.police import groups as group_services
from meihao.police import selectors, services
from meihao.police.models import ACTION_NOTE_MAX, NOTICE_MAX, TIP_MAX, Tip
from meihao.police.steps import TIP_STEPS


def _home(request, *, error=None, failed="tip", status=200):
    """The police page; a refused `error` is shown by the form that `failed` (the tip, or the
    officer's group)."""
    user = request.user
    mine = case_page(request, selectors.my_tips(user), param="mine")
    context = {
        "my_block": selectors.my_block(user),
        "kinds": selectors.tip_kinds(),
        "mine": mine,
        "my_groups": selectors.my_groups(user),
        "tip_max": TIP_MAX,
        "token": uuid.uuid4().hex,
        "error": error,
        "failed": failed if error else "",
        "values": request.POST,
        "police": selectors.is_police(user),
    }
    if context["police"]:
        routed = case_page(request, selectors.officer_tips(user), param="routed")
        context.update(
            routed=routed,
            officer_groups=selectors.officer_groups(user),
            officer_blocks=group_services.officer_blocks(user),
        )
    return render(request, "police/home.html", context, status=status)


@login_required
@require_GET
def home(request):
    return _home(request)


def _send(request, *, group=None):
    post = request.POST
    return services.tip_send(
        actor=request.user,
        kind=post.get("kind", ""),
        description=post.get("description", ""),
        photos=request.FILES.getlist("photos"),
        lat=post.get("lat") or None,
        lon=post.get("lon") or None,
        share_identity=post.get("share_identity") == "on",
        group=group,
        idempotency_key=post.get("idempotency_key") or None,
    )


def _sent(request, tip):
    messages.success(
        request,
        _(
            "Tip %(number)s is sent to your community police officer. Only the officer knows it "
            "came from you."
        )
        % {"number": tip.case.number},
    )
    return redirect("police:tip", number=tip.case.number)


@login_required
@require_POST
def send(request):
    try:
        tip = _send(request)
    except DomainError as exc:
        return _home(request, error=exc, status=400)
    return _sent(request, tip)


def _tip_page(request, case, *, error=None, status=200):
    decorate([case])
    user = request.user
    citizen = sees_as_citizen(case, user)
    events = timeline(case, case.events.all(), viewer=user)
    if citizen:
        # The reporter learns that it was handled, never what the police wrote down; closing is
        # one step to them (the engine writes a report-back and a close).
        events = [event for event in events if event.action != "report_back"]
        for event in events:
            event.note = ""
    return render(
        request,
        "police/tip.html",
        {
            "case": case,
            "tip": case.tip,
            "citizen": citizen,
            "photos": list(case.photos.all()),
            "events": events,
            "abilities": case_abilities(case, user),
            "steps": TIP_STEPS.by_action,
            "outcomes": Tip.Outcome.choices,
            "note_max": ACTION_NOTE_MAX,
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@login_required
@require_GET
def tip(request, number):
    return _tip_page(request, selectors.tip_get(request.user, number))


@login_required
@require_POST
def tip_act(request, number, step):
    if TIP_STEPS.get(step) is None:
        raise Http404
    case = selectors.tip_get(request.user, number)
    try:
        TIP_STEPS.take(step, case=case, actor=request.user, inputs=request.POST.dict())
    except ValidationFailed as exc:
        return _tip_page(request, case, error=exc, status=400)
    messages.success(request, TIP_STEPS.get(step).done)
    return redirect("police:tip", number=number)


# --- groups ----------------------------------------------------------------------------------
def _group_page(request, group, *, error=None, status=200):
    user = request.user
    officer = group.officer_id == user.pk
    context = {
        "group": group,
        "officer": officer,
        "member": group_services.is_member(group, user),
        "notices": group.notices.all()[:20],
        "kinds": selectors.tip_kinds(),
        "tip_max": TIP_MAX,
        "notice_max": NOTICE_MAX,
        "token": uuid.uuid4().hex,
        "error": error,
        "values": request.POST,
        "member_count": group.team.memberships.count(),
    }
    if officer:
        join_url = public_url(request, reverse("police:join", args=[group.invite_token]))
        context.update(
            join_url=join_url,
            join_qr=qr_svg(join_url, css_class="police-qr"),
            members=page_of(request, selectors.group_members(group), param="members"),
            group_tips=group.tips.count(),
        )
    return render(request, "police/group.html", context, status=status)


@login_required
@require_GET
def group(request, pk):
    return _group_page(request, selectors.group_get(request.user, pk))


@pages.requires(selectors.is_police)
@require_POST
def group_new(request):
    try:
        created = group_services.group_create(
            actor=request.user,
            block_id=request.POST.get("block", ""),
            name=request.POST.get("name", ""),
            wecom_webhook_url=request.POST.get("wecom_webhook_url", ""),
        )
    except DomainError as exc:
        return _home(request, error=exc, failed="group", status=400)
    messages.success(request, _("Group set up. Show its QR code to residents to invite them."))
    return redirect("police:group", pk=created.pk)


@login_required
def join(request, token):
    """The invitation a QR code opens: the group and a button to join (a scan never joins by
    itself)."""
    invited = selectors.group_by_invitation(token)
    if request.method == "POST":
        try:
            group_services.group_join(actor=request.user, group=invited)
        except ValidationFailed as exc:
            return render(request, "police/join.html", {"group": invited, "error": exc}, status=400)
        messages.success(request, _("You joined %(group)s.") % {"group": invited.team.name})
        return redirect("police:group", pk=invited.pk)
    if request.method != "GET":
        raise Http404
    if group_services.is_member(invited, request.user):
        return redirect("police:group", pk=invited.pk)
    return render(request, "police/join.html", {"group": invited})


@login_required
@require_POST
def group_act(request, pk, step):
    """A group's steps: leave (a member), post a notice or renew the invitation (its officer),
    send a tip from it (a member)."""
    found = selectors.group_get(request.user, pk)
    user = request.user
    try:
        if step == "leave":
            group_services.group_leave(actor=user, group=found)
            messages.success(request, _("You left the group."))
            return redirect("police:home")
        if step == "notice":
            group_services.notice_post(actor=user, group=found, body=request.POST.get("body"))
            messages.success(request, _("Notice posted to the group and its WeCom chat."))
        elif step == "renew":
            group_services.invite_renew(actor=user, group=found)
            messages.success(request, _("New invitation: the old QR code no longer works."))
        elif step == "tip":
            if not group_services.is_member(found, user):
                raise Http404
            return _sent(request, _send(request, group=found))
        else:
            raise Http404
    except ValidationFailed as exc:
        return _group_page(request, found, error=exc, status=400)
    return redirect("police:group", pk=found.pk)


# --- the command view ------------------------------------------------------------------------
@pages.requires(selectors.is_police)
@require_GET
def command(request):
    """The community command-and-intelligence view (社区指挥情报, the "one centre" of 四队一中心):
    the area's open tips and hazards on a map and by age, the day's patrols and the street's
    police teams."""
    user = request.user
    now = timezone.now()
    open_tips = list(selectors.area_open_tips(user)[:300])
    points = []
    for tip in open_tips:
        case = tip.case
        tip.age_hours = int((now - case.created_at).total_seconds() // 3600)
        tip.reporter_shown = (
            case.reporter.real_name if tip.identity_shared and case.reporter else ""
        )
        lat, lon = case.lat, case.lon
        if lat is None and case.place is not None:  # sent from home: the home grid's centre
            lat, lon = case.place.centroid_lat, case.place.centroid_lon
        if lat is not None and lon is not None:
            points.append(
                {
                    "lat": lat,
                    "lon": lon,
                    "number": case.number,
                    "label": case.category.display_name if case.category else "",
                    "hazard": bool(case.category and case.category.code.startswith("02")),
                }
            )
    return render(
        request,
        "police/command.html",
        {
            "open_tips": open_tips,
            "points": points,
            "patrols": selectors.todays_patrols(user),
            "teams": selectors.area_teams(user),
            "today": timezone.localdate(),
        },
    )
