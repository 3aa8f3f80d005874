"""A tip in the reporter's words (cases.vocabulary): 已送达 / 处理中 / 已处理 — and the one message
they get once it is handled, which says nothing of what was done, by whom or about whom."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status

TIP_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("police tip status", "Sent to your officer"),
        S.ACCEPTED: pgettext_lazy("police tip status", "Sent to your officer"),
        S.DISPATCHED: pgettext_lazy("police tip status", "Sent to your officer"),
        S.RETURNED: pgettext_lazy("police tip status", "Sent to your officer"),
        S.IN_PROGRESS: pgettext_lazy("police tip status", "Being looked into"),
        S.REOPENED: pgettext_lazy("police tip status", "Being looked into"),
        S.REPORTED_BACK: pgettext_lazy("police tip status", "Handled"),
        S.CLOSED: pgettext_lazy("police tip status", "Handled"),
        S.PARKED: pgettext_lazy("police tip status", "Being looked into"),
        S.REJECTED: pgettext_lazy("police tip status", "Handled"),
        S.DUPLICATE: pgettext_lazy("police tip status", "Handled"),
        S.VOID: pgettext_lazy("police tip status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("police tip event", "sent the tip"),
        "dispatch": pgettext_lazy("police tip event", "received by the community police"),
        "start": pgettext_lazy("police tip event", "looking into it"),
        "report_back": pgettext_lazy("police tip event", "handled"),
        "verify_close": pgettext_lazy("police tip event", "handled"),
        "void": pgettext_lazy("police tip event", "withdrew the tip"),
    },
    messages={
        # Only closing tells the reporter (the engine's rule for a type without confirmation),
        # and never with the officer's note.
        "verify_close": Message(
            pgettext_lazy("police tip message", "Your tip has been handled"),
            pgettext_lazy(
                "police tip message",
                "Thank you: the community police have handled your tip {{ number }}. Keeping "
                "the community safe is everyone's work.",
            ),
        ),
    },
)
