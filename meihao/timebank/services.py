"""Every write of the time bank: membership, family links, help requests, the pool, payment.

Claiming, checking in and out, confirming and sending back are the case engine's own actions
(`case_claim`, `case_start`, `case_report_back`, `case_verify_close`, `case_reopen` with the
phone's position for the on-site steps): the time bank adds no workflow of its own. What it adds
runs inside them: `help_request_settle` is the TIMEBANK type's close effect (the helper's
minutes and points, in the confirmation's transaction), `member_claim_group` its claim group.
"""

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases.classes import active_type
from meihao.cases.extensions import ClaimGroup, detail_url
from meihao.cases.models import Case, CaseCategory, CaseType
from meihao.cases.services import case_record_event, case_submit
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.ledger.models import Account, Transfer, Unit
from meihao.ledger.services import (
    CapReached,
    InsufficientBalance,
    account_for_person,
    issuer_account,
    ledger_earn_for_case,
    ledger_transfer,
    pool_account,
)
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import Person
from meihao.people.selectors import own_person
from meihao.places.models import PATH_SEPARATOR, Level, Place, community_of
from meihao.timebank import nearby
from meihao.timebank.models import (
    TIMEBANK_CODE,
    FamilyLink,
    HelpRequest,
    TimeBankMember,
)
from meihao.timebank.visits import minutes_on_site

register_kind("timebank_help_nearby", label=gettext_lazy("A neighbour near me asks for help"))

# How many of the nearest eligible members hear of a new request.
NOTIFY_NEAREST = 10
RELATION_MAX = 20
# A pool is funded a few thousand hours at a time, not more: a typo should not mint a fortune.
POOL_FUNDING_MAX_MINUTES = 100_000 * 60
FUNDING_TOKEN = re.compile(r"[A-Za-z0-9-]{8,64}")


def timebank_type() -> CaseType:
    case_type = active_type(TIMEBANK_CODE)
    if case_type is None:
        raise ValidationFailed(_("The time bank takes no requests at the moment."))
    return case_type


def home_point(person: Person) -> tuple[float, float] | None:
    """Where a person lives: their building, else the centre of their grid or community."""
    building = person.building
    if building is not None and building.lat is not None and building.lon is not None:
        return building.lat, building.lon
    place = person.home_place
    if place is not None and place.centroid_lat is not None:
        return place.centroid_lat, place.centroid_lon
    return None


def _point(lat, lon) -> tuple[float, float]:
    from meihao.places.geo import validate_point

    return validate_point(lat, lon)


def _grid_at(lat, lon) -> Place:
    from meihao.places import geo

    grid = geo.locate(lat, lon)
    if grid is None:
        raise ValidationFailed(
            _("This place is in no grid of the district. Move the pin."),
            code="outside_grids",
            field="location",
        )
    return grid


def _skills(categories) -> list[CaseCategory]:
    chosen = list(categories or ())
    allowed = {
        c.pk
        for c in CaseCategory.objects.filter(
            case_type__code=TIMEBANK_CODE, parent__isnull=False, is_active=True
        )
    }
    if any(getattr(c, "pk", None) not in allowed for c in chosen):
        raise ValidationFailed(_("Choose kinds of help from the list."), field="skills")
    return chosen


def _own_person(actor) -> Person:
    person = own_person(actor)
    if person is None:
        raise PermissionDenied(_("Your log-in has no resident record; ask your community."))
    return person


# ---------------------------------------------------------------------------------------------
# Membership


def _member_point(community: Place, lat, lon) -> tuple[float, float]:
    lat, lon = _point(lat, lon)
    if not _grid_at(lat, lon).path.startswith(community.path):
        raise ValidationFailed(
            _("Put the pin inside %(community)s, the community you help in.")
            % {"community": community.name},
            code="outside_community",
            field="location",
        )
    return lat, lon


@transaction.atomic
def member_join(*, actor, skills=(), lat=None, lon=None) -> TimeBankMember:
    """Join the time bank of the community one lives in (where one will help).

    The location is the member's home (building, else the centre of their grid) unless a pin
    is given; either way it must lie in that community.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to join the time bank."))
    person = _own_person(actor)
    community = community_of(person.home_place)
    if community is None:
        raise ValidationFailed(
            _("Your home community is not recorded; ask your community to add it."),
            code="no_home_community",
        )
    if TimeBankMember.objects.filter(person=person).exists():
        raise ValidationFailed(_("You are already a member of the time bank."), code="member")
    if lat is None and lon is None:
        point = home_point(person)
        if point is None:
            raise ValidationFailed(_("Set your location on the map."), field="location")
        lat, lon = point
    lat, lon = _member_point(community, lat, lon)
    skills = _skills(skills)
    member = TimeBankMember.objects.create(
        person=person,
        community=community,
        community_path=community.path,
        lat=lat,
        lon=lon,
        joined_at=timezone.now(),
    )
    member.skills.set(skills)
    audit_change(
        actor=actor,
        action="timebank.join",
        target=member,
        changes={"community": [None, community.code]},
    )
    return member


@transaction.atomic
def member_update(*, actor, member: TimeBankMember, lat, lon, skills, available: bool):
    """The member's own location (map pin), kinds of help and availability."""
    if member.person.user_id != getattr(actor, "pk", None):
        raise NotFound(_("No such member."))
    lat, lon = _member_point(member.community, lat, lon)
    skills = _skills(skills)
    changes = {}
    for field, value in (("lat", lat), ("lon", lon), ("available", bool(available))):
        if getattr(member, field) != value:
            changes[field] = [str(getattr(member, field)), str(value)]
            setattr(member, field, value)
    member.save(update_fields=["lat", "lon", "available", "updated_at"])
    before = sorted(member.skills.values_list("code", flat=True))
    after = sorted(c.code for c in skills)
    if before != after:
        member.skills.set(skills)
        changes["skills"] = [",".join(before), ",".join(after)]
    if changes:
        audit_change(actor=actor, action="timebank.member_update", target=member, changes=changes)
    return member


@transaction.atomic
def family_link_add(*, actor, member: TimeBankMember, phone: str, real_name: str, relation: str):
    """Register a family member one may withdraw help for: the person registered with this
    mobile number and exactly this name (both must match, so nothing about others is shown)."""
    if member.person.user_id != getattr(actor, "pk", None):
        raise NotFound(_("No such member."))
    phone, real_name = (phone or "").strip(), (real_name or "").strip()
    relation = (relation or "").strip()
    if not relation:
        raise ValidationFailed(_("Say how you are related."), field="relation")
    if len(relation) > RELATION_MAX:
        raise ValidationFailed(
            _("At most %(limit)s characters.") % {"limit": RELATION_MAX}, field="relation"
        )
    relative = (
        Person.objects.filter(phone=phone, real_name=real_name).exclude(pk=member.person_id).first()
        if phone and real_name
        else None
    )
    if relative is None:
        raise ValidationFailed(
            _("No registered resident has this mobile number and name."), field="phone"
        )
    try:
        with transaction.atomic():
            link = FamilyLink.objects.create(member=member, relative=relative, relation=relation)
    except IntegrityError:
        raise ValidationFailed(
            _("This family member is already registered."), field="phone"
        ) from None
    audit_change(
        actor=actor,
        action="timebank.family_add",
        target=member,
        changes={"relative": [None, str(relative.pk)]},
    )
    return link


@transaction.atomic
def family_link_remove(*, actor, link: FamilyLink) -> None:
    if link.member.person.user_id != getattr(actor, "pk", None):
        raise NotFound(_("No such family member."))
    audit_change(
        actor=actor,
        action="timebank.family_remove",
        target=link.member,
        changes={"relative": [str(link.relative_id), None]},
    )
    link.delete()


# ---------------------------------------------------------------------------------------------
# Claim group: members claim the open requests of their own community


def _memberships(user) -> list[tuple[str, int]]:
    """(community path, person id) of the user's membership, loaded once per request."""
    cached = getattr(user, "_meihao_timebank", None)
    if cached is None:
        cached = list(
            TimeBankMember.objects.filter(person__user_id=user.pk).values_list(
                "community_path", "person_id"
            )
        )
        user._meihao_timebank = cached
    return cached


def _pool_q(user) -> Q:
    # Pure SQL (part of every Case.objects.visible_to): the case lies in the community of one
    # of the user's memberships, and is not a request for the member themself.
    case_path = ExpressionWrapper(OuterRef("place_path"), output_field=CharField())
    return Q(
        Exists(
            TimeBankMember.objects.filter(
                StartsWith(case_path, F("community_path")), person__user_id=user.pk
            ).exclude(person_id=OuterRef("reporter_id"))
        )
    )


def _may_claim(case, user) -> bool:
    return any(
        case.place_path.startswith(path) and case.reporter_id != person_id
        for path, person_id in _memberships(user)
    )


member_claim_group = ClaimGroup(pool_q=_pool_q, may_claim=_may_claim)


# ---------------------------------------------------------------------------------------------
# Help requests


def _may_ask_for(actor, requester: Person) -> bool:
    """The requester themself, or the time bank's managers of the requester's home."""
    if requester.user_id is not None and requester.user_id == actor.pk:
        return True
    path = requester.home_place_path
    return bool(path) and covers(actor, path, OFFICIALS)


def help_request_submit(
    *,
    actor,
    requester: Person,
    category: CaseCategory | None,
    description: str,
    lat=None,
    lon=None,
    address: str = "",
    withdrawal: bool = False,
    idempotency_key: str | None = None,
) -> Case:
    """Ask for help (an elder for themself, or staff on an elder's behalf), or withdraw one's
    minutes as help for oneself or a registered family member.

    The request is a TIMEBANK case at the point given (else the requester's home); the nearest
    eligible members of its community (nearby.eligible_helpers) are told in the same
    transaction. Sending the same idempotency key again returns the first request.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to ask for help."))
    case_type = timebank_type()
    withdrawing = None
    if withdrawal:
        withdrawing = TimeBankMember.objects.filter(person__user=actor).first()
        if withdrawing is None:
            raise PermissionDenied(_("Only members of the time bank withdraw minutes."))
        linked = withdrawing.family_links.filter(relative=requester).exists()
        if requester.pk != withdrawing.person_id and not linked:
            raise ValidationFailed(
                _("Withdraw for yourself or a registered family member."), field="requester"
            )
        balance = (
            Account.objects.filter(person=withdrawing.person, unit=Unit.MINUTES)
            .values_list("balance", flat=True)
            .first()
        )
        if not balance or balance <= 0:
            raise ValidationFailed(
                _("You have no time-bank minutes to withdraw yet."), code="no_minutes"
            )
    elif not _may_ask_for(actor, requester):
        raise NotFound(_("No such resident."))
    if category is None or category.case_type_id != case_type.pk:
        raise ValidationFailed(_("Choose the kind of help."), field="category")
    if lat is None and lon is None:
        point = home_point(requester)
        if point is None:
            raise ValidationFailed(_("Set where the help is needed on the map."), field="location")
        lat, lon = point
    lat, lon = _point(lat, lon)
    grid = _grid_at(lat, lon)
    community = community_of(grid)
    with transaction.atomic():
        case = case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            place=grid,
            address=address,
            channel=Case.Channel.RESIDENT,
            reporter=requester,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        if HelpRequest.objects.filter(case=case).exists():
            return case  # the same request sent again
        help_request = HelpRequest.objects.create(
            case=case,
            kind=HelpRequest.Kind.WITHDRAWAL if withdrawing else HelpRequest.Kind.HELP,
            requester=requester,
            withdrawing_member=withdrawing,
            community=community,
            community_path=community.path,
        )
        _tell_nearest(case, help_request, category)
    return case


def _tell_nearest(case: Case, help_request: HelpRequest, category) -> None:
    excluded = {help_request.requester_id}
    if help_request.withdrawing_member_id:
        excluded.add(help_request.withdrawing_member.person_id)
    helpers = nearby.eligible_helpers(
        lat=case.lat,
        lon=case.lon,
        community_path=help_request.community_path,
        category=category,
        exclude_people=excluded,
        limit=NOTIFY_NEAREST,
    )
    recipients = [h.member.person.user for h in helpers if h.member.person.user_id]
    notify_enqueue(
        recipients=recipients,
        kind="timebank_help_nearby",
        subject=gettext_lazy("Someone near you needs help: {{ category }}"),
        body=gettext_lazy(
            "A neighbour within your service circle asks for help ({{ category }}): "
            "{{ description }}. Take it on if you can."
        ),
        link=detail_url(case),
        target=case,
        idempotency_key=f"timebank:{case.pk}:nearby",
        context={"category": str(category), "description": case.description[:80]},
    )
    HelpRequest.objects.filter(pk=help_request.pk).update(helpers_notified=len(recipients))
    help_request.helpers_notified = len(recipients)
    case_record_event(
        case=case, actor=None, action="helpers_notified", data={"count": len(recipients)}
    )


# ---------------------------------------------------------------------------------------------
# Confirmation: the TIMEBANK close effect


def _payer(help_request: HelpRequest, minutes: int):
    """(account, who) paying `minutes`, by the withdrawal or the TIMEBANK_PAYER policy."""
    if help_request.kind == HelpRequest.Kind.WITHDRAWAL:
        member = help_request.withdrawing_member
        return account_for_person(member.person, Unit.MINUTES), HelpRequest.Payer.MEMBER
    policy = settings.TIMEBANK_PAYER
    pool = pool_account(help_request.community, Unit.MINUTES)
    if policy == "pool":
        return pool, HelpRequest.Payer.POOL
    own = account_for_person(help_request.requester, Unit.MINUTES)
    if policy == "requester" or own.balance >= minutes:
        return own, HelpRequest.Payer.REQUESTER
    return pool, HelpRequest.Payer.POOL


PAYER_SHORT = {
    HelpRequest.Payer.REQUESTER: gettext_lazy(
        "The requester has not enough time-bank minutes for this help."
    ),
    HelpRequest.Payer.POOL: gettext_lazy(
        "The community pool has not enough minutes; community staff can fund it."
    ),
    HelpRequest.Payer.MEMBER: gettext_lazy(
        "The withdrawing member has not enough time-bank minutes left."
    ),
}


def help_request_settle(*, case: Case, actor) -> None:
    """Pay the helper when the requester confirms (the TIMEBANK close effect).

    Minutes on site (visits.minutes_on_site) move from the payer to the helper, once per request
    (key timebank-help:<case>), and the helper earns the TIMEBANK points rule. Any refusal (no
    time on site, not enough minutes, the helper's account at its cap) raises, and the
    confirmation is undone with it: the request stays awaiting confirmation.
    """
    help_request = (
        HelpRequest.objects.select_related("requester", "community", "withdrawing_member__person")
        .filter(case=case)
        .first()
    )
    if help_request is None:
        raise ValidationFailed(_("This case has no help request."))
    minutes = minutes_on_site(case.events.order_by("created_at", "id"))
    if minutes <= 0:
        raise ValidationFailed(
            _(
                "No time on site is recorded: the helper must check in and check out on site. "
                "Send the request back if the help is not done."
            ),
            code="no_time_on_site",
        )
    helper = Person.objects.filter(user_id=case.assigned_user_id).first()
    if helper is None:
        raise ValidationFailed(_("The helper has no resident record to pay minutes to."))
    source, paid_by = _payer(help_request, minutes)
    try:
        payment = ledger_transfer(
            actor=actor,
            source=source,
            target=account_for_person(helper, Unit.MINUTES),
            amount=minutes,
            idempotency_key=f"timebank-help:{case.pk}",
            kind=Transfer.Kind.TIMEBANK_HELP,
            cause=case,
            memo=case.number,
        )
    except InsufficientBalance:
        raise InsufficientBalance(PAYER_SHORT[paid_by]) from None
    except CapReached:
        raise CapReached(
            _(
                "The helper's time-bank account is full (at most %(hours)s hours), so these "
                "minutes cannot be paid. Nothing was recorded; community staff can resolve it."
            )
            % {"hours": settings.TIMEBANK_ACCOUNT_CAP_HOURS}
        ) from None
    ledger_earn_for_case(
        actor=actor,
        person=helper,
        case_type_code=TIMEBANK_CODE,
        place=case.place,
        cause=case,
        idempotency_key=f"timebank-points:{case.pk}",
    )
    HelpRequest.objects.filter(pk=help_request.pk).update(
        minutes=minutes, paid_by=paid_by, payment=payment
    )
    case_record_event(
        case=case,
        actor=actor,
        action="minutes_paid",
        data={"minutes": minutes, "paid_by": paid_by},
    )


# ---------------------------------------------------------------------------------------------
# The community pool


@transaction.atomic
def pool_fund(*, actor, community: Place, minutes, token: str, memo: str = "") -> Transfer:
    """Put minutes into a community's pool, issued by the district (the pool pays for elders
    without minutes of their own). `token` names the form sent, so sending it twice funds once.
    """
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), field="community")
    if not covers(actor, community.path, OFFICIALS):
        raise NotFound(_("No such community."))
    if not FUNDING_TOKEN.fullmatch(token or ""):
        raise ValidationFailed(_("The form has expired; open it again."), field="token")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 0 < minutes <= POOL_FUNDING_MAX_MINUTES:
        raise ValidationFailed(
            _("Enter between 1 and %(limit)s minutes.") % {"limit": POOL_FUNDING_MAX_MINUTES},
            field="minutes",
        )
    memo = (memo or "").strip()[:200]
    district = Place.objects.get(code=community.path.split(PATH_SEPARATOR)[0])
    transfer = ledger_transfer(
        actor=actor,
        source=issuer_account(district, Unit.MINUTES),
        target=pool_account(community, Unit.MINUTES),
        amount=minutes,
        idempotency_key=f"pool-funding:{token}",
        kind=Transfer.Kind.POOL_FUNDING,
        cause=community,
        memo=memo,
    )
    audit_change(
        actor=actor,
        action="timebank.pool_fund",
        target=community,
        changes={"minutes": [None, str(minutes)]},
    )
    return transfer
