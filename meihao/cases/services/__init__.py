"""Every write to a case: filing it, and one function per workflow action.

Each action authorises (NotFound, PermissionDenied, IllegalTransition — cases.access), checks
its input (ValidationFailed), then changes the case with a conditional
`UPDATE ... WHERE id = ? AND version = ? AND status = ?`: of two people acting on the same case
at once, one wins and the other gets ConcurrentChange with nothing changed. A successful action
appends exactly one CaseEvent and one audit event, in the same transaction (services.step).

The `case` passed in is updated in place (status, version, changed fields) and returned.

The functions live in one module per concept — filing (submission, numbering), the requester's
own actions, publication, and the actions of the dispatcher, the handler, the supervisor and the
verifier, and the dispatch board's — and are all importable from here.
"""

from collections.abc import Callable

from meihao.cases.models import Case
from meihao.cases.services.board import (
    BulkActionFailed,
    case_accept_and_dispatch,
    case_bulk_dispatch,
)
from meihao.cases.services.dispatching import (
    case_accept,
    case_claim,
    case_dispatch,
    case_merge_duplicate,
    case_reject,
    case_route,
)
from meihao.cases.services.handling import (
    case_report_back,
    case_report_back_with_photos,
    case_request_extension,
    case_return,
    case_serve_on_the_spot,
    case_start,
)
from meihao.cases.services.numbering import next_case_number
from meihao.cases.services.publication import case_photo_set_public
from meihao.cases.services.requester import case_follow, case_rate
from meihao.cases.services.step import case_record_event
from meihao.cases.services.submission import (
    IDEMPOTENCY_KEY_RE,
    PHONE_RE,
    REPORTED_AT_MAX_AGE,
    case_submit,
    clamp_reported_at,
)
from meihao.cases.services.supervision import (
    case_approve_extension,
    case_deny_extension,
    case_mark_urgent,
    case_park,
    case_unmark_urgent,
    case_unpark,
    case_urge,
    case_urge_automatically,
    case_void,
)
from meihao.cases.services.verification import case_reopen, case_verify_close

ACTION_SERVICES: dict[str, Callable[..., Case]] = {
    "accept": case_accept,
    "dispatch": case_dispatch,
    "claim": case_claim,
    "reject": case_reject,
    "merge": case_merge_duplicate,
    "start": case_start,
    "report_back": case_report_back,
    "return": case_return,
    "request_extension": case_request_extension,
    "approve_extension": case_approve_extension,
    "deny_extension": case_deny_extension,
    "verify_close": case_verify_close,
    "reopen": case_reopen,
    "park": case_park,
    "unpark": case_unpark,
    "void": case_void,
    "urge": case_urge,
    "mark_urgent": case_mark_urgent,
    "unmark_urgent": case_unmark_urgent,
}

# What the staff pages and the case API may call by name: every workflow action, plus the
# board's one-click accept-and-dispatch.
STAFF_ACTION_SERVICES: dict[str, Callable[..., Case]] = {
    **ACTION_SERVICES,
    "accept_dispatch": case_accept_and_dispatch,
}

__all__ = [
    "ACTION_SERVICES",
    "IDEMPOTENCY_KEY_RE",
    "PHONE_RE",
    "REPORTED_AT_MAX_AGE",
    "STAFF_ACTION_SERVICES",
    "BulkActionFailed",
    "case_accept",
    "case_accept_and_dispatch",
    "case_approve_extension",
    "case_bulk_dispatch",
    "case_claim",
    "case_route",
    "case_deny_extension",
    "case_dispatch",
    "case_follow",
    "case_mark_urgent",
    "case_merge_duplicate",
    "case_park",
    "case_photo_set_public",
    "case_rate",
    "case_record_event",
    "case_reject",
    "case_reopen",
    "case_report_back",
    "case_report_back_with_photos",
    "case_request_extension",
    "case_return",
    "case_serve_on_the_spot",
    "case_start",
    "case_submit",
    "case_unmark_urgent",
    "case_unpark",
    "case_urge",
    "case_urge_automatically",
    "case_verify_close",
    "case_void",
    "clamp_reported_at",
    "next_case_number",
]
