"""A case's timeline as its reader sees it: the staff in the engine's words with who acted by
name, a citizen in the case type's words (cases.vocabulary) with the acting office.

A citizen never reads a staff member's name: an event taken by a department's staff names the
department (the case's assigned one when the actor works there), one taken by an official or a
grid worker names their office in the place tree (某某社区居委会, 某某街道办事处), the reader's own
steps say 您, and another resident (a helper, a claimant) is shown by family name only.
`timeline()` sets `label`, `from_label`, `to_label` and `who` on each event for
`cases/_timeline.html`, with one query for the actors' offices.
"""

from collections.abc import Mapping, Sequence

from django.utils.translation import pgettext, pgettext_lazy

from meihao.cases.access import sees_as_citizen
from meihao.cases.extensions import vocabulary_of
from meihao.cases.states import TRANSITIONS, Status
from meihao.core.pii import mask_name
from meihao.core.roles import PLACE_WORKERS, Role
from meihao.places.models import Level

# The office of an official by the level of the place they hold their role on.
OFFICE_OF_LEVEL = {
    Level.COMMUNITY: pgettext_lazy("office", "{place} residents' committee"),
    Level.STREET: pgettext_lazy("office", "{place} sub-district office"),
    Level.DISTRICT: pgettext_lazy("office", "{place} government"),
}


# Who serves a place in a role of their own rather than as one of its offices.
OFFICE_OF_ROLE = {
    Role.GRID_WORKER: pgettext_lazy("office", "{place} grid worker"),
    Role.LEGAL_ADVISOR: pgettext_lazy("office", "{place} legal advisor"),
    Role.POLICE_OFFICER: pgettext_lazy("office", "{place} community police"),
    Role.COUNSELLOR: pgettext_lazy("office", "{place} counsellor"),
}
# The roles whose holders act for their place in a citizen's timeline.
ACTING_ROLES = PLACE_WORKERS | {Role.LEGAL_ADVISOR, Role.POLICE_OFFICER, Role.COUNSELLOR}


def _office_name(assignment) -> str:
    place = assignment.place
    if assignment.role in OFFICE_OF_ROLE:
        template = str(OFFICE_OF_ROLE[assignment.role])
    elif place.level in OFFICE_OF_LEVEL:
        template = str(OFFICE_OF_LEVEL[place.level])
    else:
        template = "{place}"
    return template.format(place=place.name)


def acting_office(assignments: Sequence, case) -> str:
    """The office in whose name a holder of `assignments` acts on `case`, or ""."""
    organisations = [
        a.organisation for a in assignments if a.role == Role.DEPARTMENT_STAFF and a.organisation
    ]
    if organisations:
        assigned = [o for o in organisations if o.pk == case.assigned_organisation_id]
        return (assigned or organisations)[0].name
    covering = [
        a
        for a in assignments
        if a.role in ACTING_ROLES
        and a.place is not None
        and case.place_path.startswith(a.place.path)
    ]
    if not covering:
        return ""
    # The nearest office: the deepest place covering the case.
    return _office_name(max(covering, key=lambda a: len(a.place.path)))


def _assignments_of(user_ids) -> dict[int, list]:
    from meihao.people.models import RoleAssignment

    found: dict[int, list] = {}
    rows = RoleAssignment.objects.filter(user_id__in=user_ids).select_related(
        "place", "organisation"
    )
    for assignment in rows.order_by("pk"):
        found.setdefault(assignment.user_id, []).append(assignment)
    return found


def _engine_label(status: str) -> str:
    return str(Status(status).label) if status else ""


def timeline(case, events, *, viewer, staff_labels: Mapping | None = None) -> list:
    """`events` of `case` labelled for `viewer`. `staff_labels` are the staff's phrases for an
    app's own steps (by action); otherwise staff read the engine's action labels."""
    events = list(events)
    words = vocabulary_of(case.case_type)
    if not sees_as_citizen(case, viewer):
        for event in events:
            event.label = _staff_label(event.action, words, staff_labels or {})
            event.from_label = _engine_label(event.from_status)
            event.to_label = _engine_label(event.to_status)
            actor = event.actor
            event.who = (actor.name or str(actor)) if actor is not None else ""
        return events
    assignments = _assignments_of({e.actor_id for e in events if e.actor_id})
    for event in events:
        event.label = words.event_label(event.action)
        event.from_label = words.status_label(event.from_status) if event.from_status else ""
        event.to_label = words.status_label(event.to_status)
        event.who = _who(event, case, viewer, assignments)
    return events


def _staff_label(action: str, words, staff_labels: Mapping) -> str:
    if action in staff_labels:
        return str(staff_labels[action])
    transition = TRANSITIONS.get(action)
    # Steps outside the state machine (reported, rated, …) have no engine word of their own.
    return str(transition.label) if transition else words.event_label(action)


def _who(event, case, viewer, assignments) -> str:
    actor = event.actor
    if actor is None:
        return ""
    if actor.pk == getattr(viewer, "pk", None):
        return pgettext("timeline actor", "You")
    office = acting_office(assignments.get(actor.pk, ()), case)
    if office:
        return office
    if actor.is_staff or actor.is_superuser:
        return pgettext("office", "Staff")
    return mask_name(actor.name)
