"""A counselling request in the resident's words (cases.vocabulary): 待预约 / 已预约 / 待确认 /
已完成."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status

COUNSEL_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("counselling status", "Waiting for a counsellor"),
        S.ACCEPTED: pgettext_lazy("counselling status", "Waiting for a counsellor"),
        S.RETURNED: pgettext_lazy("counselling status", "Waiting for a counsellor"),
        S.DISPATCHED: pgettext_lazy("counselling status", "Appointment made"),
        S.IN_PROGRESS: pgettext_lazy("counselling status", "Appointment made"),
        S.REOPENED: pgettext_lazy("counselling status", "Another session asked"),
        S.REPORTED_BACK: pgettext_lazy("counselling status", "Session held"),
        S.CLOSED: pgettext_lazy("counselling status", "Done"),
        S.REJECTED: pgettext_lazy("counselling status", "Not taken"),
        S.DUPLICATE: pgettext_lazy("counselling status", "Not taken"),
        S.PARKED: pgettext_lazy("counselling status", "On hold"),
        S.VOID: pgettext_lazy("counselling status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("counselling event", "asked for an appointment"),
        "claim": pgettext_lazy("counselling event", "took the request"),
        "report_back": pgettext_lazy("counselling event", "held the session"),
        "verify_close": pgettext_lazy("counselling event", "confirmed the session"),
        "reopen": pgettext_lazy("counselling event", "asked for another session"),
        "reject": pgettext_lazy("counselling event", "did not take the request"),
        "void": pgettext_lazy("counselling event", "withdrew the request"),
    },
    messages={
        "claim": Message(
            pgettext_lazy("counselling message", "A counsellor took your request"),
            pgettext_lazy(
                "counselling message",
                "{{ handler }} took your request {{ number }} and will set the appointment.",
            ),
        ),
        "report_back": Message(
            pgettext_lazy("counselling message", "Thank you for coming"),
            pgettext_lazy(
                "counselling message",
                "Your session {{ number }} took place. Confirm it on its page, or ask for "
                "another one.",
            ),
        ),
    },
)
