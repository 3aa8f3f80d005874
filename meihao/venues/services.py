"""Writes of venue bookings: booking a slot (confirmed at once, or waiting for the venue's
officials), deciding a request, cancelling, and holding an activity on a booking.

No double booking: every write that makes a booking hold its slot locks the venue's row first
(`select_for_update`), so two people racing for the same hour are served in turn and the second
is refused with the slot taken."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.activities.extensions import owned_kind
from meihao.activities.models import Activity
from meihao.activities.services import activity_create, leads_team
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.photos import photo_remove, photos_add
from meihao.core.roles import OFFICIALS, ORGANISATION_ROLES, SUPERVISORS, Role
from meihao.core.scoping import covers, organisation_ids, users_covering
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import led_team_ids
from meihao.places.models import Venue
from meihao.venues.models import PURPOSE_MAX, REASON_MAX, Booking, VenuePhoto

register_kind(
    "venue_booking_requested",
    label=gettext_lazy("A venue booking waits for my approval"),
    audience=OFFICIALS,
)
register_kind("venue_booking_answered", label=gettext_lazy("My venue booking is answered"))

# A booking is for one session of a group, not a tenancy: within one day, at most this long.
MAX_BOOKING = datetime.timedelta(hours=12)


def runs_venue(user, venue: Venue) -> bool:
    """The officials covering a venue's place see who booked it and decide its requests."""
    return covers(user, venue.place_path, OFFICIALS)


def may_book(user, venue: Venue) -> bool:
    """Officials covering the venue, leaders of a team and staff of an organisation book."""
    return (
        runs_venue(user, venue)
        or led_team_ids(user).exists()
        or bool(organisation_ids(user, ORGANISATION_ROLES))
    )


def _holder(actor, venue: Venue, team, organisation) -> None:
    if team is not None and organisation is not None:
        raise ValidationFailed(_("Book for a team or for an organisation, not both."), field="team")
    official = runs_venue(actor, venue)
    if team is not None:
        if not (
            leads_team(actor, team.pk) or (official and covers(actor, team.place_path, OFFICIALS))
        ):
            raise ValidationFailed(_("Choose a team you lead."), field="team")
    elif organisation is not None:
        if organisation.pk not in organisation_ids(actor, ORGANISATION_ROLES) and not (
            official and covers(actor, organisation.place_path, OFFICIALS)
        ):
            raise ValidationFailed(_("Choose an organisation you work for."), field="team")
    elif not official:
        raise ValidationFailed(
            _("Say which team you lead or which organisation you work for the booking is for."),
            code="no_holder",
            field="team",
        )


def _check_time(venue: Venue, starts_at, ends_at, now) -> None:
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise ValidationFailed(_("Enter a date and time."), field=name)
    if ends_at <= starts_at:
        raise ValidationFailed(_("The end must come after the start."), field="ends_at")
    if starts_at <= now:
        raise ValidationFailed(
            _("The start has passed: book a time to come."), code="in_past", field="starts_at"
        )
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    # Midnight closes the day: 20:00–24:00 is the same day's evening.
    last_moment = end - datetime.timedelta(microseconds=1)
    if start.date() != last_moment.date():
        raise ValidationFailed(
            _("A booking starts and ends on the same day."), code="overnight", field="ends_at"
        )
    if ends_at - starts_at > MAX_BOOKING:
        raise ValidationFailed(
            _("A booking lasts at most %(hours)s hours.")
            % {"hours": int(MAX_BOOKING.total_seconds() // 3600)},
            code="too_long",
            field="ends_at",
        )
    if venue.opens_at is not None and venue.closes_at is not None:
        closes = venue.closes_at
        ends = end.time() if end.date() == start.date() else datetime.time.max
        if start.time() < venue.opens_at or ends > closes:
            raise ValidationFailed(
                _("%(venue)s is open from %(opens)s to %(closes)s: book within those hours.")
                % {
                    "venue": venue.name,
                    "opens": venue.opens_at.strftime("%H:%M"),
                    "closes": closes.strftime("%H:%M"),
                },
                code="closed",
                field="starts_at",
            )


def _refuse_overlap(venue: Venue, starts_at, ends_at, *, exclude=None) -> None:
    """Refuse when a booking holding the venue overlaps [starts_at, ends_at): one ending when
    this one starts does not. Called with the venue's row locked."""
    clash = (
        Booking.objects.holding()
        .filter(venue=venue, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=exclude)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationFailed(
            _("The venue is booked from %(start)s to %(end)s on that day: choose another time.")
            % {
                "start": timezone.localtime(clash.starts_at).strftime("%H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
            },
            code="taken",
            field="starts_at",
        )


def _when(booking: Booking) -> str:
    start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def booking_request(
    *, actor, venue: Venue, starts_at, ends_at, purpose, team=None, organisation=None
) -> Booking:
    """Book `venue` from `starts_at` to `ends_at` for `team` or `organisation`: confirmed at
    once, or waiting for the venue's officials (who are told) when the venue needs approval."""
    if not venue.bookable:
        raise ValidationFailed(_("This venue is not open for booking."), code="not_bookable")
    purpose = clean_text(
        purpose,
        field="purpose",
        required=_("Say what the venue is booked for."),
        max_length=PURPOSE_MAX,
    )
    _holder(actor, venue, team, organisation)
    _check_time(venue, starts_at, ends_at, timezone.now())
    with transaction.atomic():
        venue = Venue.objects.select_for_update().get(pk=venue.pk)
        _refuse_overlap(venue, starts_at, ends_at)
        waits = venue.needs_approval
        booking = Booking.objects.create(
            venue=venue,
            place_path=venue.place_path,
            booked_by=actor,
            team=team,
            organisation=organisation,
            purpose=purpose,
            starts_at=starts_at,
            ends_at=ends_at,
            status=Booking.Status.REQUESTED if waits else Booking.Status.CONFIRMED,
        )
        if waits:
            _tell_deciders(booking)
        audit_change(actor=actor, action="venues.booking_request", target=booking)
    return booking


def _tell_deciders(booking: Booking) -> None:
    # The community's staff look after its venues; a venue above any community (a street's
    # square) is the street's to decide.
    venue = booking.venue
    deciders = users_covering(venue.place_path, {Role.COMMUNITY_STAFF}) or users_covering(
        venue.place_path, SUPERVISORS
    )
    notify_enqueue(
        recipients=deciders,
        kind="venue_booking_requested",
        subject=gettext_lazy("{{ holder }} asks for {{ venue }}"),
        body=gettext_lazy(
            "{{ holder }} asks to use {{ venue }} on {{ when }} for “{{ purpose }}”. "
            "Confirm or decline it among the venue bookings to decide."
        ),
        link=reverse("venues:requests"),
        target=booking,
        idempotency_key=f"venue-booking:{booking.pk}:requested",
        context={
            "holder": booking.holder_name,
            "venue": venue.name,
            "when": _when(booking),
            "purpose": booking.purpose,
        },
    )


def booking_decide(*, actor, booking: Booking, confirm: bool, reason="") -> Booking:
    """The venue's officials confirm a request (the slot still free) or decline it with a
    reason; the booker is told."""
    if not runs_venue(actor, booking.venue):
        raise NotFound()
    if not confirm:
        reason = clean_text(
            reason,
            field="reason",
            required=_("Say why the booking is declined."),
            max_length=REASON_MAX,
        )
    with transaction.atomic():
        Venue.objects.select_for_update().get(pk=booking.venue_id)
        current = Booking.objects.select_for_update().select_related("venue").get(pk=booking.pk)
        if current.status != Booking.Status.REQUESTED:
            raise IllegalTransition(_("This booking has been decided already."))
        if confirm:
            if current.starts_at <= timezone.now():
                raise IllegalTransition(_("This booking's time has passed."))
            _refuse_overlap(current.venue, current.starts_at, current.ends_at, exclude=current.pk)
        current.status = Booking.Status.CONFIRMED if confirm else Booking.Status.DECLINED
        current.decline_reason = "" if confirm else reason
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.save(
            update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"]
        )
        _tell_booker(
            current,
            event="confirmed" if confirm else "declined",
            subject=gettext_lazy("{{ venue }} booked for {{ when }}")
            if confirm
            else gettext_lazy("{{ venue }} not booked"),
            body=gettext_lazy("Your booking of {{ venue }} on {{ when }} is confirmed.")
            if confirm
            else gettext_lazy(
                "Your booking of {{ venue }} on {{ when }} is declined: {{ reason }}"
            ),
            reason=reason,
        )
        audit_change(
            actor=actor,
            action="venues.booking_decide",
            target=current,
            changes={"status": [Booking.Status.REQUESTED, current.status]},
        )
    return current


def _tell_booker(booking: Booking, *, event: str, subject, body, reason="") -> None:
    notify_enqueue(
        recipients=[booking.booked_by],
        kind="venue_booking_answered",
        subject=subject,
        body=body,
        link=reverse("venues:mine"),
        target=booking,
        idempotency_key=f"venue-booking:{booking.pk}:{event}",
        context={"venue": booking.venue.name, "when": _when(booking), "reason": reason},
    )


def booking_cancel(*, actor, booking: Booking, reason="") -> Booking:
    """The booker, or the venue's officials (saying why; the booker is told), cancel a booking
    before it starts. The slot is free again."""
    own = booking.booked_by_id == actor.pk
    if not (own or runs_venue(actor, booking.venue)):
        raise NotFound()
    reason = clean_text(
        reason,
        field="reason",
        required=None if own else _("Say why the booking is cancelled."),
        max_length=REASON_MAX,
    )
    with transaction.atomic():
        current = Booking.objects.select_for_update().select_related("venue").get(pk=booking.pk)
        if current.status not in (Booking.Status.REQUESTED, Booking.Status.CONFIRMED):
            raise IllegalTransition(_("This booking is not held any more."))
        if current.starts_at <= timezone.now():
            raise IllegalTransition(_("A booking cannot be cancelled once it has started."))
        if current.activity_id and current.activity.status != Activity.Status.CANCELLED:
            raise IllegalTransition(
                _("An activity is held on this booking: cancel the activity first.")
            )
        current.status = Booking.Status.CANCELLED
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancel_reason", "updated_at"])
        if not own:
            _tell_booker(
                current,
                event="cancelled",
                subject=gettext_lazy("{{ venue }} booking cancelled"),
                body=gettext_lazy(
                    "Your booking of {{ venue }} on {{ when }} is cancelled by the community: "
                    "{{ reason }}"
                ),
                reason=reason,
            )
        audit_change(actor=actor, action="venues.booking_cancel", target=current)
    return current


def may_hold_activity(user, booking: Booking) -> bool:
    """Who may hold an activity on a booking: the officials covering the venue and the
    leaders of the team it is for — those who run activities (an organisation's staff do not
    organise activities on the platform)."""
    return runs_venue(user, booking.venue) or leads_team(user, booking.team_id)


def activity_from_booking(
    *, actor, booking: Booking, kind, title, capacity, description=""
) -> "Booking":
    """A draft activity at the booking's venue, place and time, organised by the booking's
    team, linked to the booking; its organiser publishes it from its page."""
    if not (booking.booked_by_id == actor.pk or runs_venue(actor, booking.venue)):
        raise NotFound()
    if not may_hold_activity(actor, booking):
        raise ValidationFailed(
            _("Activities are held by the team's leaders or the community's staff."),
            code="not_organiser",
        )
    if kind is not None and owned_kind(kind) is not None:
        raise ValidationFailed(
            _("This kind of activity is arranged on its own page, not here."), field="kind"
        )
    venue = booking.venue
    if venue.capacity and isinstance(capacity, int) and capacity > venue.capacity:
        raise ValidationFailed(
            _("%(venue)s holds at most %(capacity)s people.")
            % {"venue": venue.name, "capacity": venue.capacity},
            field="capacity",
        )
    with transaction.atomic():
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        if current.status != Booking.Status.CONFIRMED:
            raise IllegalTransition(_("Only a confirmed booking can hold an activity."))
        if current.activity_id is not None:
            raise IllegalTransition(_("An activity is held on this booking already."))
        # The venues app authorised the actor (the booking is theirs to use): for_owner lets a
        # team's leader, who covers no place, hold it at the venue's place.
        activity = activity_create(
            actor=actor,
            for_owner=True,
            kind=kind,
            title=title,
            description=description,
            organiser_team=current.team,
            place=venue.place,
            venue=venue.name,
            address=venue.address,
            lat=venue.lat,
            lon=venue.lon,
            starts_at=current.starts_at,
            ends_at=current.ends_at,
            capacity=capacity,
        )
        current.activity = activity
        current.save(update_fields=["activity", "updated_at"])
        audit_change(actor=actor, action="venues.activity_from_booking", target=current)
    return current


# --- photos ------------------------------------------------------------------------------------


def venue_photos_add(*, actor, venue: Venue, files, caption="") -> list[VenuePhoto]:
    """Photos of a venue for its page, by the officials covering it (anyone else: a 404)."""
    if not runs_venue(actor, venue):
        raise NotFound()
    return photos_add(
        actor=actor, owner=venue, files=files, caption=caption, action="venues.photos_add"
    )


def venue_photo_remove(*, actor, photo: VenuePhoto) -> None:
    if not runs_venue(actor, photo.venue):
        raise NotFound()
    photo_remove(actor=actor, photo=photo, owner=photo.venue, action="venues.photo_remove")
