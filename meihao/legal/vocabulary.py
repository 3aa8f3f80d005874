"""A consultation in the resident's words (cases.vocabulary): 待解答 / 已解答 / 已完成, never the
engine's 立案 or 派遣. Registered for the LEGAL type in `LegalConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status

CONSULTATION_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("legal consultation status", "Waiting for an advisor"),
        S.ACCEPTED: pgettext_lazy("legal consultation status", "Waiting for an advisor"),
        S.DISPATCHED: pgettext_lazy("legal consultation status", "An advisor is answering"),
        S.IN_PROGRESS: pgettext_lazy("legal consultation status", "An advisor is answering"),
        S.REOPENED: pgettext_lazy("legal consultation status", "An advisor is answering"),
        S.RETURNED: pgettext_lazy("legal consultation status", "Waiting for an advisor"),
        S.REPORTED_BACK: pgettext_lazy("legal consultation status", "Answered"),
        S.CLOSED: pgettext_lazy("legal consultation status", "Done"),
        S.REJECTED: pgettext_lazy("legal consultation status", "Not taken"),
        S.DUPLICATE: pgettext_lazy("legal consultation status", "Not taken"),
        S.PARKED: pgettext_lazy("legal consultation status", "On hold"),
        S.VOID: pgettext_lazy("legal consultation status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("legal consultation event", "asked"),
        "claim": pgettext_lazy("legal consultation event", "took the question"),
        "report_back": pgettext_lazy("legal consultation event", "answered"),
        "verify_close": pgettext_lazy("legal consultation event", "confirmed the answer"),
        "reopen": pgettext_lazy("legal consultation event", "asked again"),
        "reject": pgettext_lazy("legal consultation event", "did not take the question"),
        "void": pgettext_lazy("legal consultation event", "withdrew the question"),
        "rate": pgettext_lazy("legal consultation event", "rated the answer"),
    },
    messages={
        "claim": Message(
            pgettext_lazy("legal consultation message", "An advisor took your legal question"),
            pgettext_lazy(
                "legal consultation message",
                "{{ handler }} is answering your consultation {{ number }}.",
            ),
        ),
        "report_back": Message(
            pgettext_lazy("legal consultation message", "Your legal question is answered"),
            pgettext_lazy(
                "legal consultation message",
                "Answer to your consultation {{ number }}: {{ note }} Confirm it on its page, or "
                "ask again.",
            ),
        ),
    },
)
