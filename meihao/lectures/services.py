"""Writes of the lecture menu: a team's topics, residents' orders, communities' requests, and
scheduling a session (an activity of kind `lecture`) that delivers the orders it covers and
tells everyone who ordered the topic there."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.activities.models import Activity
from meihao.activities.services import activity_create, activity_publish, leads_team
from meihao.core.audit import audit_change
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers, in_subtree
from meihao.lectures.models import NOTE_MAX, TITLE_MAX, Order, Request, Session, Topic
from meihao.notify.kinds import NotifyBy, register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import Team
from meihao.places.models import Level, Place

register_kind(
    "lecture_scheduled",
    label=gettext_lazy("A lecture I ordered is scheduled"),
    default=NotifyBy.WECOM,
)
register_kind("lecture_request", label=gettext_lazy("A community asks my team for a lecture"))
register_kind("lecture_request_answered", label=gettext_lazy("My lecture request is answered"))
register_kind("lecture_orders_waiting", label=gettext_lazy("Lectures ordered and not delivered"))


def runs_team(user, team: Team) -> bool:
    """A lecture team's leaders, and the officials over the team's place, run its menu."""
    return covers(user, team.place_path, OFFICIALS) or leads_team(user, team.pk)


def _topic_fields(*, title, summary, speaker, minutes, audience, online, offline) -> dict:
    title = clean_text(
        title, field="title", required=_("Give the topic a title."), max_length=TITLE_MAX
    )
    summary = clean_text(
        summary, field="summary", required=_("Say what the lecture is about."), max_length=2000
    )
    speaker = clean_text(speaker, field="speaker", required=_("Who speaks?"), max_length=60)
    audience = clean_text(audience, field="audience", max_length=60)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 10 <= minutes <= 480:
        raise ValidationFailed(
            _("Give the length in minutes, from 10 to 480."), code="out_of_range", field="minutes"
        )
    if not (online or offline):
        raise ValidationFailed(_("A lecture is given online, on site, or both."), field="online")
    return {
        "title": title,
        "summary": summary,
        "speaker": speaker,
        "minutes": minutes,
        "audience": audience,
        "online": bool(online),
        "offline": bool(offline),
    }


def topic_create(*, actor, team: Team, publish: bool = False, **fields) -> Topic:
    if team.kind != Team.Kind.LECTURE or not runs_team(actor, team):
        raise NotFound()
    cleaned = _topic_fields(**fields)
    with transaction.atomic():
        topic = Topic.objects.create(
            team=team,
            place_path=team.place_path,
            created_by=actor,
            status=Topic.Status.PUBLISHED if publish else Topic.Status.DRAFT,
            **cleaned,
        )
        audit_change(actor=actor, action="lectures.topic_create", target=topic)
    return topic


def topic_update(*, actor, topic: Topic, **fields) -> Topic:
    if not runs_team(actor, topic.team):
        raise NotFound()
    cleaned = _topic_fields(**fields)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(**cleaned, updated_at=timezone.now())
        audit_change(actor=actor, action="lectures.topic_update", target=topic)
    topic.refresh_from_db()
    return topic


# What each status may become: a draft is published, a topic on the menu withdrawn, a
# withdrawn one put back.
TOPIC_MOVES = {
    Topic.Status.DRAFT: {Topic.Status.PUBLISHED},
    Topic.Status.PUBLISHED: {Topic.Status.WITHDRAWN},
    Topic.Status.WITHDRAWN: {Topic.Status.PUBLISHED},
}


def topic_set_status(*, actor, topic: Topic, status) -> Topic:
    if not runs_team(actor, topic.team):
        raise NotFound()
    with transaction.atomic():
        current = Topic.objects.select_for_update().get(pk=topic.pk)
        if status not in TOPIC_MOVES.get(current.status, set()):
            raise IllegalTransition(_("The topic cannot move to that state."))
        current.status = status
        current.save(update_fields=["status", "updated_at"])
        audit_change(
            actor=actor,
            action="lectures.topic_status",
            target=current,
            changes={"status": [topic.status, status]},
        )
    return current


# --- 点单 -----------------------------------------------------------------------------------


def _home_community(person) -> Place | None:
    codes = [code for code in (person.home_place_path or "").split("/") if code]
    if len(codes) < 3:
        return None
    return Place.objects.filter(code=codes[2], level=Level.COMMUNITY).first()


def order_place(*, actor, topic: Topic, note="") -> Order:
    """The actor orders a topic on the menu for their home community, once."""
    person = getattr(actor, "person", None)
    if person is None:
        raise ValidationFailed(
            _("Your account has no real-name details yet: enter them under My profile."),
            code="no_person",
        )
    if topic.status != Topic.Status.PUBLISHED:
        raise ValidationFailed(_("This topic is not on the menu."), code="not_published")
    community = _home_community(person)
    if community is None:
        raise ValidationFailed(
            _("Your home community is not recorded: ask your community to add it."),
            code="no_community",
        )
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                topic=topic,
                person=person,
                community=community,
                place_path=community.path,
                note=note,
            )
    except IntegrityError:
        raise ValidationFailed(
            _("You have ordered this topic already."), code="ordered_already"
        ) from None
    return order


def order_cancel(*, actor, order: Order) -> None:
    if order.person.user_id != actor.pk:
        raise NotFound()
    if order.session_id is not None:
        raise IllegalTransition(_("This order has been delivered."))
    with transaction.atomic():
        Order.objects.filter(pk=order.pk, session__isnull=True).delete()


# --- a community's request ----------------------------------------------------------------------


def request_create(*, actor, topic: Topic, community: Place | None, note="") -> Request:
    """A community's staff ask the team for a session; the team's leaders are told."""
    if (
        community is None
        or community.level != Level.COMMUNITY
        or not covers(actor, community.path, OFFICIALS)
    ):
        raise ValidationFailed(_("Choose a community of your area."), field="community")
    if topic.status != Topic.Status.PUBLISHED:
        raise ValidationFailed(_("This topic is not on the menu."), code="not_published")
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    try:
        with transaction.atomic():
            request = Request.objects.create(
                topic=topic,
                community=community,
                place_path=community.path,
                note=note,
                requested_by=actor,
            )
            leaders = [
                m.person.user
                for m in topic.team.memberships.filter(
                    position__in=("leader", "deputy"), person__user__is_active=True
                ).select_related("person__user")
            ]
            notify_enqueue(
                recipients=leaders,
                kind="lecture_request",
                subject=gettext_lazy("{{ community }} asks for “{{ topic }}”"),
                body=gettext_lazy(
                    "{{ community }} asks {{ team }} for a session of “{{ topic }}”. "
                    "Schedule it, or decline it with a reason, on the team's page."
                ),
                link=reverse("lectures:desk"),
                target=request,
                idempotency_key=f"lecture-request:{request.pk}:created",
                context={
                    "community": community.name,
                    "team": topic.team.name,
                    "topic": topic.title,
                },
            )
            audit_change(actor=actor, action="lectures.request", target=request)
    except IntegrityError:
        raise ValidationFailed(
            _("Your community has asked for this topic already."), code="requested_already"
        ) from None
    return request


def request_decline(*, actor, request: Request, reason) -> Request:
    if not runs_team(actor, request.topic.team):
        raise NotFound()
    reason = clean_text(
        reason, field="reason", required=_("Say why the request is declined."), max_length=200
    )
    with transaction.atomic():
        current = Request.objects.select_for_update().get(pk=request.pk)
        if current.status != Request.Status.REQUESTED:
            raise IllegalTransition(_("This request has been answered already."))
        current.status = Request.Status.DECLINED
        current.decline_reason = reason
        current.save(update_fields=["status", "decline_reason", "updated_at"])
        notify_enqueue(
            recipients=[current.requested_by],
            kind="lecture_request_answered",
            subject=gettext_lazy("“{{ topic }}” declined"),
            body=gettext_lazy("{{ team }} declined your request for “{{ topic }}”: {{ reason }}"),
            link=reverse("lectures:topic", args=[current.topic_id]),
            target=current,
            idempotency_key=f"lecture-request:{current.pk}:declined",
            context={
                "team": current.topic.team.name,
                "topic": current.topic.title,
                "reason": reason,
            },
        )
        audit_change(actor=actor, action="lectures.request_decline", target=current)
    return current


# --- scheduling ----------------------------------------------------------------------------------


def session_schedule(
    *,
    actor,
    topic: Topic,
    place: Place,
    starts_at,
    ends_at,
    venue="",
    address="",
    online_url="",
    capacity=100,
    request: Request | None = None,
) -> Session:
    """A session of `topic` at `place` (a request's community, or any place the actor covers),
    as a published lecture activity organised by the team. Delivers the orders of the topic
    from `place`'s subtree not yet delivered, and tells whoever placed them."""
    if not runs_team(actor, topic.team):
        raise NotFound()
    if topic.status != Topic.Status.PUBLISHED:
        raise ValidationFailed(_("This topic is not on the menu."), code="not_published")
    if request is not None:
        if request.topic_id != topic.pk:
            raise NotFound()
        place = request.community
    elif place is None or not covers(actor, place.path, OFFICIALS):
        raise ValidationFailed(_("Choose a place inside your area."), field="place")
    if online_url and not topic.online:
        raise ValidationFailed(_("This topic is not given online."), field="online_url")
    if venue and not topic.offline and not online_url:
        raise ValidationFailed(
            _("This topic is given online only: add the link."), field="online_url"
        )
    with transaction.atomic():
        if request is not None:
            request = Request.objects.select_for_update().get(pk=request.pk)
            if request.status != Request.Status.REQUESTED:
                raise IllegalTransition(_("This request has been answered already."))
        activity = activity_create(
            actor=actor,
            for_owner=True,
            kind=Activity.Kind.LECTURE,
            title=topic.title,
            description=f"{topic.summary}\n\n{_('Speaker')}: {topic.speaker}",
            organiser_team=topic.team,
            place=place,
            venue=venue,
            address=address,
            online_url=online_url,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
        )
        activity = activity_publish(actor=actor, activity=activity)
        session = Session.objects.create(
            topic=topic, activity=activity, request=request, scheduled_by=actor
        )
        if request is not None:
            request.status = Request.Status.SCHEDULED
            request.save(update_fields=["status", "updated_at"])
        delivered = _deliver(session, place)
        _tell_scheduled(session, delivered, request)
        audit_change(actor=actor, action="lectures.session_schedule", target=session)
    return session


def _deliver(session: Session, place: Place) -> list[Order]:
    orders = list(
        Order.objects.select_for_update(of=("self",))
        .filter(in_subtree(place.path), topic=session.topic, session__isnull=True)
        .select_related("person__user")
    )
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        session=session, delivered_at=session.scheduled_at
    )
    return orders


def _tell_scheduled(session: Session, orders: list[Order], request: Request | None) -> None:
    activity = session.activity
    recipients = [o.person.user for o in orders if o.person.user_id]
    if request is not None:
        recipients.append(request.requested_by)
    notify_enqueue(
        recipients=recipients,
        kind="lecture_scheduled",
        subject=gettext_lazy("“{{ topic }}” on {{ day }}"),
        body=gettext_lazy(
            "The lecture “{{ topic }}” you asked for is on {{ time }}"
            "{% if venue %} at {{ venue }}{% endif %}"
            "{% if online %}; you can also join online through its page{% endif %}. "
            "Sign up on its page."
        ),
        link=reverse("activities:detail", args=[activity.pk]),
        target=activity,
        idempotency_key=f"lecture-session:{session.pk}:scheduled",
        context={
            "topic": session.topic.title,
            "day": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d"),
            "time": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
            "venue": activity.venue,
            "online": bool(activity.online_url),
        },
    )


# --- orders waiting ----------------------------------------------------------------------------


def waiting_since(today: datetime.date) -> datetime.datetime:
    """Orders placed before this instant and not delivered are flagged to their street."""
    weeks = settings.LECTURE_ORDER_WAIT_WEEKS
    day = today - datetime.timedelta(weeks=weeks)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def remind_orders_waiting(*, today: datetime.date | None = None) -> int:
    """Tell each street's chiefs how many orders of their residents have waited longer than
    `LECTURE_ORDER_WAIT_WEEKS` without a session, and of which topics; once a week a street.
    Returns the messages written."""
    from meihao.core.roles import Role
    from meihao.core.scoping import users_covering

    today = today or timezone.localdate()
    before = waiting_since(today)
    waiting = Order.objects.filter(session__isnull=True, ordered_at__lt=before).values_list(
        "place_path", "topic_id"
    )
    by_street: dict[str, tuple[int, set]] = {}
    for path, topic_id in waiting:
        street = "/".join(path.split("/")[:2]) + "/"
        orders, topics = by_street.get(street, (0, set()))
        topics.add(topic_id)
        by_street[street] = (orders + 1, topics)
    year, week, _day = today.isocalendar()
    told = 0
    streets = dict(
        Place.objects.filter(path__in=list(by_street), level=Level.STREET).values_list(
            "path", "code"
        )
    )
    with transaction.atomic():
        for path, (orders, topics) in sorted(by_street.items()):
            if path not in streets:
                continue
            told += len(
                notify_enqueue(
                    recipients=users_covering(path, {Role.STREET_CHIEF}),
                    kind="lecture_orders_waiting",
                    subject=gettext_lazy("{{ orders }} lecture orders are waiting"),
                    body=gettext_lazy(
                        "{{ orders }} orders of {{ topics }} topics by your street's residents "
                        "have waited over {{ weeks }} weeks for a session. See the street's "
                        "programme."
                    ),
                    link=reverse("lectures:programme") + f"?place={streets[path]}",
                    idempotency_key=f"lecture-waiting:{streets[path]}:{year}w{week}",
                    context={
                        "orders": orders,
                        "topics": len(topics),
                        "weeks": settings.LECTURE_ORDER_WAIT_WEEKS,
                    },
                )
            )
    return told
