"""A visit (探访关爱) in the words of the elder, their family and the volunteers (cases.vocabulary):
待认领 / 已认领 / 探访中 / 待确认 / 已探访, never the engine's 立案 or 派遣. Registered for the
VISIT type in `EldercareConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Vocabulary

S = Status

VISIT_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("visit status", "Waiting for a visitor"),
        S.ACCEPTED: pgettext_lazy("visit status", "Waiting for a visitor"),
        S.REJECTED: pgettext_lazy("visit status", "Cancelled"),
        S.DUPLICATE: pgettext_lazy("visit status", "Cancelled"),
        S.DISPATCHED: pgettext_lazy("visit status", "A visitor is coming"),
        S.IN_PROGRESS: pgettext_lazy("visit status", "Visiting"),
        S.REPORTED_BACK: pgettext_lazy("visit status", "Visited, to be confirmed"),
        S.CLOSED: pgettext_lazy("visit status", "Visited"),
        S.REOPENED: pgettext_lazy("visit status", "A visitor is coming"),
        S.RETURNED: pgettext_lazy("visit status", "Waiting for a visitor"),
        S.PARKED: pgettext_lazy("visit status", "On hold"),
        S.VOID: pgettext_lazy("visit status", "Cancelled"),
    },
    events={
        "submit": pgettext_lazy("visit event", "the week's visit was scheduled"),
        "claim": pgettext_lazy("visit event", "will visit"),
        "start": pgettext_lazy("visit event", "arrived"),
        "report_back": pgettext_lazy("visit event", "visited"),
        "return": pgettext_lazy("visit event", "cannot come after all"),
        "verify_close": pgettext_lazy("visit event", "confirmed the visit"),
        "reopen": pgettext_lazy("visit event", "asked for the visit again"),
        "void": pgettext_lazy("visit event", "cancelled the visit"),
    },
    messages={},
)
