"""Who learns of what happens to a case: what the WeChat groups did (docs/product.md).

Called by the services inside their transaction, so a message exists exactly when the change
does; notify delivers after commit. Each message names its event in the idempotency key, so an
action retried after a lost response never notifies twice.

A new case is the exception that proves the rule: filing is the busiest write (every resident,
every patrol, offline phones sending their queue at once) and its audience is the widest (every
dispatcher from the community up to the district), so the filing transaction records one
`cases.submitted` event and the worker writes its messages moments later (notify.fanout).
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import detail_url, holders_of, tells_own_filing, vocabulary_of
from meihao.cases.models import Case, Escalation
from meihao.cases.states import WORKING, Status
from meihao.cases.vocabulary import REPORT, Message
from meihao.core.roles import OFFICIALS, SUPERVISORS, Role
from meihao.core.scoping import users_covering
from meihao.notify.fanout import fan_out_handler
from meihao.notify.kinds import NotifyBy, register_kind
from meihao.notify.services import notify_enqueue, notify_later, notify_team, team_members
from meihao.people.selectors import department_staff
from meihao.places.models import PATH_SEPARATOR

# Everyone who works on cases, as against a resident who reported or follows one.
CASE_STAFF = frozenset(Role) - {Role.RESIDENT}

register_kind(
    "case_new_in_area",
    label=_("New cases in my area"),
    audience=OFFICIALS,
    digest_subject=_("{{ count }} new case(s) in your area"),
    digest_link=lambda: reverse("cases:board") + "?sort=-created_at",
)
register_kind("case_dispatched", label=_("A case is dispatched to me"), audience=CASE_STAFF)
register_kind("case_claimed", label=_("My case is taken on"))
register_kind("case_awaiting_confirmation", label=_("My request is done: please confirm"))
register_kind(
    "case_awaiting_verification",
    label=_("A case to check on the ground"),
    audience={Role.GRID_WORKER},
)
register_kind("case_closed", label=_("My case is closed"))
register_kind("case_rejected", label=_("My case is not accepted"))
register_kind("case_returned", label=_("A case is returned as misrouted"), audience=OFFICIALS)
register_kind("case_urged", label=_("A case I hold is urged (督办)"), audience=CASE_STAFF)
register_kind(
    "case_overdue",
    label=_("Cases past their time limit"),
    audience=CASE_STAFF,
    # The supervisors are rarely at a desk: their group robot, when they have one.
    by_role={Role.STREET_CHIEF: NotifyBy.WECOM, Role.DISTRICT_ADMIN: NotifyBy.WECOM},
)


# What the staff handling a case are told when it is dispatched to them.
DISPATCHED_TO_HANDLERS = Message(
    _("Dispatched to you: {{ category }} at {{ place }}"),
    _("Please handle case {{ number }} before its deadline: {{ about }}"),
)
# What the requester and followers of a case are told after an action (cases.vocabulary).
FOLLOWER_KINDS = {
    "claim": "case_claimed",
    "report_back": "case_awaiting_confirmation",
    "verify_close": "case_closed",
    # Only for types whose vocabulary words it (a petition declined to its proper channel).
    "reject": "case_rejected",
}


# How much of the description a message quotes: enough to tell two cases of a class apart.
EXCERPT_CHARS = 20


def _link(case) -> str:
    """The case's own page: the type's page (a help request's, a wish's) or the case page,
    which shows each reader their part (actions to staff in scope, the report to its reporter,
    the public view to a follower)."""
    return detail_url(case)


def _about(case) -> dict:
    """What a reader needs to recognise the case, in their words: its class by name (not by
    code), its place, the first words of its description. The class name and the summary are
    lazy, so notify renders them in each recipient's language."""
    category = case.category
    place = case.place.name
    excerpt = Truncator(" ".join(case.description.split())).chars(EXCERPT_CHARS)

    def category_name() -> str:
        return category.display_name if category else ""

    def summary() -> str:
        return gettext("{category} at {place}: “{excerpt}”").format(
            category=category_name(), place=place, excerpt=excerpt
        )

    return {
        "case": case,
        "number": case.number,
        "category": lazy(category_name, str)(),
        "place": place,
        "about": lazy(summary, str)(),
    }


def _followers(case) -> list:
    """The reporter and whoever follows the case (the requester, for help requests)."""
    return [f.user for f in case.followers.select_related("user")]


def _send(
    case, *, kind, recipients, subject, body, event_key, actor=None, extra=None, occurred_at=None
):
    recipients = [u for u in recipients if actor is None or u.pk != getattr(actor, "pk", None)]
    notify_enqueue(
        occurred_at=occurred_at,
        recipients=recipients,
        kind=kind,
        subject=subject,
        body=body,
        link=_link(case),
        target=case,
        idempotency_key=f"case:{case.pk}:{event_key}",
        context={**_about(case), **(extra or {})},
    )


def case_notify_submitted(case, actor) -> None:
    """A new case in my area: recorded now, told to the dispatchers by the worker. A type whose
    app decides who holds its cases (cases.extensions, holders) tells them itself: the place
    roles of where it was filed may not even read it (an application for 低保); so does a type
    whose app tells the people concerned itself (a care order, a scheduled visit)."""
    code = case.case_type.code
    if holders_of(code) is not None or tells_own_filing(code):
        return
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    notify_later(
        event="cases.submitted",
        payload={"case_id": case.pk, "actor_id": actor_id},
        idempotency_key=f"case:{case.pk}:submitted",
    )


@fan_out_handler("cases.submitted", label=_("New case in the area"))
def tell_dispatchers_of_new_case(*, case_id: int, actor_id: int | None) -> None:
    """The dispatchers covering the new case's place, but not the one who filed it: one line
    of their next digest each (a busy street files hundreds of cases a day)."""

    case = Case.objects.select_related("category", "place").filter(pk=case_id).first()
    if case is None:
        return
    recipients = [u for u in users_covering(case.place_path, OFFICIALS) if u.pk != actor_id]
    _send(
        case,
        kind="case_new_in_area",
        recipients=recipients,
        subject=_("New case {{ number }}: {{ about }}"),
        body=_("A new case was reported in your area (case {{ number }}): {{ about }}"),
        event_key="submitted",
        occurred_at=case.created_at,
    )


def _handlers(organisation_id, team_id, user_id) -> list:
    """Who handles a case: a team's members (also those who are the department's staff), or
    without a team all the department's staff; and the assigned person. Each once."""
    users = get_user_model().objects
    if team_id:
        handlers = team_members(team_id)
    elif organisation_id:
        handlers = department_staff(organisation_id)
    else:
        handlers = users.none()
    if user_id:
        handlers = handlers | users.filter(pk=user_id, is_active=True).distinct()
    return list(handlers)


def _tell_followers(case, action: str, message, *, key: str, actor, note: str = "") -> None:
    _send(
        case,
        kind=FOLLOWER_KINDS[action],
        recipients=_followers(case),
        subject=message.subject,
        body=message.body,
        event_key=key,
        actor=actor,
        extra={"handler": str(case.assigned_user or ""), "note": note},
    )


def _team_leaders(team_id) -> list:
    """The active users who lead the team (TeamMember position leader)."""
    from meihao.people.models import TeamMember

    if not team_id:
        return []
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            person__team_memberships__team=team_id,
            person__team_memberships__position=TeamMember.Position.LEADER,
        )
        .distinct()
    )


def _holders(case) -> list:
    """Who holds the case now, and so is urged (督办): the assigned person and their team's
    leader, or the team, or the department's staff while it is being handled; the verifiers
    once reported back; the dispatchers of its place before it is dispatched."""
    if case.status in WORKING:
        if case.assigned_user_id:
            people = [case.assigned_user, *_team_leaders(case.assigned_team_id)]
            return list({user.pk: user for user in people if user.is_active}.values())
        return _handlers(case.assigned_organisation_id, case.assigned_team_id, None)
    if case.status == Status.REPORTED_BACK:
        if case.case_type.confirmed_by_requester:
            return _followers(case)
        return users_covering(case.place_path, (Role.GRID_WORKER,))
    return users_covering(case.place_path, OFFICIALS)


def case_notify_transition(case, action: str, actor, note: str = "") -> None:
    """The follow-up messages of one step (see the table in docs/architecture.md); `note` is
    the step's note, which an urge passes on."""
    key = f"{action}:v{case.version}"
    # What citizens (requesters, followers, claimers) are told is in their case type's words
    # (cases.vocabulary); staff read the engine's.
    words = vocabulary_of(case.case_type)
    if action == "dispatch":
        # By a dispatcher on the board or routed automatically at submission (actor None):
        # the handlers, and a team's group channel. A type whose cases go to citizens (a wish
        # given to a party member) tells them in its own words.
        handlers = _handlers(
            case.assigned_organisation_id, case.assigned_team_id, case.assigned_user_id
        )
        told = words.message("dispatch") or DISPATCHED_TO_HANDLERS
        _send(
            case,
            kind="case_dispatched",
            recipients=handlers,
            subject=told.subject,
            body=told.body,
            event_key=key,
            actor=actor,
        )
        if case.assigned_team_id:
            notify_team(
                team=case.assigned_team,
                kind="case_dispatched",
                subject=_("Dispatched to your team: {{ category }} at {{ place }}"),
                body=_("Please handle case {{ number }} before its deadline: {{ about }}"),
                link=_link(case),
                target=case,
                idempotency_key=f"case:{case.pk}:{key}:team",
                context=_about(case),
                inbox_members=False,
            )
    elif (
        action in ("claim", "verify_close")
        or (action == "report_back" and case.case_type.confirmed_by_requester)
        # A type that words a step for its citizens tells them (a petition's reply, its
        # decline with the reason).
        or (words is not REPORT and action in FOLLOWER_KINDS and action in words.messages)
    ):
        _tell_followers(case, action, words.message(action), key=key, actor=actor, note=note)
    elif action == "report_back" and holders_of(case.case_type.code) is None:
        # A type with its own holders (cases.extensions) has its own verifier, never the
        # place's grid workers.
        _send(
            case,
            kind="case_awaiting_verification",
            recipients=users_covering(case.place_path, (Role.GRID_WORKER,)),
            subject=_("Please check: {{ category }} at {{ place }}"),
            body=_(
                "The handler reported case {{ number }} as dealt with. Please verify it: "
                "{{ about }}"
            ),
            event_key=key,
            actor=actor,
        )
    elif action == "urge":
        _send(
            case,
            kind="case_urged",
            recipients=_holders(case),
            subject=_("Urged: {{ category }} at {{ place }}"),
            body=_(
                "{{ urger }} urges you to act on case {{ number }} now (urged {{ count }} "
                "time(s)): {{ about }}{% if note %}\n{{ note }}{% endif %}"
            ),
            event_key=key,
            actor=actor,
            extra={
                "urger": getattr(actor, "name", "") or str(actor or "") or gettext("The platform"),
                "count": case.urge_count,
                "note": note,
            },
        )
    elif action == "return":
        _send(
            case,
            kind="case_returned",
            recipients=users_covering(case.place_path, OFFICIALS),
            subject=_("Returned: {{ category }} at {{ place }}"),
            body=_(
                "The department returned case {{ number }} as misrouted. Please dispatch it "
                "again: {{ about }}"
            ),
            event_key=key,
            actor=actor,
        )


# How many cases an overdue digest describes; the rest are counted, and on the linked page.
DIGEST_LINES = 30


def case_notify_overdue(sweep_id: str, crossed) -> None:
    """Overdue: the street chief at 100% of a limit, the district at 200%; and the people
    handling a case (its team's members, or its department's staff, and its assignee) when it
    first passes a limit (100%).

    One digest per person per sweep rather than one message per case: a sweep after a holiday
    can cross thousands of thresholds at once, and neither the outbox nor a reader wants that.
    `crossed` lists the sweep's escalations as (level, case id, case number, case place path).
    They are grouped by (level, place) first — a few hundred grids, not 100,000 cases — so
    matching them to the people who hear of them costs (people's scopes) × (grids), and people
    sharing a scope (every street chief of one street) share one digest: one query for the role
    holders, then the outbox's own.
    """
    if not crossed:
        return
    _tell_supervisors_of_overdue(sweep_id, crossed)
    _tell_handlers_of_overdue(
        sweep_id, {case_id for level, case_id, *_ in crossed if level == Escalation.Level.STREET}
    )


def _digest(*, sweep_id: str, audience: str, recipients, case_ids, link: str) -> None:
    """One overdue digest for `recipients`: the count, and the first cases by number, each in
    the reader's words."""
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("category", "place")
        .order_by("number")[:DIGEST_LINES]
    )
    abouts = [_about(case) for case in cases]

    def lines() -> str:
        return "\n".join(f"- {about['about']} ({about['number']})" for about in abouts)

    notify_enqueue(
        recipients=recipients,
        kind="case_overdue",
        subject=_("{{ count }} case(s) overdue"),
        body=_("These cases have passed a time limit:\n{{ lines }}"),
        link=link,
        idempotency_key=f"overdue:{sweep_id}{audience}",
        context={"count": len(case_ids), "lines": lazy(lines, str)()},
    )


def _tell_supervisors_of_overdue(sweep_id: str, crossed) -> None:
    from meihao.people.models import RoleAssignment

    by_place: dict[tuple[int, str], set[int]] = {}
    for level, case_id, _number, place_path in crossed:
        by_place.setdefault((level, place_path), set()).add(case_id)
    holders = RoleAssignment.objects.filter(
        role__in=SUPERVISORS,
        place__isnull=False,
        user__is_active=True,
    ).select_related("user", "place")
    # Per user, the (level, place path) pairs they hear about.
    scopes: dict[int, tuple] = {}
    for holder in holders:
        assert holder.place is not None  # filtered above
        path = holder.place.path
        if holder.role == Role.STREET_CHIEF:
            # A street chief hears of cases whose street lies in their place: only a place at
            # street level or above (the district) can contain a street.
            if _depth(path) > 2:
                continue
            level = Escalation.Level.STREET
        else:
            level = Escalation.Level.DISTRICT
        scopes.setdefault(holder.user_id, (holder.user, set()))[1].add((level, path))
    sharing: dict[frozenset, list] = {}
    for user, pairs in scopes.values():
        sharing.setdefault(frozenset(pairs), []).append(user)
    for pairs, users in sharing.items():
        case_ids: set[int] = set()
        for (level, place_path), group in by_place.items():
            if any(_hears(pair, level, place_path) for pair in pairs):
                case_ids |= group
        if case_ids:
            _digest(
                sweep_id=sweep_id,
                audience="",
                recipients=users,
                case_ids=case_ids,
                link=reverse("cases:board") + "?overdue=1",
            )


def _tell_handlers_of_overdue(sweep_id: str, case_ids: set[int]) -> None:
    """The handlers of each assigned case, one digest per person; people handling the same
    cases (one team) share it."""
    assignments = Case.objects.filter(
        pk__in=case_ids, assigned_organisation__isnull=False
    ).values_list("pk", "assigned_organisation_id", "assigned_team_id", "assigned_user_id")
    by_assignment: dict[tuple, set[int]] = {}
    for case_id, *assigned_to in assignments:
        by_assignment.setdefault(tuple(assigned_to), set()).add(case_id)
    cases_of: dict[int, tuple] = {}
    for assignment, assigned_ids in by_assignment.items():
        for user in _handlers(*assignment):
            cases_of.setdefault(user.pk, (user, set()))[1].update(assigned_ids)
    sharing: dict[frozenset, list] = {}
    for user, handled_ids in cases_of.values():
        sharing.setdefault(frozenset(handled_ids), []).append(user)
    for ids, users in sharing.items():
        _digest(
            sweep_id=sweep_id,
            audience=":handling",
            recipients=users,
            case_ids=ids,
            link=reverse("cases:queue") + "?overdue=1",
        )


def _depth(path: str) -> int:
    return len([code for code in path.split(PATH_SEPARATOR) if code])


def _hears(pair: tuple[int, str], level: int, place_path: str) -> bool:
    """Whether the holder of (level, path) hears of a case at `place_path` escalated at `level`:
    the district admin of cases in their place, a street chief of cases whose street is in it."""
    wanted, path = pair
    if wanted != level or not place_path.startswith(path):
        return False
    # A street chief placed on the district: cases in one of its streets, not on itself.
    return level != Escalation.Level.STREET or _depth(place_path) >= 2
