"""Party meetings (三会一课 and the rest): activities of kind `branch_meeting`, which this app owns
(`activities.extensions.OwnedKind`): a branch's committee schedules them, the members called
are signed up and told, they sign in by the activity's QR code or by joining the livestream
through the platform, and when the activity is finished the meeting records who was expected,
who came and whether it had its quorum. The secretary approves the minutes; an approved,
quorate meeting counts toward the branch's obligation (`core.obligations.tally_add`)."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.activities.extensions import OwnedKind, register_finish_effects, register_owned_kind
from meihao.activities.models import Activity, SignUp
from meihao.activities.services import activity_create, activity_publish, signups_invite
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text, parse_id
from meihao.core.models import ObligationTally
from meihao.core.obligations import (
    Period,
    period_end,
    period_start,
    tally_add,
    tally_rebuild,
)
from meihao.notify.kinds import NotifyBy, register_kind
from meihao.notify.services import notify_enqueue
from meihao.party.models import (
    TRANSFER_REASON_MAX,
    MeetingAbsence,
    MeetingType,
    PartyMeeting,
    PartyMember,
    PartyOrg,
    PartyPost,
    committee_paths,
    committee_q,
)
from meihao.party.services import manages
from meihao.people.models import Person
from meihao.people.validation import normalise_phone

KIND = Activity.Kind.BRANCH_MEETING
AGENDA_MAX = 2000
MINUTES_MAX = 20000
# Places beyond the members called: members away from their own branch, guests.
GUEST_PLACES = 20

register_kind(
    "party_meeting_notice",
    label=gettext_lazy("My party branch calls a meeting"),
    default=NotifyBy.WECOM,
)


# --- who organises, sees and joins a meeting (the owned kind) ----------------------------------


def _organised(user) -> Q:
    if getattr(user, "is_superuser", False):
        return ~Q(pk__in=[])
    return committee_q(user, "party_meeting__org_path")


def _audience(user) -> Q:
    """A member sees their branch's and group's meetings and those of the branch they take
    part with while away; anyone sees a meeting they were called to."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    mine = PartyMember.objects.filter(person__user=user).values_list(
        "branch_id", "group_id", "away_host_id"
    )
    orgs = {org for row in mine for org in row if org}
    called = SignUp.objects.filter(person__user=user).values("activity_id")
    return Q(party_meeting__org_id__in=orgs) | Q(pk__in=called)


def _admits(activity, person) -> bool:
    return PartyMember.objects.filter(person=person).exists()


register_owned_kind(
    KIND,
    OwnedKind(
        organised=_organised,
        audience=_audience,
        admits=_admits,
        refusal=gettext_lazy("Party meetings are for party members."),
        organises_any=lambda user: bool(committee_paths(user)),
    ),
)


# --- scheduling ----------------------------------------------------------------------------------


def expected_people(org: PartyOrg, meeting_type: MeetingType):
    """Who a meeting of this type calls: the committee for a committee meeting, else the
    group's or the branch's members."""
    if meeting_type.quorum == MeetingType.Quorum.COMMITTEE:
        return Person.objects.filter(party_posts__org=org)
    if org.level == PartyOrg.Level.GROUP:
        return Person.objects.filter(party_membership__group=org)
    return Person.objects.filter(party_membership__branch=org)


def types_for(org: PartyOrg):
    return MeetingType.objects.filter(is_active=True, level=org.level)


def meeting_schedule(
    *,
    actor,
    org: PartyOrg,
    type_id,
    starts_at,
    ends_at,
    venue="",
    address="",
    online_url="",
    agenda="",
    lecturer_phone="",
) -> PartyMeeting:
    """A meeting of `org`, published at once, its members called (signed up) and told."""
    if not manages(actor, org):
        raise NotFound()
    meeting_type = types_for(org).filter(pk=parse_id(type_id)).first()
    if meeting_type is None:
        raise ValidationFailed(_("Choose a type of meeting this organisation holds."), field="type")
    if isinstance(starts_at, datetime.datetime) and not org.is_active_on(
        timezone.localdate(starts_at)
    ):
        raise ValidationFailed(_("The organisation does not exist on that day."), field="starts_at")
    agenda = clean_text(agenda, field="agenda", max_length=AGENDA_MAX)
    lecturer = None
    if lecturer_phone:
        lecturer = Person.objects.filter(
            phone=normalise_phone(str(lecturer_phone))[:20], party_membership__isnull=False
        ).first()
        if lecturer is None:
            raise ValidationFailed(
                _("No party member has that mobile number."), field="lecturer_phone"
            )
    called = list(expected_people(org, meeting_type))
    if not called:
        raise ValidationFailed(_("Nobody would be called to this meeting yet."), field="type")
    with transaction.atomic():
        activity = activity_create(
            actor=actor,
            for_owner=True,
            kind=KIND,
            title=f"{org.name}{meeting_type.name_zh}",
            description=agenda,
            place=org.place,
            venue=venue,
            address=address,
            online_url=online_url,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=len(called) + GUEST_PLACES,
        )
        meeting = PartyMeeting.objects.create(
            activity=activity,
            org=org,
            org_path=org.path,
            meeting_type=meeting_type,
            held_on=timezone.localdate(activity.starts_at),
            agenda=agenda,
            lecturer=lecturer,
        )
        meeting.activity = activity_publish(actor=actor, activity=activity)
        signups_invite(actor=actor, activity=activity, people=called)
        notify_enqueue(
            recipients=[p.user for p in called if p.user_id and p.user_id != actor.pk],
            kind="party_meeting_notice",
            subject=gettext_lazy("{{ org }}: {{ type }} on {{ day }}"),
            body=gettext_lazy(
                "You are called to {{ type }} of {{ org }} at {{ time }}{% if venue %}, "
                "{{ venue }}{% endif %}. Sign in on arrival by scanning the QR code"
                "{% if online %}, or join online through the meeting's page{% endif %}."
            ),
            link=reverse("party:meeting", args=[meeting.pk]),
            target=meeting,
            idempotency_key=f"party-meeting:{meeting.pk}:called",
            context={
                "org": org.name,
                "type": meeting_type.name_zh,
                "day": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d"),
                "time": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
                "venue": activity.venue,
                "online": bool(activity.online_url),
            },
        )
        if meeting_type.quorum != MeetingType.Quorum.COMMITTEE:
            _tell_hosted(meeting, actor=actor)
        audit_change(actor=actor, action="party.meeting_schedule", target=meeting)
    return meeting


def _tell_hosted(meeting: PartyMeeting, *, actor) -> None:
    """Members of other branches working away who take part with this one are told too: they
    may sign in and it counts for their own branch."""
    guests = Person.objects.filter(
        party_membership__away_host=meeting.org, user__isnull=False
    ).exclude(user=actor)
    activity = meeting.activity
    notify_enqueue(
        recipients=[p.user for p in guests.select_related("user")],
        kind="party_meeting_notice",
        subject=gettext_lazy("{{ org }}: {{ type }} on {{ day }}"),
        body=gettext_lazy(
            "You take part with {{ org }} while away: you are welcome at its {{ type }} at "
            "{{ time }}. Signing in there counts for your own branch."
        ),
        link=reverse("party:meeting", args=[meeting.pk]),
        target=meeting,
        idempotency_key=f"party-meeting:{meeting.pk}:hosted",
        context={
            "org": meeting.org.name,
            "type": meeting.meeting_type.name_zh,
            "day": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d"),
            "time": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
        },
    )


# --- when it is over ------------------------------------------------------------------------------


def _quorate(meeting_type: MeetingType, expected: int, present: int) -> bool:
    if meeting_type.quorum == MeetingType.Quorum.NONE:
        return present > 0
    return present * 2 > expected


def meeting_finished(*, activity, attendances, actor) -> None:
    """The activity's finish: record who was expected, how many of them came, the quorum."""
    meeting = PartyMeeting.objects.select_related("org", "meeting_type").get(activity=activity)
    expected = set(expected_people(meeting.org, meeting.meeting_type).values_list("pk", flat=True))
    came = {a.signup.person_id for a in attendances}
    meeting.expected = len(expected)
    meeting.present = len(expected & came)
    meeting.quorate = _quorate(meeting.meeting_type, meeting.expected, meeting.present)
    meeting.save(update_fields=["expected", "present", "quorate"])


register_finish_effects(KIND, meeting_finished)


def absence_record(*, actor, meeting: PartyMeeting, person_id, reason) -> MeetingAbsence:
    """Why an expected member did not come (请假), as the committee records it."""
    if not manages(actor, meeting.org):
        raise NotFound()
    person = (
        expected_people(meeting.org, meeting.meeting_type).filter(pk=parse_id(person_id)).first()
    )
    if person is None:
        raise ValidationFailed(_("Choose a member called to this meeting."), field="person")
    if SignUp.objects.filter(
        activity=meeting.activity, person=person, attendance__isnull=False
    ).exists():
        raise ValidationFailed(_("This member attended."), field="person")
    reason = clean_text(
        reason, field="reason", required=_("Give the reason."), max_length=TRANSFER_REASON_MAX
    )
    with transaction.atomic():
        absence, _created = MeetingAbsence.objects.update_or_create(
            meeting=meeting, person=person, defaults={"reason": reason}
        )
        audit_change(actor=actor, action="party.meeting_absence", target=meeting)
    return absence


def approves(user, org: PartyOrg) -> bool:
    """The secretary or deputy secretary of `org` (a group: its branch's), or a post above."""
    if getattr(user, "is_superuser", False):
        return True
    branch = org.parent if org.level == PartyOrg.Level.GROUP else org
    if branch.parent_id and manages(user, branch.parent):
        return True
    return PartyPost.objects.filter(
        org=branch,
        person__user=user,
        post__in=(PartyPost.Post.SECRETARY, PartyPost.Post.DEPUTY_SECRETARY),
    ).exists()


def minutes_write(*, actor, meeting: PartyMeeting, minutes, resolutions="") -> PartyMeeting:
    """纪要 and resolutions, by the committee, once the meeting has begun; approved minutes are
    final."""
    if not manages(actor, meeting.org):
        raise NotFound()
    minutes = clean_text(
        minutes, field="minutes", required=_("Write the minutes."), max_length=MINUTES_MAX
    )
    resolutions = clean_text(resolutions, field="resolutions", max_length=MINUTES_MAX)
    with transaction.atomic():
        current = (
            PartyMeeting.objects.select_for_update().select_related("activity").get(pk=meeting.pk)
        )
        if current.approved_at is not None:
            raise IllegalTransition(_("The minutes are approved and can no longer be changed."))
        if current.activity.starts_at > timezone.now():
            raise IllegalTransition(_("Minutes are written once the meeting has begun."))
        current.minutes, current.resolutions, current.minutes_by = minutes, resolutions, actor
        current.save(update_fields=["minutes", "resolutions", "minutes_by"])
        audit_change(actor=actor, action="party.minutes_write", target=current)
    return current


def minutes_approve(*, actor, meeting: PartyMeeting) -> PartyMeeting:
    """The secretary approves the minutes of a finished meeting; a quorate one then counts
    toward its organisation's obligation (and a lecture the secretary taught, toward theirs)."""
    if not manages(actor, meeting.org):
        raise NotFound()
    if not approves(actor, meeting.org):
        raise PermissionDenied(_("Only the secretary approves the minutes."))
    with transaction.atomic():
        current = (
            PartyMeeting.objects.select_for_update()
            .select_related("activity", "meeting_type", "org")
            .get(pk=meeting.pk)
        )
        if current.approved_at is not None:
            raise IllegalTransition(_("The minutes are already approved."))
        if current.activity.status != Activity.Status.FINISHED:
            raise IllegalTransition(_("Finish the meeting first: then its attendance is known."))
        if not current.minutes:
            raise IllegalTransition(_("Write the minutes first."))
        current.approved_by = actor
        current.approved_at = timezone.now()
        current.counted = bool(current.quorate)
        current.save(update_fields=["approved_by", "approved_at", "counted"])
        meeting_type = current.meeting_type
        if current.counted:
            tally_add(
                duty=meeting_type.duty,
                subject_id=current.org_id,
                period=meeting_type.period,
                day=current.held_on,
                minimum=meeting_type.minimum,
            )
            if meeting_type.secretary_teaches_yearly and current.lecturer_id in set(
                PartyPost.objects.filter(
                    org=current.org, post=PartyPost.Post.SECRETARY
                ).values_list("person_id", flat=True)
            ):
                tally_add(
                    duty=meeting_type.lecture_duty,
                    subject_id=current.org_id,
                    period=Period.YEAR,
                    day=current.held_on,
                    minimum=meeting_type.secretary_teaches_yearly,
                )
        audit_change(
            actor=actor,
            action="party.minutes_approve",
            target=current,
            changes={"counted": [None, str(current.counted)]},
        )
    return current


def tallies_rebuild(meeting_type: MeetingType) -> int:
    """Recount a type's tallies from its counted meetings (after its period or minimum
    changed), and those of its secretary's lectures."""
    counted = PartyMeeting.objects.filter(meeting_type=meeting_type, counted=True)
    written = tally_rebuild(
        duty=meeting_type.duty,
        period=meeting_type.period,
        minimum=meeting_type.minimum,
        done=((org, day, 1) for org, day in counted.values_list("org_id", "held_on").iterator()),
    )
    if meeting_type.secretary_teaches_yearly:
        secretary = PartyPost.objects.filter(
            org_id=OuterRef("org_id"),
            person_id=OuterRef("lecturer_id"),
            post=PartyPost.Post.SECRETARY,
        )
        taught = counted.filter(Exists(secretary)).values_list("org_id", "held_on")
        written += tally_rebuild(
            duty=meeting_type.lecture_duty,
            period=Period.YEAR,
            minimum=meeting_type.secretary_teaches_yearly,
            done=((org, day, 1) for org, day in taught.iterator()),
        )
    return written


# --- reminders -------------------------------------------------------------------------------

# How long before a period ends its secretary is told that its meetings are still owed.
REMIND_DAYS = {Period.MONTH: 7, Period.QUARTER: 14, Period.YEAR: 30}

register_kind(
    "party_meetings_due",
    label=gettext_lazy("My branch still owes a meeting this period"),
)


def remind_meetings_due(*, today: datetime.date | None = None) -> int:
    """Tell the secretary (a group: its leader) of every branch and group that has not held a
    type of meeting the current period requires, in the period's last days, unless one is
    called for the days left. Once per organisation, type and period (the message key);
    returns the messages written."""
    today = today or timezone.localdate()
    told = 0
    for meeting_type in MeetingType.objects.filter(is_active=True):
        start = period_start(meeting_type.period, today)
        end = period_end(meeting_type.period, start)
        if (end - today).days > REMIND_DAYS[Period(meeting_type.period)]:
            continue
        held = ObligationTally.objects.filter(
            duty=meeting_type.duty, starts_on=start, amount__gte=meeting_type.minimum
        ).values("subject_id")
        called = PartyMeeting.objects.filter(
            meeting_type=meeting_type,
            held_on__gte=today,
            held_on__lte=end,
            activity__status=Activity.Status.PUBLISHED,
        ).values("org_id")
        owing = PartyOrg.objects.filter(level=meeting_type.level)
        if not meeting_type.owed_by_temporary:
            owing = owing.filter(temporary=False)
        owing = (
            owing.exclude(pk__in=held)
            .exclude(pk__in=called)
            .exclude(starts_on__gt=today)
            .exclude(ends_on__lt=today)
        )
        heads = (
            PartyPost.objects.filter(
                org__in=owing,
                post__in=(PartyPost.Post.SECRETARY, PartyPost.Post.GROUP_LEADER),
                person__user__is_active=True,
            )
            .select_related("org", "person__user")
            .order_by("org_id")
        )
        with transaction.atomic():
            for seat in heads:
                told += len(
                    notify_enqueue(
                        recipients=[seat.person.user],
                        kind="party_meetings_due",
                        subject=gettext_lazy("{{ org }} still owes {{ type }} by {{ end }}"),
                        body=gettext_lazy(
                            "{{ org }} has not yet held {{ type }} this period, which ends on "
                            "{{ end }}. Call it on the organisation's page; it counts once its "
                            "minutes are approved."
                        ),
                        link=reverse("party:org", args=[seat.org_id]),
                        target=seat.org,
                        idempotency_key=f"party:{seat.org_id}:{meeting_type.code}:{start:%Y%m%d}:due",
                        context={
                            "org": seat.org.name,
                            "type": meeting_type.name_zh,
                            "end": end.isoformat(),
                        },
                    )
                )
    return told
