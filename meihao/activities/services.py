"""Every write about activities and sign-ups: create, edit, publish, cancel; sign up, cancel a
sign-up, and the waiting list behind both.

Check-in, check-out and finishing live in `attendance.py`, service records in `records.py`.

Places are counted per role: each entry of `roles_needed` is its own bucket of `count` places,
and sign-ups without a role share what is left of the capacity. A full bucket puts new sign-ups
on its waiting list, which moves up in order of sign-up as places free. Every sign-up write
locks the activity row first, so two people taking the last place are served one after the
other: one is confirmed, the other waits.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.activities.extensions import owned_kind
from meihao.activities.models import Activity, SignUp
from meihao.activities.notifications import (
    activity_notify_cancelled,
    activity_notify_changed,
    activity_notify_promoted,
)
from meihao.core.audit import audit_change, audit_changes
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.people.models import led_team_ids
from meihao.places.geo import validate_point

MAX_DURATION = datetime.timedelta(hours=24)
MAX_CAPACITY = 10_000
RADIUS_RANGE_M = (10, 5000)
MAX_LATE_AFTER_MINUTES = 240
SHARE_RANGE = (Decimal("0.01"), Decimal("1"))
# Fields an organiser sets on the form and the services accept.
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "description",
    "organiser_team",
    "organiser",
    "place",
    "venue",
    "address",
    "lat",
    "lon",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "roles_needed",
    "checkin_radius_m",
    "late_after_minutes",
    "min_attendance_share",
)
# A published activity whose time or place changes tells everyone signed up.
NOTIFIED_CHANGES = frozenset({"starts_at", "ends_at", "venue", "address", "online_url"})


def leads_team(user, team_id: int | None) -> bool:
    return bool(team_id) and led_team_ids(user).filter(team_id=team_id).exists()


def may_organise(user, activity: Activity) -> bool:
    if owned_kind(activity.kind) is None:
        return covers(user, activity.place_path, OFFICIALS) or leads_team(
            user, activity.organiser_team_id
        )
    return Activity.objects.organised_by(user).filter(pk=activity.pk).exists()


def check_organiser(actor, activity: Activity) -> None:
    """Organisers outside the activity's place get the same answer as for a missing one."""
    if not may_organise(actor, activity):
        raise NotFound(_("No such activity among those you organise."))


def lock(activity: Activity) -> Activity:
    """The activity's row, locked until the transaction ends, with fresh values."""
    return (
        Activity.objects.select_for_update(of=("self",)).select_related("place").get(pk=activity.pk)
    )


def person_of(user):
    """The user's real-name record: who signs up, attends and earns hours."""
    person = getattr(user, "person", None) if getattr(user, "pk", None) else None
    if person is None:
        raise ValidationFailed(
            _("Your account has no real-name details yet: enter them under My profile."),
            code="no_person",
        )
    return person


# --- validating an activity -------------------------------------------------------------------


def _whole_number(value, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            code="out_of_range",
            field=field,
        )
    return value


def clean_roles(value) -> list[dict]:
    """roles_needed as [{"role": name, "count": n}], names unique and non-empty."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationFailed(_("The roles needed are not a list."), field="roles_needed")
    roles, seen = [], set()
    for entry in value:
        role = entry.get("role") if isinstance(entry, dict) else None
        count = entry.get("count") if isinstance(entry, dict) else None
        role = (role or "").strip() if isinstance(role, str) else ""
        if not role or len(role) > 40:
            raise ValidationFailed(
                _("Each role needs a name of at most 40 characters."), field="roles_needed"
            )
        if role in seen:
            raise ValidationFailed(
                _("The role “%(role)s” is listed twice.") % {"role": role}, field="roles_needed"
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValidationFailed(
                _("The role “%(role)s” needs a number of people of at least 1.") % {"role": role},
                field="roles_needed",
            )
        seen.add(role)
        roles.append({"role": role, "count": count})
    return roles


def _check_related(actor, fields: dict, *, for_owner: bool) -> None:
    place = fields["place"]
    if owned_kind(fields["kind"]) is not None and not for_owner:
        raise ValidationFailed(
            _("This kind of activity is arranged on its own page, not here."), field="kind"
        )
    if place is None or not (for_owner or covers(actor, place.path, OFFICIALS)):
        raise ValidationFailed(
            _("Choose a place inside your area."), code="place_out_of_scope", field="place"
        )
    team = fields.get("organiser_team")
    if team is not None and not (
        covers(actor, team.place_path, OFFICIALS) or leads_team(actor, team.pk)
    ):
        raise ValidationFailed(_("Choose a team of your area."), field="organiser_team")
    organisation = fields.get("organiser")
    if organisation is not None and not covers(actor, organisation.place_path, OFFICIALS):
        raise ValidationFailed(_("Choose an organisation of your area."), field="organiser")


def _check_where(fields: dict) -> None:
    if (fields["lat"] is None) != (fields["lon"] is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), field="lat")
    if fields["lat"] is not None:
        fields["lat"], fields["lon"] = validate_point(fields["lat"], fields["lon"])
    if fields["online_url"]:
        try:
            URLValidator(schemes=["http", "https"])(fields["online_url"])
        except DjangoValidationError:
            raise ValidationFailed(
                _("The online link must be a web address (https://…)."), field="online_url"
            ) from None
    if not (fields["venue"] or fields["online_url"]):
        raise ValidationFailed(_("Give a venue or an online link."), field="venue")


def _check_when(fields: dict, *, now, times_changed: bool) -> None:
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    for name in ("starts_at", "ends_at"):
        value = fields[name]
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise ValidationFailed(_("Enter a date and time."), field=name)
    if ends_at <= starts_at:
        raise ValidationFailed(_("The end must come after the start."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise ValidationFailed(
            _("An activity lasts at most 24 hours; make one activity per day."), field="ends_at"
        )
    if times_changed and ends_at <= now:
        raise ValidationFailed(_("The activity must end in the future."), field="ends_at")


def _clean(actor, raw: dict, *, current: Activity | None, now, for_owner: bool = False) -> dict:
    unknown = set(raw) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown activity fields: {sorted(unknown)}")
    fields = {name: getattr(current, name) for name in ACTIVITY_FIELDS} if current else {}
    fields.update(raw)
    for name in ACTIVITY_FIELDS:
        fields.setdefault(name, None)
    if fields["kind"] not in Activity.Kind.values:
        raise ValidationFailed(_("Choose a kind of activity."), field="kind")
    fields["title"] = clean_text(
        fields["title"], field="title", max_length=120, required=_("Give the activity a title.")
    )
    fields["description"] = clean_text(fields["description"], field="description", max_length=5000)
    fields["venue"] = clean_text(fields["venue"], field="venue", max_length=120)
    fields["address"] = clean_text(fields["address"], field="address", max_length=200)
    fields["online_url"] = clean_text(fields["online_url"], field="online_url", max_length=200)
    _check_related(actor, fields, for_owner=for_owner)
    _check_where(fields)
    times_changed = current is None or any(
        fields[name] != getattr(current, name) for name in ("starts_at", "ends_at")
    )
    _check_when(fields, now=now, times_changed=times_changed)
    fields["capacity"] = _whole_number(
        fields["capacity"], field="capacity", low=1, high=MAX_CAPACITY
    )
    fields["roles_needed"] = clean_roles(fields["roles_needed"])
    if sum(r["count"] for r in fields["roles_needed"]) > fields["capacity"]:
        raise ValidationFailed(
            _("The roles need more people than the capacity allows."), field="roles_needed"
        )
    defaults = {"checkin_radius_m": 200, "late_after_minutes": 15}
    for name, default in defaults.items():
        if fields[name] is None:
            fields[name] = default
    fields["checkin_radius_m"] = _whole_number(
        fields["checkin_radius_m"], field="checkin_radius_m", low=RADIUS_RANGE_M[0], high=5000
    )
    fields["late_after_minutes"] = _whole_number(
        fields["late_after_minutes"],
        field="late_after_minutes",
        low=0,
        high=MAX_LATE_AFTER_MINUTES,
    )
    fields["min_attendance_share"] = _share(fields["min_attendance_share"])
    return fields


def _share(value) -> Decimal:
    if value is None:
        return Decimal("0.50")
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not SHARE_RANGE[0] <= share <= SHARE_RANGE[1]:
        raise ValidationFailed(
            _("The minimum attendance share is a fraction from 0.01 to 1 (0.5 = 50%)."),
            field="min_attendance_share",
        )
    return share


# --- places per role --------------------------------------------------------------------------


def buckets(activity: Activity) -> dict[str, int]:
    """Places per role; "" is the places open to sign-ups without a role."""
    roles = {entry["role"]: entry["count"] for entry in activity.roles_needed}
    return {**roles, "": activity.capacity - sum(roles.values())}


def confirmed_counts(activity: Activity) -> dict[str, int]:
    rows = (
        SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED)
        .values("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["role"]: row["n"] for row in rows}


def _open_counts(activity: Activity) -> dict[str, int]:
    rows = (
        SignUp.objects.filter(activity=activity)
        .exclude(status=SignUp.Status.CANCELLED)
        .values("role")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["role"]: row["n"] for row in rows}


def _check_places_kept(activity: Activity, fields: dict) -> None:
    """An edit may not take away a place already confirmed, nor a role someone signed up for."""
    new = {entry["role"]: entry["count"] for entry in fields["roles_needed"]}
    new[""] = fields["capacity"] - sum(new.values())
    confirmed = confirmed_counts(activity)
    for role, count in _open_counts(activity).items():
        if role and role not in new and count:
            raise ValidationFailed(
                _("People have signed up as “%(role)s”; that role cannot be removed.")
                % {"role": role},
                field="roles_needed",
            )
    if sum(confirmed.values()) > fields["capacity"]:
        raise ValidationFailed(
            _("%(count)s people are already confirmed; the capacity cannot be lower.")
            % {"count": sum(confirmed.values())},
            field="capacity",
        )
    for role, count in confirmed.items():
        if count > new.get(role, 0):
            raise ValidationFailed(
                _("%(count)s people are already confirmed as “%(role)s”.")
                % {"count": count, "role": role or _("no particular role")},
                field="roles_needed" if role else "capacity",
            )


def _promote_waitlisted(activity: Activity, *, actor, now) -> list[SignUp]:
    """Fill every bucket's free places from its waiting list, first come first served.
    The caller holds the activity's lock; `actor` is who freed the places."""
    if activity.status != Activity.Status.PUBLISHED or activity.ends_at <= now:
        return []
    confirmed = confirmed_counts(activity)
    promoted = []
    for role, places in buckets(activity).items():
        free = places - confirmed.get(role, 0)
        if free <= 0:
            continue
        waiting = list(
            SignUp.objects.filter(activity=activity, role=role, status=SignUp.Status.WAITLISTED)
            .select_related("person__user", "activity")
            .order_by("created_at", "id")[:free]
        )
        for signup in waiting:
            signup.status = SignUp.Status.CONFIRMED
            signup.promoted_at = now
            signup.save(update_fields=["status", "promoted_at"])
            audit_change(
                actor=actor,
                action="activity.signup_promote",
                target=signup,
                changes={"status": [SignUp.Status.WAITLISTED, SignUp.Status.CONFIRMED]},
            )
            activity_notify_promoted(signup)
            promoted.append(signup)
    return promoted


def _open_signups(activity: Activity) -> list[SignUp]:
    return list(
        SignUp.objects.filter(activity=activity)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("person__user")
    )


# --- the activity's life ----------------------------------------------------------------------


def activity_create(*, actor, for_owner: bool = False, **fields) -> Activity:
    """A draft activity in a place the actor organises; publish it to open sign-ups. An app
    owning the kind (`extensions.OwnedKind`) authorises the actor itself and says `for_owner`."""
    with transaction.atomic():
        cleaned = _clean(actor, fields, current=None, now=timezone.now(), for_owner=for_owner)
        activity = Activity.objects.create(
            **cleaned, place_path=cleaned["place"].path, created_by=actor
        )
        audit_change(
            actor=actor,
            action="activity.create",
            target=activity,
            changes={"title": [None, activity.title], "place": [None, activity.place.code]},
        )
    return activity


def activity_update(*, actor, activity: Activity, **fields) -> Activity:
    """Change a draft or published activity. Places already confirmed are kept; places added
    go to the waiting list; a new time or place is told to everyone signed up."""
    now = timezone.now()
    with transaction.atomic():
        current = lock(activity)
        check_organiser(actor, current)
        if current.status not in (Activity.Status.DRAFT, Activity.Status.PUBLISHED):
            raise IllegalTransition(_("A cancelled or finished activity cannot be changed."))
        owned = owned_kind(current.kind) is not None
        if owned and fields.get("kind", current.kind) != current.kind:
            raise ValidationFailed(_("The kind of this activity cannot be changed."), field="kind")
        cleaned = _clean(actor, fields, current=current, now=now, for_owner=owned)
        _check_places_kept(current, cleaned)
        cleaned["place_path"] = cleaned["place"].path
        diff = audit_changes(current, cleaned)
        if not diff:
            return current
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.save()
        audit_change(actor=actor, action="activity.update", target=current, changes=diff)
        _promote_waitlisted(current, actor=actor, now=now)
        if current.status == Activity.Status.PUBLISHED and NOTIFIED_CHANGES & set(diff):
            version = f"{int(current.updated_at.timestamp() * 1000)}"
            activity_notify_changed(current, _open_signups(current), version)
    return current


def activity_publish(*, actor, activity: Activity) -> Activity:
    """Open a draft for sign-up: from now on every resident sees it."""
    with transaction.atomic():
        current = lock(activity)
        check_organiser(actor, current)
        if current.status != Activity.Status.DRAFT:
            raise IllegalTransition(_("Only a draft can be published."))
        if current.ends_at <= timezone.now():
            raise IllegalTransition(_("This activity is already over; change its time first."))
        current.status = Activity.Status.PUBLISHED
        current.save(update_fields=["status", "updated_at"])
        audit_change(
            actor=actor,
            action="activity.publish",
            target=current,
            changes={"status": [Activity.Status.DRAFT, Activity.Status.PUBLISHED]},
        )
    return current


def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    """Call the activity off, telling everyone signed up why."""
    reason = clean_text(
        reason, field="reason", max_length=200, required=_("Say why the activity is cancelled.")
    )
    with transaction.atomic():
        current = lock(activity)
        check_organiser(actor, current)
        if current.status not in (Activity.Status.DRAFT, Activity.Status.PUBLISHED):
            raise IllegalTransition(_("Only a draft or published activity can be cancelled."))
        previous = current.status
        current.status = Activity.Status.CANCELLED
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancel_reason", "updated_at"])
        audit_change(
            actor=actor,
            action="activity.cancel",
            target=current,
            changes={"status": [previous, current.status], "reason": [None, reason]},
        )
        if previous == Activity.Status.PUBLISHED:
            activity_notify_cancelled(current, _open_signups(current))
    return current


# --- sign-ups ---------------------------------------------------------------------------------


def signup_create(*, actor, activity: Activity, role: str = "") -> SignUp:
    """Sign the actor up: confirmed while their role's places last, else on its waiting list.
    Signing up again while signed up returns the sign-up there is; in another role it is
    refused (409), never answered with the first role's sign-up."""
    person = person_of(actor)
    role = (role or "").strip()
    now = timezone.now()
    with transaction.atomic():
        current = lock(activity)
        if current.status != Activity.Status.PUBLISHED:
            raise IllegalTransition(_("This activity is not open for sign-up."))
        if current.ends_at <= now:
            raise IllegalTransition(_("This activity is over."))
        existing = (
            SignUp.objects.filter(activity=current, person=person)
            .exclude(status=SignUp.Status.CANCELLED)
            .first()
        )
        if existing is not None and existing.role != role:
            raise IllegalTransition(
                _(
                    "You are already signed up for this activity in another role. Cancel that "
                    "sign-up first to choose another role."
                ),
                code="already_signed_up",
            )
        if existing is not None:
            return existing
        owned = owned_kind(current.kind)
        if owned is not None and not owned.admits(current, person):
            raise PermissionDenied(owned.refusal)
        places = buckets(current)
        if role not in places:
            raise ValidationFailed(_("Choose one of the roles this activity needs."), field="role")
        if places[role] <= 0:
            raise ValidationFailed(
                _("Every place of this activity is for one of its roles; choose one."),
                field="role",
            )
        confirmed = confirmed_counts(current).get(role, 0)
        status = SignUp.Status.CONFIRMED if confirmed < places[role] else SignUp.Status.WAITLISTED
        signup = SignUp.objects.create(activity=current, person=person, role=role, status=status)
        audit_change(
            actor=actor,
            action="activity.signup",
            target=signup,
            changes={"status": [None, status], "role": [None, role]},
        )
    return signup


def signups_invite(*, actor, activity: Activity, people) -> list[SignUp]:
    """The organiser signs people up (those called to a meeting): confirmed while the places
    of those without a role last, else on the waiting list; someone already signed up keeps
    their sign-up."""
    with transaction.atomic():
        current = lock(activity)
        check_organiser(actor, current)
        if current.status not in (Activity.Status.DRAFT, Activity.Status.PUBLISHED):
            raise IllegalTransition(_("Sign-ups of this activity can no longer be changed."))
        signed = set(
            SignUp.objects.filter(activity=current)
            .exclude(status=SignUp.Status.CANCELLED)
            .values_list("person_id", flat=True)
        )
        free = buckets(current).get("", 0) - confirmed_counts(current).get("", 0)
        created = []
        for person in people:
            if person.pk in signed:
                continue
            signed.add(person.pk)
            confirmed = free > 0
            free -= 1
            created.append(
                SignUp(
                    activity=current,
                    person=person,
                    status=SignUp.Status.CONFIRMED if confirmed else SignUp.Status.WAITLISTED,
                )
            )
        SignUp.objects.bulk_create(created)
        audit_change(
            actor=actor,
            action="activity.signups_invite",
            target=current,
            changes={"invited": [None, str(len(created))]},
        )
    return created


def signup_cancel(*, actor, signup: SignUp) -> SignUp:
    """The person (or an organiser) withdraws a sign-up; a confirmed place goes to the first on
    its waiting list, who is told."""
    now = timezone.now()
    with transaction.atomic():
        current = lock(signup.activity)
        signup = (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=signup.pk)
        )
        own = signup.person.user_id is not None and signup.person.user_id == actor.pk
        if not own:
            check_organiser(actor, current)
        if signup.status == SignUp.Status.CANCELLED:
            return signup
        if current.status != Activity.Status.PUBLISHED:
            raise IllegalTransition(_("Sign-ups of this activity can no longer be changed."))
        if own and current.starts_at <= now:
            raise IllegalTransition(
                _("The activity has started; tell the organiser if you must leave.")
            )
        if hasattr(signup, "attendance"):
            raise IllegalTransition(_("This person has already checked in."))
        previous = signup.status
        signup.status = SignUp.Status.CANCELLED
        signup.cancelled_at = now
        signup.save(update_fields=["status", "cancelled_at"])
        audit_change(
            actor=actor,
            action="activity.signup_cancel",
            target=signup,
            changes={"status": [previous, signup.status]},
        )
        if previous == SignUp.Status.CONFIRMED:
            _promote_waitlisted(current, actor=actor, now=now)
    return signup
