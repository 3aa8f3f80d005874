"""Dual registration (双报到): every write.

Units and their in-service party members register with a community for a year; the community
publishes service posts (岗位); registered members claim them; staff confirm what was done, and
the confirmation becomes a volunteer service record (activities) that counts towards the
member's hours, stars and certificates.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.activities.models import ServiceRecord
from meihao.activities.records import display_name, service_record_enter_by_staff
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, sees_place
from meihao.dual.models import (
    MemberRegistration,
    PostClaim,
    ServicePost,
    UnitRegistration,
)
from meihao.people import services as people_services
from meihao.people.models import Organisation, Person, PersonTag, RoleAssignment
from meihao.places.models import Level, Place

# Units that register with communities: enterprises and institutions (单位) and government
# departments (机关).
REGISTERING_KINDS = (Organisation.Kind.UNIT, Organisation.Kind.DEPARTMENT)
TITLE_MAX = 100
DESCRIPTION_MAX = 2000
NOTE_MAX = 500
SLOTS_MAX = 500
# One confirmation covers at most a day's service (national volunteer-record rules count
# service time only, not travel).
MINUTES_MAX = 24 * 60


def _require_manager(actor, community: Place) -> None:
    if not sees_place(actor, community.path):
        raise NotFound()
    if not covers(actor, community.path, OFFICIALS):
        raise PermissionDenied(_("You may not manage dual registration in this community."))


def _check_community(community: Place | None) -> Place:
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), field="community")
    return community


def _check_year(year) -> int:
    """This year, last year or next year: registration runs per calendar year."""
    this_year = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a year."), field="year") from None
    if not this_year - 1 <= year <= this_year + 1:
        raise ValidationFailed(
            _("Choose %(last)d, %(this)d or %(next)d.")
            % {"last": this_year - 1, "this": this_year, "next": this_year + 1},
            field="year",
        )
    return year


def _check_unit(organisation: Organisation | None, field: str) -> Organisation:
    if organisation is None or organisation.kind not in REGISTERING_KINDS:
        raise ValidationFailed(_("Choose a unit or government department."), field=field)
    return organisation


# ---------------------------------------------------------------------------------------------
# Registration


@transaction.atomic
def unit_register(
    *,
    actor,
    organisation: Organisation,
    community: Place,
    year: int,
    contact_name: str = "",
    contact_phone: str = "",
) -> UnitRegistration:
    """A unit registers with a community for a year (单位报到)."""
    community = _check_community(community)
    _require_manager(actor, community)
    organisation = _check_unit(organisation, "organisation")
    year = _check_year(year)
    contact_name = (contact_name or "").strip()
    if len(contact_name) > UnitRegistration._meta.get_field("contact_name").max_length:
        raise ValidationFailed(_("The contact person's name is too long."), field="contact_name")
    contact_phone = (contact_phone or "").strip()
    if len(contact_phone) > UnitRegistration._meta.get_field("contact_phone").max_length:
        raise ValidationFailed(_("The phone number is too long."), field="contact_phone")
    duplicate = ValidationFailed(
        _("This unit has already registered with this community for %(year)d.") % {"year": year},
        code="duplicate_registration",
        field="organisation",
    )
    if UnitRegistration.objects.filter(
        organisation=organisation, community=community, year=year
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            registration = UnitRegistration.objects.create(
                organisation=organisation,
                community=community,
                community_path=community.path,
                year=year,
                contact_name=contact_name,
                contact_phone=contact_phone,
                registered_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    audit_change(
        actor=actor,
        action="unit_register",
        target=registration,
        changes={"organisation": [None, str(organisation.pk)], "year": [None, year]},
    )
    return registration


@transaction.atomic
def member_register(
    *, actor, person: Person, unit: Organisation, community: Place, year: int
) -> MemberRegistration:
    """An in-service party member registers with a community for a year (党员报到).

    Gives their log-in, if they have one, the PARTY_MEMBER role on the community, so that they
    see and claim its posts.
    """
    community = _check_community(community)
    _require_manager(actor, community)
    if person is None or not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationFailed(
            _("Find the party member among the residents you manage."), field="person"
        )
    unit = _check_unit(unit, "unit")
    year = _check_year(year)
    duplicate = ValidationFailed(
        _("This party member has already registered with this community for %(year)d.")
        % {"year": year},
        code="duplicate_registration",
        field="person",
    )
    if MemberRegistration.objects.filter(person=person, community=community, year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():
            registration = MemberRegistration.objects.create(
                person=person,
                unit=unit,
                community=community,
                community_path=community.path,
                year=year,
                registered_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    PersonTag.objects.get_or_create(person=person, tag=PersonTag.Tag.PARTY_MEMBER)
    if (
        person.user_id is not None
        and not RoleAssignment.objects.filter(
            user_id=person.user_id, role=Role.PARTY_MEMBER, place=community
        ).exists()
    ):
        people_services.role_assign(
            actor=actor, user=person.user, role=Role.PARTY_MEMBER, place=community
        )
    audit_change(
        actor=actor,
        action="member_register",
        target=registration,
        changes={
            "person": [None, str(person.pk)],
            "unit": [None, str(unit.pk)],
            "year": [None, year],
        },
    )
    return registration


# ---------------------------------------------------------------------------------------------
# Posts


def _clean_minutes(value, *, field: str, message: str) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(message, field=field) from None
    if not 0 < minutes <= MINUTES_MAX:
        raise ValidationFailed(message, field=field)
    return minutes


@transaction.atomic
def post_publish(
    *,
    actor,
    community: Place,
    year: int,
    title: str,
    expected_minutes: int,
    slots: int,
    description: str = "",
) -> ServicePost:
    """The community publishes a service post (发布岗位) for its registered party members."""
    community = _check_community(community)
    _require_manager(actor, community)
    year = _check_year(year)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the post a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(_("The title is too long."), field="title")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(_("The details are too long."), field="description")
    expected_minutes = _clean_minutes(
        expected_minutes,
        field="expected_minutes",
        message=_("Expected time: more than nothing and at most a day."),
    )
    try:
        slots = int(slots)
    except (TypeError, ValueError):
        slots = 0
    if not 0 < slots <= SLOTS_MAX:
        raise ValidationFailed(_("Places: from 1 to %(max)d.") % {"max": SLOTS_MAX}, field="slots")
    post = ServicePost.objects.create(
        community=community,
        community_path=community.path,
        year=year,
        title=title,
        description=description,
        expected_minutes=expected_minutes,
        slots=slots,
        published_by=actor,
    )
    audit_change(
        actor=actor,
        action="post_publish",
        target=post,
        changes={"community": [None, community.code], "slots": [None, slots]},
    )
    return post


def _post_for_manager(actor, post: ServicePost) -> ServicePost:
    if not ServicePost.objects.visible_to(actor).filter(pk=post.pk).exists():
        raise NotFound()
    return ServicePost.objects.select_for_update().get(pk=post.pk)


@transaction.atomic
def post_set_open(*, actor, post: ServicePost, is_open: bool) -> ServicePost:
    """Close a post to new claims (existing claims stand) or open it again."""
    post = _post_for_manager(actor, post)
    status = ServicePost.Status.OPEN if is_open else ServicePost.Status.CLOSED
    if post.status == status:
        return post
    audit_change(
        actor=actor, action="post_status", target=post, changes={"status": [post.status, status]}
    )
    post.status = status
    post.save(update_fields=["status", "updated_at"])
    return post


# ---------------------------------------------------------------------------------------------
# Claims


@transaction.atomic
def post_claim(*, actor, post: ServicePost) -> PostClaim:
    """A party member registered with the post's community that year claims a place (认领).

    The place is taken by one conditional UPDATE (`claimed_count < slots`): of two members
    claiming the last place at the same moment, exactly one gets it.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    registration = (
        MemberRegistration.objects.select_related("person")
        .filter(person__user=actor, community_id=post.community_id, year=post.year)
        .first()
    )
    if registration is None:
        raise NotFound()
    person = registration.person
    if not post.is_open:
        raise ValidationFailed(_("This post is closed."), code="post_closed")
    if (
        PostClaim.objects.filter(post=post, person=person)
        .exclude(status=PostClaim.Status.CANCELLED)
        .exists()
    ):
        raise ValidationFailed(_("You have already claimed this post."), code="already_claimed")
    taken = ServicePost.objects.filter(
        pk=post.pk, status=ServicePost.Status.OPEN, claimed_count__lt=F("slots")
    ).update(claimed_count=F("claimed_count") + 1)
    if not taken:
        raise ValidationFailed(_("All places of this post are taken."), code="post_full")
    try:
        with transaction.atomic():
            claim = PostClaim.objects.create(
                post=post,
                registration=registration,
                person=person,
                community_path=post.community_path,
            )
    except IntegrityError as exc:  # the same member claiming twice at once
        raise ValidationFailed(
            _("You have already claimed this post."), code="already_claimed"
        ) from exc
    audit_change(
        actor=actor, action="post_claim", target=claim, changes={"post": [None, str(post.pk)]}
    )
    return claim


def _claim_locked(claim: PostClaim) -> PostClaim:
    return PostClaim.objects.select_for_update().select_related("post", "person").get(pk=claim.pk)


@transaction.atomic
def post_claim_cancel(*, actor, claim: PostClaim) -> PostClaim:
    """The member withdraws, or staff release a claim nobody will serve; the place is freed."""
    own = claim.person.user_id is not None and claim.person.user_id == getattr(actor, "pk", None)
    if not own and not PostClaim.objects.visible_to(actor).filter(pk=claim.pk).exists():
        raise NotFound()
    claim = _claim_locked(claim)
    if claim.status != PostClaim.Status.CLAIMED:
        raise ValidationFailed(
            _("Only a claim not yet confirmed can be cancelled."), code="not_cancellable"
        )
    claim.status = PostClaim.Status.CANCELLED
    claim.cancelled_at = timezone.now()
    claim.save(update_fields=["status", "cancelled_at", "updated_at"])
    ServicePost.objects.filter(pk=claim.post_id, claimed_count__gt=0).update(
        claimed_count=F("claimed_count") - 1
    )
    audit_change(
        actor=actor,
        action="post_claim_cancel",
        target=claim,
        changes={"status": [PostClaim.Status.CLAIMED, claim.status]},
    )
    return claim


@transaction.atomic
def post_claim_confirm(
    *, actor, claim: PostClaim, minutes: int, note: str = "", service_date=None
) -> PostClaim:
    """Staff confirm a claimed post was served (确认完成), with the time served.

    Writes the member's volunteer service record through activities (source dual
    registration: this confirmation is its evidence), so the hours count wherever service
    hours count.
    """
    if not PostClaim.objects.visible_to(actor).filter(pk=claim.pk).exists():
        raise NotFound()
    claim = _claim_locked(claim)
    if claim.status != PostClaim.Status.CLAIMED:
        raise ValidationFailed(_("Only a claimed post can be confirmed."), code="not_confirmable")
    minutes = _clean_minutes(
        minutes, field="minutes", message=_("Time served: more than nothing and at most a day.")
    )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(_("The note is too long."), field="note")
    now = timezone.now()
    service_date = service_date or timezone.localdate(now)
    claim.status = PostClaim.Status.COMPLETED
    claim.minutes = minutes
    claim.note = note
    claim.confirmed_by = actor
    claim.completed_at = now
    claim.service_record = service_record_enter_by_staff(
        actor=actor,
        person=claim.person,
        service_date=service_date,
        place=claim.post.community,
        content=claim.post.title,
        minutes=minutes,
        recording_organisation=claim.post.community.name,
        person_in_charge=display_name(actor)[:50],
        source=ServiceRecord.Source.CONFIRMED_POST,
    )
    claim.save(
        update_fields=[
            "status",
            "minutes",
            "note",
            "confirmed_by",
            "completed_at",
            "service_record",
            "updated_at",
        ]
    )
    audit_change(
        actor=actor,
        action="post_claim_confirm",
        target=claim,
        changes={"status": [PostClaim.Status.CLAIMED, claim.status], "minutes": [None, minutes]},
    )
    return claim
