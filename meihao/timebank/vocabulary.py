"""A time-bank help request in the words of the elder who asked and the member who helps
(cases.vocabulary): 待接单 / 已接单 / 服务中 / 待确认 / 已完成, never the engine's 立案 or 派遣.
Registered for the TIMEBANK type in `TimebankConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status


HELP_REQUEST_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("help request status", "Waiting for a helper"),
        S.ACCEPTED: pgettext_lazy("help request status", "Waiting for a helper"),
        S.REJECTED: pgettext_lazy("help request status", "Not taken on"),
        S.DUPLICATE: pgettext_lazy("help request status", "Merged"),
        S.DISPATCHED: pgettext_lazy("help request status", "Taken on"),
        S.IN_PROGRESS: pgettext_lazy("help request status", "Helper on site"),
        S.REPORTED_BACK: pgettext_lazy("help request status", "Awaiting confirmation"),
        S.CLOSED: pgettext_lazy("help request status", "Done"),
        S.REOPENED: pgettext_lazy("help request status", "Taken on"),
        S.RETURNED: pgettext_lazy("help request status", "Waiting for a helper"),
        S.PARKED: pgettext_lazy("help request status", "On hold"),
        S.VOID: pgettext_lazy("help request status", "Cancelled"),
    },
    events={
        "submit": pgettext_lazy("help request event", "asked for help"),
        "accept": pgettext_lazy("help request event", "received the request"),
        "dispatch": pgettext_lazy("help request event", "found a helper"),
        "claim": pgettext_lazy("help request event", "took the request on"),
        "reject": pgettext_lazy("help request event", "did not take the request on"),
        "start": pgettext_lazy("help request event", "checked in"),
        "report_back": pgettext_lazy("help request event", "checked out"),
        "return": pgettext_lazy("help request event", "gave the request back"),
        "verify_close": pgettext_lazy("help request event", "confirmed the help"),
        "reopen": pgettext_lazy("help request event", "sent it back to the helper"),
        "void": pgettext_lazy("help request event", "cancelled the request"),
        "helpers_notified": pgettext_lazy("help request event", "members nearby told"),
        "minutes_paid": pgettext_lazy("help request event", "minutes paid"),
    },
    messages={
        "claim": Message(
            pgettext_lazy("help request message", "Taken on: {{ category }}"),
            pgettext_lazy(
                "help request message",
                "{{ handler }} will help you with your request {{ number }}: {{ about }}",
            ),
        ),
        "report_back": Message(
            pgettext_lazy("help request message", "Please confirm the help: {{ category }}"),
            pgettext_lazy(
                "help request message",
                "The helper has checked out of your request {{ number }}. Please confirm it: "
                "{{ about }}",
            ),
        ),
        "verify_close": Message(
            pgettext_lazy("help request message", "Help given: {{ category }}"),
            pgettext_lazy(
                "help request message", "Your request {{ number }} is done. Thank you: {{ about }}"
            ),
        ),
    },
)
