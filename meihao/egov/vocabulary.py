"""An application in its applicant's words (cases.vocabulary): 待受理 / 待补正 / 办理中 / 已办结,
never the engine's 派遣 or 结案. Registered for the EGOV type in `EgovConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Vocabulary

S = Status

EGOV_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("application status", "Awaiting intake"),
        S.ACCEPTED: pgettext_lazy("application status", "Awaiting intake"),
        S.REJECTED: pgettext_lazy("application status", "Not accepted"),
        S.DUPLICATE: pgettext_lazy("application status", "Merged"),
        S.DISPATCHED: pgettext_lazy("application status", "Being processed"),
        S.IN_PROGRESS: pgettext_lazy("application status", "Being processed"),
        S.REPORTED_BACK: pgettext_lazy("application status", "Being processed"),
        S.CLOSED: pgettext_lazy("application status", "Decided"),
        S.REOPENED: pgettext_lazy("application status", "Being processed"),
        S.RETURNED: pgettext_lazy("application status", "Being processed"),
        S.PARKED: pgettext_lazy("application status", "Materials missing"),
        S.VOID: pgettext_lazy("application status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("application event", "applied"),
        # Taking it in and passing it to the department are both the engine's dispatch.
        "dispatch": pgettext_lazy("application event", "took it in or passed it on"),
        "stage_passed": pgettext_lazy("application event", "passed it on"),
        "park": pgettext_lazy("application event", "asked for missing materials"),
        "unpark": pgettext_lazy("application event", "handed in the missing materials"),
        "reject": pgettext_lazy("application event", "did not accept the application"),
        "report_back": pgettext_lazy("application event", "decided"),
        "verify_close": pgettext_lazy("application event", "closed the application"),
        "void": pgettext_lazy("application event", "withdrew the application"),
        "urge": pgettext_lazy("application event", "urged the office to act"),
    },
    messages={},
)
