"""Volunteer, team and certificate pages: parse, call a selector or service, render. No logic.

Anything the user may not see or do answers 404, the same as a wrong address. A refused or bad
action changes nothing: forms come back with the message on the field (status 400); a refused
one-button action is answered by core.middleware (the message, back on the page it was posted
from).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meihao.core import pages
from meihao.core.errors import DomainError, NotFound, PermissionDenied
from meihao.core.forms import add_domain_error
from meihao.core.pages import page_of, public_url, query_string
from meihao.core.throttle import rate_limited
from meihao.people.models import Team
from meihao.people.selectors import own_person
from meihao.places.models import Level, Place
from meihao.volunteers import certificates, consent, selectors, services, teams
from meihao.volunteers.forms import (
    CertificateForm,
    CommunityForm,
    JoinForm,
    MemberForm,
    ReasonForm,
    RegisterForm,
    TeamCreateForm,
    UnitForm,
)
from meihao.volunteers.models import VolunteerProfile
from meihao.volunteers.pdf import certificate_pdf
from meihao.volunteers.phone_home import phone_home
from meihao.volunteers.tiers import ALLIANCE_KINDS, Tier


def requires(ability: str):
    """A page for one app-wide ability: anyone without it, and any refusal, gets the same 404
    as a wrong address."""
    return pages.requires(
        lambda user: selectors.volunteer_abilities(user)[ability], refusal_is_404=True
    )


# ---------------------------------------------------------------------------------------------
# The volunteer's own pages


@requires("volunteer")
def home(request):
    profile = selectors.own_profile(request.user)
    context = {
        "profile": profile,
        "abilities": selectors.volunteer_abilities(request.user),
        "home": phone_home(request.user),
    }
    if profile is not None:
        context.update(
            standing=selectors.standing_of(profile.person),
            memberships=selectors.my_memberships(profile.person),
            certificates=selectors.my_certificates(request.user),
        )
    return render(request, "volunteers/home.html", context)


@never_cache
@requires("volunteer")
def register(request):
    if selectors.own_profile(request.user) is not None:
        messages.info(request, _("You are already registered as a volunteer."))
        return redirect("volunteers:home")
    person = own_person(request.user)
    form = RegisterForm(
        request.POST or None,
        communities=selectors.registration_communities(person),
        initial={"community": selectors.default_community(person)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.volunteer_register(
                actor=request.user,
                consent_given=data["consent"],
                community=data["community"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                skills=data["skills"],
                service_areas=data["service_areas"],
                guardian_name=data["guardian_name"],
                guardian_phone=data["guardian_phone"],
                guardian_consent=data["guardian_consent"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Welcome! You are now a registered volunteer."))
            return redirect("volunteers:home")
    status = 400 if form.errors else 200
    return render(
        request,
        "volunteers/register.html",
        {
            "form": form,
            "person": person,
            "consent_template": consent.TEMPLATE,
            "consent_version": consent.VERSION,
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Teams


@requires("volunteer")
def team_list(request):
    tier = request.GET.get("tier", "")
    kind = request.GET.get("kind", "")
    code = request.GET.get("community", "").strip()[:15]
    community = Place.objects.filter(code=code, level=Level.COMMUNITY).first() if code else None
    teams_found = selectors.team_directory(request.user, tier=tier, kind=kind, community=community)
    labels = dict(Team.Kind.choices)
    return render(
        request,
        "volunteers/team_list.html",
        {
            "page": page_of(request, teams_found),
            "tier": tier if tier in Tier.values else "",
            "kind": kind if kind in ALLIANCE_KINDS else "",
            "community": community,
            "tiers": Tier.choices,
            "kinds": [(k, labels[k]) for k in ALLIANCE_KINDS],
            "query": query_string(tier=tier, kind=kind, community=code),
            "abilities": selectors.volunteer_abilities(request.user),
        },
    )


@requires("manage")
def team_create(request):
    form = TeamCreateForm(
        request.POST or None,
        parents=selectors.alliance_parents(request.user),
        places=selectors.team_places(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = teams.alliance_team_create(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                place=data["place"],
                parent=data["parent"],
            )
        except DomainError as error:  # refusals too: the form says which tier is not theirs
            add_domain_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was set up.") % {"name": team.name})
            return redirect("volunteers:team", team_id=team.pk)
    return render(
        request, "volunteers/team_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _team_forms(request, page) -> dict:
    """The management forms of the team page, for a manager."""
    team = page.team
    red_armband = team.kind == Team.Kind.RED_ARMBAND
    return {
        "member_form": MemberForm(
            red_armband=red_armband, volunteers=selectors.managed_volunteers(request.user, team)
        ),
        "pairing_form": CommunityForm(communities=selectors.pairing_communities(team)),
        "unit_form": UnitForm(units=selectors.unit_choices(team)),
        "member_rows": [
            (
                member,
                MemberForm(
                    red_armband=red_armband,
                    initial={"position": member.position, "duty": member.duty},
                    prefix=f"m{member.pk}",
                ),
            )
            for member in page.members
        ],
    }


@requires("volunteer")
def team_detail(request, team_id: int):
    team = selectors.team_get(request.user, team_id)
    page = selectors.team_page(request.user, team)
    context = {
        "page": page,
        "team": team,
        "join_form": JoinForm(red_armband=team.kind == Team.Kind.RED_ARMBAND),
    }
    if page.abilities["manage"]:
        context.update(_team_forms(request, page))
    return render(request, "volunteers/team_detail.html", context)


def _managed_team(request, team_id: int) -> Team:
    """A team the user manages; any other answers 404 before a form is even read."""
    team = selectors.team_get(request.user, team_id)
    if not selectors.may_manage_team(request.user, team):
        raise Http404()
    return team


def _team_url(team_id: int) -> str:
    return reverse("volunteers:team", args=[team_id])


@require_POST
@requires("volunteer")
def team_join(request, team_id: int):
    team = selectors.team_get(request.user, team_id)
    form = JoinForm(request.POST, red_armband=team.kind == Team.Kind.RED_ARMBAND)
    duty = request.POST.get("duty", "") if form.is_valid() else ""
    teams.team_join(actor=request.user, team=team, duty=duty)
    messages.success(request, _("You joined “%(name)s”.") % {"name": team.name})
    return redirect(_team_url(team.pk))


@require_POST
@requires("volunteer")
def team_leave(request, team_id: int):
    team = selectors.team_get(request.user, team_id)
    teams.team_leave(actor=request.user, team=team)
    messages.success(request, _("You left “%(name)s”.") % {"name": team.name})
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def member_add(request, team_id: int):
    team = _managed_team(request, team_id)
    form = MemberForm(
        request.POST,
        red_armband=team.kind == Team.Kind.RED_ARMBAND,
        volunteers=selectors.managed_volunteers(request.user, team),
    )
    if not form.is_valid():
        messages.error(request, _("Choose a volunteer, a position and a duty."))
        return redirect(_team_url(team.pk))
    data = form.cleaned_data
    teams.team_member_add(
        actor=request.user,
        team=team,
        profile=data["volunteer"],
        position=data["position"],
        duty=data["duty"],
    )
    messages.success(
        request, _("%(name)s joined the team.") % {"name": data["volunteer"].person.real_name}
    )
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def member_update(request, team_id: int, member_id: int):
    team = _managed_team(request, team_id)
    membership = selectors.membership_get(team, member_id)
    form = MemberForm(
        request.POST, red_armband=team.kind == Team.Kind.RED_ARMBAND, prefix=f"m{membership.pk}"
    )
    if not form.is_valid():
        messages.error(request, _("Choose a position and a duty."))
        return redirect(_team_url(team.pk))
    teams.team_member_update(
        actor=request.user,
        membership=membership,
        position=form.cleaned_data["position"],
        duty=form.cleaned_data["duty"],
    )
    messages.success(request, _("The member's position and duty were saved."))
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def member_remove(request, team_id: int, member_id: int):
    team = _managed_team(request, team_id)
    membership = selectors.membership_get(team, member_id)
    teams.team_member_remove(actor=request.user, membership=membership)
    messages.success(
        request, _("%(name)s was removed from the team.") % {"name": membership.person.real_name}
    )
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def pairing_add(request, team_id: int):
    team = _managed_team(request, team_id)
    form = CommunityForm(request.POST, communities=Place.objects.filter(level=Level.COMMUNITY))
    if not form.is_valid():
        messages.error(request, _("Choose a community."))
        return redirect(_team_url(team.pk))
    community = form.cleaned_data["community"]
    teams.team_pairing_add(actor=request.user, team=team, community=community)
    messages.success(
        request, _("The team is now paired with %(community)s.") % {"community": community.name}
    )
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def pairing_remove(request, team_id: int, pairing_id: int):
    team = _managed_team(request, team_id)
    pairing = selectors.pairing_get(team, pairing_id)
    teams.team_pairing_remove(actor=request.user, pairing=pairing)
    messages.success(
        request,
        _("The pairing with %(community)s was ended.") % {"community": pairing.community.name},
    )
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def unit_add(request, team_id: int):
    team = _managed_team(request, team_id)
    form = UnitForm(request.POST, units=selectors.unit_choices(team))
    if not form.is_valid():
        messages.error(request, _("Choose a unit."))
        return redirect(_team_url(team.pk))
    organisation = form.cleaned_data["organisation"]
    teams.alliance_unit_add(actor=request.user, team=team, organisation=organisation)
    messages.success(request, _("%(unit)s is now a member unit.") % {"unit": organisation.name})
    return redirect(_team_url(team.pk))


@require_POST
@requires("manage")
def unit_remove(request, team_id: int, unit_id: int):
    team = _managed_team(request, team_id)
    member = selectors.alliance_unit_get(team, unit_id)
    teams.alliance_unit_remove(actor=request.user, member=member)
    messages.success(
        request, _("%(unit)s is no longer a member unit.") % {"unit": member.organisation.name}
    )
    return redirect(_team_url(team.pk))


# ---------------------------------------------------------------------------------------------
# Staff: the volunteer roster


@requires("manage")
def roster(request):
    q = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    community = request.GET.get("community", "").strip()[:15]
    page = page_of(request, selectors.roster(request.user, q=q, status=status, community=community))
    for profile in page:
        profile.standing = selectors.standing_for_minutes(profile.minutes)
    return render(
        request,
        "volunteers/roster.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "community": community,
            "statuses": VolunteerProfile.Status.choices,
            "communities": selectors.roster_communities(request.user),
            "query": query_string(q=q, status=status, community=community),
        },
    )


def _volunteer_page(request, profile, *, certificate_form=None, reason_form=None, status=200):
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "profile": profile,
            "standing": selectors.standing_for_minutes(profile.minutes),
            "certificates": selectors.certificate_list(request.user).filter(person=profile.person),
            "certificate_form": certificate_form or CertificateForm(),
            "reason_form": reason_form or ReasonForm(),
        },
        status=status,
    )


@requires("manage")
def volunteer_detail(request, profile_id: int):
    return _volunteer_page(request, selectors.profile_get(request.user, profile_id))


@require_POST
@requires("manage")
def volunteer_suspend(request, profile_id: int):
    profile = selectors.profile_get(request.user, profile_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_suspend(
                actor=request.user, profile=profile, reason=form.cleaned_data["reason"]
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The volunteer was suspended."))
            return redirect("volunteers:volunteer", profile_id=profile.pk)
    return _volunteer_page(request, profile, reason_form=form, status=400)


@require_POST
@requires("manage")
def volunteer_reactivate(request, profile_id: int):
    profile = selectors.profile_get(request.user, profile_id)
    services.volunteer_reactivate(actor=request.user, profile=profile)
    messages.success(request, _("The volunteer is active again."))
    return redirect("volunteers:volunteer", profile_id=profile.pk)


@require_POST
@requires("manage")
def certificate_issue(request, profile_id: int):
    profile = selectors.profile_get(request.user, profile_id)
    form = CertificateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            certificate = certificates.certificate_issue(
                actor=request.user,
                profile=profile,
                content=data["content"],
                issuer_name=data["issuer_name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(number)s was issued.") % {"number": certificate.number},
            )
            return redirect("volunteers:volunteer", profile_id=profile.pk)
    return _volunteer_page(request, profile, certificate_form=form, status=400)


# ---------------------------------------------------------------------------------------------
# Certificates


@requires("manage")
def certificate_list(request):
    return render(
        request,
        "volunteers/certificate_list.html",
        {
            "page": page_of(request, selectors.certificate_list(request.user)),
            "reason_form": ReasonForm(),
            "query": "",
        },
    )


@requires("volunteer")
def certificate_download(request, certificate_id: int):
    certificate = selectors.certificate_get(request.user, certificate_id)
    body = certificate_pdf(
        certificate,
        verify_url=public_url(request, reverse("volunteers:verify", args=[certificate.token])),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@require_POST
@requires("manage")
def certificate_revoke(request, certificate_id: int):
    certificate = selectors.certificate_get(request.user, certificate_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    certificates.certificate_revoke(actor=request.user, certificate=certificate, reason=reason)
    messages.success(
        request, _("Certificate %(number)s was revoked.") % {"number": certificate.number}
    )
    return redirect("volunteers:certificates")


@login_not_required
@rate_limited("certificate_check", by="ip", methods=("GET",))
def certificate_verify(request, token: str):
    """Public (no log-in): whether the certificate is valid, and nothing personal beyond a
    masked name."""
    shown = selectors.certificate_verify(token)
    return render(request, "volunteers/certificate_verify.html", {"certificate": shown})
