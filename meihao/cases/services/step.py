"""The common step of every workflow action, and the small input checks the services share."""

import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meihao.cases import sla
from meihao.cases.extensions import handling_limit
from meihao.cases.models import (
    Case,
    CaseEvent,
)
from meihao.cases.notifications import case_notify_transition
from meihao.cases.states import TRANSITIONS
from meihao.core.audit import audit_change
from meihao.core.errors import (
    ConcurrentChange,
)
from meihao.core.inputs import clean_text
from meihao.insights import rollups


def acting_user(actor):
    return actor if getattr(actor, "pk", None) else None


def apply_transition(
    case, actor, action, *, changes=None, note="", data=None, now=None, notify=True
) -> Case:
    """The conditional update, the timeline event and the audit entry of one action, and its
    follow-up messages unless `notify` is False (a step nobody needs telling about)."""
    now = now or timezone.now()
    transition = TRANSITIONS[action]
    from_status = case.status
    to_status = transition.target or from_status
    values = {**(changes or {}), "status": to_status, "updated_at": now}
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=case.version, status=from_status).update(
            version=F("version") + 1, **values
        )
        if updated != 1:
            raise ConcurrentChange()
        rollups.mark_update(case, values)  # an UPDATE: the figures of its days are recomputed
        diff = {
            field: [_json(getattr(case, field)), _json(value)]
            for field, value in values.items()
            if field != "updated_at" and getattr(case, field) != value
        }
        for field, value in values.items():
            setattr(case, field, value)
        case.version += 1
        event = CaseEvent.objects.create(
            case=case,
            actor=acting_user(actor),
            created_at=now,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=data or {},
        )
        if case.timeline_written is not None:
            case.timeline_written.append(event)
        audit_change(actor=actor, action=f"case.{action}", target=case, changes=diff)
        if notify:
            case_notify_transition(case, action, actor, note=note)
    return case


def _json(value):
    if value is None:
        return None
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def stop_response_clock(case, now) -> dict:
    if case.responded_at is not None:
        return {}
    return {
        "responded_at": now,
        "response_sla": sla.colour(now, case.respond_warn_at, case.respond_by),
    }


def dispatch_changes(case, organisation, team, user, now) -> dict:
    changes = {
        "assigned_organisation": organisation,
        "assigned_team": team,
        "assigned_user": user,
        **stop_response_clock(case, now),
    }
    if case.handling_started_at is None:
        category = case.category
        per_case = handling_limit(case)
        if per_case is not None:
            limit, unit = per_case
        elif category is not None and category.time_limit:
            limit, unit = category.time_limit, category.time_unit
        else:
            limit, unit = case.case_type.handling_limit, case.case_type.handling_unit
        handling = sla.thresholds(now, limit, unit)
        changes.update(
            handling_started_at=now,
            resolve_warn_at=handling.warn_at,
            resolve_by=handling.due_at,
            resolve_escalate_at=handling.escalate_at,
        )
    return changes


def case_record_event(*, case: Case, actor, action: str, note: str = "", data=None) -> CaseEvent:
    """A timeline entry that moves no state: what an app built on the engine records about a
    case (a second claimant joining a micro-wish, an unclaimed wish escalated, the helpers a
    help request was offered to). The caller has authorised the actor (None: the system).
    Workflow actions go through their own services, never through this."""
    if action in TRANSITIONS or not re.fullmatch(r"[a-z_]{1,32}", action):
        raise ValueError(f"{action!r} is a workflow action or not a lower-case event code.")
    now = timezone.now()
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case,
            actor=acting_user(actor),
            created_at=now,
            action=action,
            from_status=case.status,
            to_status=case.status,
            note=clean_text(note, field="note"),
            data=data or {},
        )
        audit_change(actor=actor, action=f"case.{action}", target=case, changes={})
    return event
