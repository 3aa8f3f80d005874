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
        "legal_aid_decided": pgettext_lazy(
            "legal consultation event", "the legal-aid centre decided"
        ),
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


# A dispute in the words of its parties (those who are registered residents read it as their
# own): 待调解 / 调解中 / 调解结束 / 已回访. The staff read the engine's words; the dispute's own
# timeline events (a session, the escalation) are named here for both.
DISPUTE_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("dispute status", "Waiting for a mediator"),
        S.ACCEPTED: pgettext_lazy("dispute status", "Waiting for a mediator"),
        S.RETURNED: pgettext_lazy("dispute status", "Waiting for a mediator"),
        S.DISPATCHED: pgettext_lazy("dispute status", "Being mediated"),
        S.IN_PROGRESS: pgettext_lazy("dispute status", "Being mediated"),
        S.REOPENED: pgettext_lazy("dispute status", "Being mediated"),
        S.REPORTED_BACK: pgettext_lazy("dispute status", "Mediation concluded"),
        S.CLOSED: pgettext_lazy("dispute status", "Followed up"),
        S.REJECTED: pgettext_lazy("dispute status", "Not taken"),
        S.DUPLICATE: pgettext_lazy("dispute status", "Not taken"),
        S.PARKED: pgettext_lazy("dispute status", "On hold"),
        S.VOID: pgettext_lazy("dispute status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("dispute event", "took the dispute in"),
        "claim": pgettext_lazy("dispute event", "took on the mediation"),
        "start": pgettext_lazy("dispute event", "began the mediation"),
        "mediation_session": pgettext_lazy("dispute event", "held a mediation session"),
        "escalate_street": pgettext_lazy("dispute event", "escalated it to the street"),
        "report_back": pgettext_lazy("dispute event", "concluded the mediation"),
        "verify_close": pgettext_lazy("dispute event", "visited the parties afterwards"),
        "reopen": pgettext_lazy("dispute event", "found it unresolved and reopened it"),
        "reject": pgettext_lazy("dispute event", "did not take the dispute"),
        "void": pgettext_lazy("dispute event", "withdrew the dispute"),
    },
)
