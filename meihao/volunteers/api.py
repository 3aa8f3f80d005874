"""The volunteers part of the JSON API (mounted at /api/v1/volunteers/). Parse, call a selector
or service, serialise: no logic here.

- GET  /volunteers/consent — the consent text a registration agrees to, and its version.
- POST /volunteers/register — register the logged-in resident: {"consent": true, "community",
  "real_name", "id_number", "skills", "service_areas", "guardian_name", "guardian_phone",
  "guardian_consent"} → 201 with the profile. `community` is a community code (default: the
  home community); `real_name` and `id_number` only when no ID number is on file; the guardian
  fields only for someone under 18. Without `consent: true` → 400 `consent_required`.
- GET  /volunteers/me — the user's volunteer profile, credited hours and star level; 404 when
  not registered.
- GET  /volunteers/teams?tier=&kind=&community=&limit=&offset= — the alliance's tiers and
  teams: {"items": [...], "count": N}.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.schemas import PageQuery
from meihao.places.models import Level, Place
from meihao.volunteers import consent, selectors, services
from meihao.volunteers.tiers import ALLIANCE_KINDS, Tier

router = Router()


class ConsentOut(Schema):
    version: str
    text: str


class VolunteerPlaceOut(Schema):
    code: str
    name: str


class ProfileOut(Schema):
    id: int
    real_name: str
    community: VolunteerPlaceOut
    status: str
    registered_at: datetime.datetime
    consent_version: str
    skills: str
    service_areas: list[str]
    minutes: int
    hours: float
    star: int
    next_star_hours: float | None


class RegisterIn(Schema):
    consent: bool = False
    community: str = Field("", max_length=15, description="Community code; default: home")
    real_name: str = Field("", max_length=50)
    id_number: str = Field("", max_length=18)
    skills: str = Field("", max_length=200)
    service_areas: list[str] = Field(default_factory=list, max_length=20)
    guardian_name: str = Field("", max_length=50)
    guardian_phone: str = Field("", max_length=20)
    guardian_consent: bool = False


class AllianceTeamOut(Schema):
    id: int
    name: str
    kind: str
    tier: str
    place: VolunteerPlaceOut
    parent_id: int | None
    member_count: int


class TeamPage(Schema):
    items: list[AllianceTeamOut]
    count: int


class TeamQuery(PageQuery):
    tier: str = Field("", description="district, street or team")
    kind: str = Field("", description="volunteer, service_squad or red_armband")
    community: str = Field("", max_length=15, description="Community code: based or paired")


def _profile_out(profile) -> dict:
    standing = selectors.standing_of(profile.person)
    return {
        "id": profile.pk,
        "real_name": profile.person.real_name,
        "community": profile.community,
        "status": profile.status,
        "registered_at": profile.registered_at,
        "consent_version": profile.consent_version,
        "skills": profile.skills,
        "service_areas": profile.service_areas,
        "minutes": standing.minutes,
        "hours": round(standing.hours, 2),
        "star": standing.star,
        "next_star_hours": None
        if standing.next_star_hours is None
        else round(standing.next_star_hours, 2),
    }


@router.get("/consent", response=ConsentOut, summary="The consent text of registration")
def consent_get(request):
    return {"version": consent.VERSION, "text": consent.plain_text()}


@router.post("/register", response={201: ProfileOut}, summary="Register as a volunteer")
def register(request, payload: RegisterIn):
    community = None
    if payload.community:
        community = Place.objects.filter(code=payload.community, level=Level.COMMUNITY).first()
        if community is None:
            raise ValidationFailed(_("No community has this code."), field="community")
    profile = services.volunteer_register(
        actor=request.user,
        consent_given=payload.consent,
        community=community,
        real_name=payload.real_name,
        id_number=payload.id_number,
        skills=payload.skills,
        service_areas=payload.service_areas,
        guardian_name=payload.guardian_name,
        guardian_phone=payload.guardian_phone,
        guardian_consent=payload.guardian_consent,
    )
    return HttpStatus(201, _profile_out(profile))


@router.get("/me", response=ProfileOut, summary="My volunteer profile, hours and star level")
def me(request):
    profile = selectors.own_profile(request.user)
    if profile is None:
        raise NotFound()
    return _profile_out(profile)


@router.get("/teams", response=TeamPage, summary="The alliance's tiers and teams")
def teams(request, params: Query[TeamQuery]):
    if params.tier and params.tier not in Tier.values:
        raise ValidationFailed(_("Unknown tier."), field="tier")
    if params.kind and params.kind not in ALLIANCE_KINDS:
        raise ValidationFailed(_("Unknown kind of team."), field="kind")
    community = None
    if params.community:
        community = Place.objects.filter(code=params.community, level=Level.COMMUNITY).first()
        if community is None:
            raise ValidationFailed(_("No community has this code."), field="community")
    found = selectors.team_directory(
        request.user, tier=params.tier, kind=params.kind, community=community
    )
    return {
        "items": list(found[params.offset : params.offset + params.limit]),
        "count": found.count(),
    }
