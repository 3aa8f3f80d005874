"""The one state machine every case type runs through, as data: states, the sets of states the
clocks and lists read, and the transition table (action → from which states → to which state, and
which group of people, relative to the case, takes it).

    submitted ─accept→ accepted ─dispatch→ dispatched ─start→ in_progress ─report_back→
    reported_back ─verify_close→ closed
                                           reported_back ─reopen→ reopened (back to the handler)
    submitted/accepted ─reject→ rejected;  submitted/accepted ─merge→ duplicate
    dispatched/in_progress ─return→ returned (misrouted: the dispatcher dispatches again)
    open states ─park→ parked ─unpark→ accepted;  open states ─void→ void
    request/approve/deny_extension keep the state and move (or not) the handling deadline.
    urge (督办), mark_urgent / unmark_urgent (加急) keep the state: the supervisor's push.

This module sits below the models (they take `Status` from it) and imports none of them; who may
take an action on a given case is `cases.access`, which sits above them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED_BACK = "reported_back", _("Reported back")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    RETURNED = "returned", _("Returned to dispatcher")
    PARKED = "parked", _("Parked")
    VOID = "void", _("Void")


# Where a claim-mode case waits in the pool (cases.access: claim rules).
CLAIMABLE_STATES = (Status.SUBMITTED, Status.ACCEPTED)

DISPATCHER, HANDLER, VERIFIER, SUPERVISOR = "dispatcher", "handler", "verifier", "supervisor"
CLAIMER = "claimer"

S = Status
TERMINAL_STATES = frozenset({S.REJECTED, S.DUPLICATE, S.CLOSED, S.VOID})
OPEN_STATES = frozenset(Status.values) - TERMINAL_STATES
# Where the SLA clocks run (see cases.sla): response until first dispatch, handling until the
# handler reports back. Parked cases stop both clocks.
RESPONSE_RUNNING = frozenset({S.SUBMITTED, S.ACCEPTED})
HANDLING_RUNNING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.RETURNED, S.REOPENED})
WORKING = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.REOPENED})
# Where a case waits for someone to act and a dispatcher may urge them (督办 / 催办): every open
# state but parked, whose clocks stand still on purpose.
URGEABLE = OPEN_STATES - {S.PARKED}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str | None  # None: the status stays (extension steps)
    who: str
    label: "StrOrPromise"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, DISPATCHER, _("accept")),
        Transition(
            "dispatch",
            # from submitted: accept and dispatch in one step; from dispatched: reassign.
            frozenset({S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.DISPATCHED}),
            S.DISPATCHED,
            DISPATCHER,
            _("dispatch"),
        ),
        Transition("claim", frozenset(CLAIMABLE_STATES), S.DISPATCHED, CLAIMER, _("claim")),
        Transition(
            "reject", frozenset({S.SUBMITTED, S.ACCEPTED}), S.REJECTED, DISPATCHER, _("reject")
        ),
        Transition(
            "merge",
            frozenset({S.SUBMITTED, S.ACCEPTED}),
            S.DUPLICATE,
            DISPATCHER,
            _("merge as duplicate"),
        ),
        Transition(
            "start", frozenset({S.DISPATCHED, S.REOPENED}), S.IN_PROGRESS, HANDLER, _("start")
        ),
        Transition("report_back", WORKING, S.REPORTED_BACK, HANDLER, _("report back")),
        Transition(
            "return",
            frozenset({S.DISPATCHED, S.IN_PROGRESS}),
            S.RETURNED,
            HANDLER,
            _("return to the dispatcher"),
        ),
        Transition("request_extension", WORKING, None, HANDLER, _("request an extension")),
        Transition("approve_extension", WORKING, None, SUPERVISOR, _("approve the extension")),
        Transition("deny_extension", WORKING, None, SUPERVISOR, _("deny the extension")),
        Transition(
            "verify_close", frozenset({S.REPORTED_BACK}), S.CLOSED, VERIFIER, _("verify and close")
        ),
        Transition("reopen", frozenset({S.REPORTED_BACK}), S.REOPENED, VERIFIER, _("reopen")),
        Transition(
            "park",
            frozenset(
                {S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED, S.REOPENED}
            ),
            S.PARKED,
            SUPERVISOR,
            _("park"),
        ),
        Transition("unpark", frozenset({S.PARKED}), S.ACCEPTED, SUPERVISOR, _("resume")),
        Transition("void", OPEN_STATES, S.VOID, SUPERVISOR, _("void")),
        # The push (督办): a timeline event, a counter on the case, a message to whoever holds it.
        Transition("urge", URGEABLE, None, DISPATCHER, _("urge")),
        # 加急: the case sorts first on every work list until the mark is removed.
        Transition("mark_urgent", OPEN_STATES, None, SUPERVISOR, _("mark as urgent")),
        Transition("unmark_urgent", OPEN_STATES, None, SUPERVISOR, _("remove the urgent mark")),
    )
}
ACTIONS = tuple(TRANSITIONS)
