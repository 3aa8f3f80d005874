"""Every write of the micro-wishes, on the case engine.

    order (resident) → publish (accept: the pool opens) | dispatch (to a named party member,
    for themself or their unit) | reject → claim (the lead) / join (more claimants) →
    fulfil (report back with a photo) → confirm (the resident: verify_close) → points

Publishing, dispatching, claiming, fulfilling and confirming are the engine's actions; this
module adds the wish's own record around them (its community, claimants, publication), and
`wish_settle`, the WISH type's close effect, credits each claimant person the WISH points in
the confirmation's transaction. Unclaimed published wishes are escalated once by
`wishes_escalate_unclaimed` (a periodic task).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.access import authorise
from meihao.cases.classes import active_type
from meihao.cases.extensions import detail_url
from meihao.cases.models import Case, CaseCategory, CaseType, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.scoping import covers, users_covering
from meihao.dual.models import MemberRegistration, UnitRegistration
from meihao.insights import rollups
from meihao.ledger.services import ledger_earn_for_case
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import Organisation, Person
from meihao.people.selectors import own_person
from meihao.places.models import Place, community_of
from meihao.wishes.models import WISH_CLAIMERS, WISH_CODE, Wish, WishClaim

register_kind(
    "wish_published",
    label=gettext_lazy("A new micro-wish in my community"),
    audience=WISH_CLAIMERS,
)
register_kind(
    "wish_unclaimed",
    label=gettext_lazy("A micro-wish nobody has claimed"),
    audience={Role.COMMUNITY_STAFF, Role.STREET_CHIEF},
)

JOINABLE_STATES = (Status.DISPATCHED, Status.IN_PROGRESS)


def wish_type() -> CaseType:
    case_type = active_type(WISH_CODE)
    if case_type is None:
        raise ValidationFailed(_("Micro-wishes are not taken at the moment."))
    return case_type


def _wish_of(case: Case) -> Wish:
    wish = Wish.objects.filter(case=case).select_related("community").first()
    if wish is None:
        raise NotFound(_("No such micro-wish."))
    return wish


def claimable_units(user, community: Place) -> list[Organisation]:
    """The units the user may claim for in this community this year (双报到): units they are
    registered with as a party member there, which are themselves registered there."""

    year = timezone.localdate().year
    members = MemberRegistration.objects.filter(
        person__user=user, community=community, year=year
    ).values("unit_id")
    registered = UnitRegistration.objects.filter(community=community, year=year).values(
        "organisation_id"
    )
    return list(Organisation.objects.filter(pk__in=members).filter(pk__in=registered))


def _check_unit(user, wish: Wish, unit: Organisation | None) -> Organisation | None:
    if unit is None:
        return None
    if unit.pk not in {u.pk for u in claimable_units(user, wish.community)}:
        raise ValidationFailed(
            _("Claim for a unit registered with this community, whose member you are."),
            field="unit",
        )
    return unit


def _add_claim(wish: Wish, user, *, unit=None, lead: bool) -> WishClaim:
    person = None if unit is not None else own_person(user)
    if unit is None and person is None:
        raise ValidationFailed(_("Your log-in has no resident record; ask your community."))
    try:
        with transaction.atomic():
            return WishClaim.objects.create(
                wish=wish, person=person, organisation=unit, claimed_by=user, is_lead=lead
            )
    except IntegrityError:
        raise ValidationFailed(
            _("You (or your unit) have already claimed this wish."), code="already_claimed"
        ) from None


# ---------------------------------------------------------------------------------------------
# Ordering and review


def wish_order(
    *,
    actor,
    category: CaseCategory | None,
    description: str,
    address: str = "",
    idempotency_key: str | None = None,
) -> Case:
    """A resident orders a wish (点单). It goes to their community's party committee for review."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to make a wish."))
    person = own_person(actor)
    home = person.home_place if person else None
    community = community_of(home)
    if community is None:
        raise ValidationFailed(
            _("Your home community is not recorded; ask your community to add it."),
            code="no_home_community",
        )
    case_type = wish_type()
    if category is None or category.case_type_id != case_type.pk or not category.is_minor:
        raise ValidationFailed(_("Choose the kind of wish."), field="category")
    point = {}
    if person.building and person.building.lat is not None:
        point = {"lat": person.building.lat, "lon": person.building.lon}
    elif home.centroid_lat is not None:
        point = {"lat": home.centroid_lat, "lon": home.centroid_lon}
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=description,
            place=home,
            address=address,
            channel=Case.Channel.RESIDENT,
            reporter=person,
            idempotency_key=idempotency_key,
            filed_by_app=True,
            **point,
        )
        Wish.objects.get_or_create(
            case=case, defaults={"community": community, "community_path": community.path}
        )
    return case


@transaction.atomic
def wish_publish(*, actor, case: Case, note: str = "") -> Case:
    """Publish a wish to the pool of the community's party members (the engine's accept) and
    tell them."""
    case = case_services.case_accept(case=case, actor=actor, note=note)
    wish = _wish_of(case)
    now = timezone.now()
    rollups.mark_update(wish, {"published_at": now})  # an UPDATE: its figures' days marked
    Wish.objects.filter(pk=wish.pk).update(published_at=now)
    notify_enqueue(
        recipients=users_covering(case.place_path, WISH_CLAIMERS),
        kind="wish_published",
        subject=gettext_lazy("A new micro-wish in your community"),
        body=gettext_lazy("{{ category }}: {{ description }}. Claim it if you can help."),
        link=detail_url(case),
        target=case,
        idempotency_key=f"wish:{case.pk}:published",
        context={"category": str(case.category), "description": case.description[:80]},
    )
    return case


@transaction.atomic
def wish_dispatch(*, actor, case: Case, member, unit: Organisation | None = None, note=""):
    """Give a wish to a named party member of the community — in person, or for their unit
    (both registered with the community this year) — who then leads it."""
    authorise(case, actor, "dispatch")
    wish = _wish_of(case)
    if member is None or not covers(member, case.place_path, WISH_CLAIMERS):
        raise ValidationFailed(
            _("Choose a party member who serves this community."), field="member"
        )
    unit = _check_unit(member, wish, unit)
    case = case_services.case_dispatch(case=case, actor=actor, user=member, note=note)
    _add_claim(wish, member, unit=unit, lead=True)
    return case


# ---------------------------------------------------------------------------------------------
# Claiming


@transaction.atomic
def wish_claim(*, actor, case: Case, unit: Organisation | None = None) -> Case:
    """Claim a published wish and lead it — in person, or for one's registered unit."""
    wish = _wish_of(case)
    case = case_services.case_claim(case=case, actor=actor)
    _add_claim(wish, actor, unit=_check_unit(actor, wish, unit), lead=True)
    return case


@transaction.atomic
def wish_join(*, actor, case: Case, unit: Organisation | None = None) -> WishClaim:
    """Join a claimed wish (联合认领): the lead still reports back; every claimant person
    earns the points when the resident confirms."""
    wish = _wish_of(case)
    if not may_join(case, actor):
        raise NotFound(_("No such micro-wish."))
    if case.status not in JOINABLE_STATES:
        raise ValidationFailed(
            _("Only a wish that is being fulfilled can be joined."), code="not_joinable"
        )
    unit = _check_unit(actor, wish, unit)
    claim = _add_claim(wish, actor, unit=unit, lead=False)
    case_services.case_record_event(
        case=case,
        actor=actor,
        action="join",
        data={"unit": unit.name if unit else None},
    )
    return claim


def may_join(case: Case, user) -> bool:
    """A party member of the wish's community who did not order it."""
    return (
        getattr(user, "is_authenticated", False)
        and case.submitted_by_id != user.pk
        and covers(user, case.place_path, WISH_CLAIMERS)
    )


def wish_fulfil(*, actor, case: Case, note: str, photos) -> Case:
    """The lead reports the wish fulfilled, with at least one photo (the engine's report-back)."""
    if not [f for f in (photos or []) if f]:
        raise ValidationFailed(_("Add a photo of the fulfilled wish."), field="photos")
    return case_services.case_report_back_with_photos(
        case=case, actor=actor, note=note, files=photos
    )


# ---------------------------------------------------------------------------------------------
# Confirmation: the WISH close effect


def wish_settle(*, case: Case, actor) -> None:
    """Credit the WISH points to every claimant person (units earn none), once per person:
    key wish-points:<case>:<person>. The lead dispatched or claimed outside these services
    (the engine's own pages) is counted too."""
    people = {}
    for claim in WishClaim.objects.filter(wish__case=case, person__isnull=False).select_related(
        "person"
    ):
        people[claim.person_id] = claim.person
    lead_unit = WishClaim.objects.filter(
        wish__case=case, is_lead=True, organisation__isnull=False
    ).exists()
    if case.assigned_user_id and not lead_unit:
        lead = Person.objects.filter(user_id=case.assigned_user_id).first()
        if lead is not None:
            people.setdefault(lead.pk, lead)
    for person in people.values():
        ledger_earn_for_case(
            actor=actor,
            person=person,
            case_type_code=WISH_CODE,
            place=case.place,
            cause=case,
            idempotency_key=f"wish-points:{case.pk}:{person.pk}",
        )
    case_services.case_record_event(
        case=case, actor=actor, action="points_credited", data={"people": len(people)}
    )


# ---------------------------------------------------------------------------------------------
# Unclaimed wishes


def wishes_escalate_unclaimed(now=None) -> list[int]:
    """Escalate published wishes nobody has claimed for WISH_UNCLAIMED_DAYS, each exactly once:
    a timeline event and a message to the community staff and street chiefs covering it.

    Safe to run often and concurrently: a conditional UPDATE (escalated_at IS NULL) marks each
    wish, and only the run that marks it records and notifies. Returns the case ids escalated.
    """
    now = now or timezone.now()
    days = settings.WISH_UNCLAIMED_DAYS
    due = Wish.objects.filter(
        escalated_at__isnull=True,
        published_at__lte=now - timedelta(days=days),
        case__status=Status.ACCEPTED,
    ).select_related("case__category")
    escalated = []
    for wish in due.order_by("published_at", "pk")[:1000]:
        with transaction.atomic():
            if not Wish.objects.filter(pk=wish.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            case = wish.case
            case_services.case_record_event(
                case=case, actor=None, action="unclaimed_escalated", data={"days": days}
            )
            notify_enqueue(
                recipients=users_covering(
                    case.place_path, (Role.COMMUNITY_STAFF, Role.STREET_CHIEF)
                ),
                kind="wish_unclaimed",
                subject=gettext_lazy("Micro-wish {{ number }} is still unclaimed"),
                body=gettext_lazy(
                    "Nobody has claimed the wish {{ number }} ({{ category }}) for {{ days }} "
                    "days. Please find someone to fulfil it, or dispatch it."
                ),
                link=detail_url(case),
                target=case,
                idempotency_key=f"wish:{case.pk}:unclaimed",
                context={"number": case.number, "category": str(case.category), "days": days},
            )
        escalated.append(wish.case_id)
    return escalated
