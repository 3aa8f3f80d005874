"""Who learns of what happens to a case: what the WeChat groups did (docs/product.md).

Called by the services inside their transaction, so a message exists exactly when the change
does; notify delivers after commit. Each message names its event in the idempotency key, so an
action retried after a lost response never notifies twice.

A new case is the exception that proves the rule: filing is the busiest write (every resident,
every patrol, offline phones sending their queue at once) and its audience is the widest (every
dispatcher from the community up to the district), so the filing transaction records one
`cases.submitted` event and the worker writes its messages moments later (notify.fanout).
"""

import heapq

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import detail_url
from meihao.cases.models import Case, Escalation
from meihao.core.roles import OFFICIALS, SUPERVISORS, Role
from meihao.notify.fanout import fan_out_handler
from meihao.notify.services import notify_enqueue, notify_later, notify_team, team_members
from meihao.places.models import PATH_SEPARATOR


def _ancestor_paths(path: str) -> list[str]:
    codes = [code for code in path.split(PATH_SEPARATOR) if code]
    return [PATH_SEPARATOR.join(codes[: i + 1]) + PATH_SEPARATOR for i in range(len(codes))]


def users_covering(path: str, roles) -> list:
    """Active users holding one of `roles` on `path` or on one of its ancestors."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role__in=list(roles),
            role_assignments__place__path__in=_ancestor_paths(path),
        )
        .distinct()
    )


def _link(case) -> str:
    return detail_url(case)


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
        context={
            "case": case,
            "number": case.number,
            "category": str(case.category or ""),
            **(extra or {}),
        },
    )


def case_notify_submitted(case, actor) -> None:
    """A new case in my area: recorded now, told to the dispatchers by the worker."""
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    notify_later(
        event="cases.submitted",
        payload={"case_id": case.pk, "actor_id": actor_id},
        idempotency_key=f"case:{case.pk}:submitted",
    )


@fan_out_handler("cases.submitted", label=_("New case in the area"))
def tell_dispatchers_of_new_case(*, case_id: int, actor_id: int | None) -> None:
    """The dispatchers covering the new case's place, but not the one who filed it."""

    case = Case.objects.select_related("category").filter(pk=case_id).first()
    if case is None:
        return
    recipients = [u for u in users_covering(case.place_path, OFFICIALS) if u.pk != actor_id]
    _send(
        case,
        kind="case_new_in_area",
        recipients=recipients,
        subject=_("New case {{ number }}"),
        body=_("A new case was reported in your area: {{ category }} — {{ case.description }}"),
        event_key="submitted",
        occurred_at=case.created_at,
    )


def _department_staff(organisation) -> list:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.DEPARTMENT_STAFF,
            role_assignments__organisation=organisation,
        )
        .distinct()
    )


def case_notify_transition(case, action: str, actor) -> None:
    """The follow-up messages of one state change (see the table in docs/architecture.md)."""
    key = f"{action}:v{case.version}"
    if action == "dispatch":
        # Dispatched to a team: its members (once each, also those who are the department's
        # staff) and its group channel; to a department without a team: all its staff.
        if case.assigned_team_id:
            recipients = list(team_members(case.assigned_team))
        elif case.assigned_organisation_id:
            recipients = _department_staff(case.assigned_organisation)
        else:
            recipients = []
        if case.assigned_user_id:
            recipients.append(case.assigned_user)
        _send(
            case,
            kind="case_dispatched",
            recipients=recipients,
            subject=_("Case {{ number }} dispatched to you"),
            body=_("Please handle case {{ number }} ({{ category }}) before its deadline."),
            event_key=key,
            actor=actor,
        )
        if case.assigned_team_id:
            notify_team(
                team=case.assigned_team,
                kind="case_dispatched",
                subject=_("Case {{ number }} dispatched to your team"),
                body=_("Please handle case {{ number }} ({{ category }}) before its deadline."),
                link=_link(case),
                target=case,
                idempotency_key=f"case:{case.pk}:{key}:team",
                context={"case": case, "number": case.number, "category": str(case.category or "")},
                inbox_members=False,
            )
    elif action == "claim":
        _send(
            case,
            kind="case_claimed",
            recipients=_followers(case),
            subject=_("Case {{ number }} was taken on"),
            body=_("{{ handler }} has taken on your request {{ number }} ({{ category }})."),
            event_key=key,
            actor=actor,
            extra={"handler": str(case.assigned_user or "")},
        )
    elif action == "report_back" and case.case_type.confirmed_by_requester:
        _send(
            case,
            kind="case_awaiting_confirmation",
            recipients=_followers(case),
            subject=_("Please confirm case {{ number }}"),
            body=_("The helper reported your request {{ number }} as done. Please confirm it."),
            event_key=key,
            actor=actor,
        )
    elif action == "report_back":
        _send(
            case,
            kind="case_awaiting_verification",
            recipients=users_covering(case.place_path, (Role.GRID_WORKER,)),
            subject=_("Case {{ number }} awaits your check"),
            body=_("The handler reported case {{ number }} as dealt with. Please verify it."),
            event_key=key,
            actor=actor,
        )
    elif action == "verify_close":
        _send(
            case,
            kind="case_closed",
            recipients=_followers(case),
            subject=_("Case {{ number }} is closed"),
            body=_("Your case {{ number }} has been handled and closed. Please rate the service."),
            event_key=key,
            actor=actor,
        )
    elif action == "return":
        _send(
            case,
            kind="case_returned",
            recipients=users_covering(case.place_path, OFFICIALS),
            subject=_("Case {{ number }} was returned"),
            body=_(
                "The department returned case {{ number }} as misrouted. Please dispatch it again."
            ),
            event_key=key,
            actor=actor,
        )


def case_notify_overdue(sweep_id: str, crossed) -> None:
    """Overdue: the street chief at 100% of a limit, the district at 200%.

    One digest per person per sweep rather than one message per case: a sweep after a holiday
    can cross thousands of thresholds at once, and neither the outbox nor a reader wants that.
    `crossed` lists the sweep's escalations as (level, case number, case place path). They are
    grouped by (level, place) first — a few hundred grids, not 100,000 cases — so matching them
    to the people who hear of them costs (people's scopes) × (grids), and people sharing a
    scope (every street chief of one street) share one digest: one query for the role holders,
    then the outbox's own.
    """
    from meihao.people.models import RoleAssignment

    by_place: dict[tuple[int, str], set[str]] = {}
    for level, number, place_path in crossed:
        by_place.setdefault((level, place_path), set()).add(number)
    if not by_place:
        return
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
        numbers: set[str] = set()
        for (level, place_path), group in by_place.items():
            if any(_hears(pair, level, place_path) for pair in pairs):
                numbers |= group
        if not numbers:
            continue
        notify_enqueue(
            recipients=users,
            kind="case_overdue",
            subject=_("{{ count }} case(s) overdue"),
            body=_("These cases have passed a time limit: {{ numbers }}"),
            link="/cases/board/?overdue=1",
            idempotency_key=f"overdue:{sweep_id}",
            context={"count": len(numbers), "numbers": "、".join(heapq.nsmallest(30, numbers))},
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
