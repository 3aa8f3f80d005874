"""A care order in the words of elders, their families and the providers (cases.vocabulary):
待接单 / 已接单 / 服务中 / 待确认 / 已完成, never the engine's 立案 or 派遣. Registered for the
CARE type in `CareConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status

ORDER_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("care order status", "Waiting for a provider"),
        S.ACCEPTED: pgettext_lazy("care order status", "Waiting for a provider"),
        S.REJECTED: pgettext_lazy("care order status", "Cancelled"),
        S.DUPLICATE: pgettext_lazy("care order status", "Cancelled"),
        S.DISPATCHED: pgettext_lazy("care order status", "Taken"),
        S.IN_PROGRESS: pgettext_lazy("care order status", "Being served"),
        S.REPORTED_BACK: pgettext_lazy("care order status", "Served, to be confirmed"),
        S.CLOSED: pgettext_lazy("care order status", "Done"),
        S.REOPENED: pgettext_lazy("care order status", "Taken"),
        S.RETURNED: pgettext_lazy("care order status", "Waiting for a provider"),
        S.PARKED: pgettext_lazy("care order status", "On hold"),
        S.VOID: pgettext_lazy("care order status", "Cancelled"),
    },
    events={
        "submit": pgettext_lazy("care order event", "ordered"),
        "claim": pgettext_lazy("care order event", "took the order"),
        "dispatch": pgettext_lazy("care order event", "assigned the order"),
        "start": pgettext_lazy("care order event", "arrived"),
        "report_back": pgettext_lazy("care order event", "finished the service"),
        "return": pgettext_lazy("care order event", "gave the order back"),
        "verify_close": pgettext_lazy("care order event", "confirmed the service"),
        "reopen": pgettext_lazy("care order event", "said the service is not finished"),
        "void": pgettext_lazy("care order event", "cancelled the order"),
        "rate": pgettext_lazy("care order event", "rated the service"),
        "complain": pgettext_lazy("care order event", "complained about the service"),
    },
    messages={
        "claim": Message(
            pgettext_lazy("care order message", "Your order is taken: {{ about }}"),
            pgettext_lazy(
                "care order message",
                "{{ handler }} will serve your order {{ number }}: {{ about }}",
            ),
        ),
        "dispatch": Message(
            pgettext_lazy("care order message", "Your order is taken: {{ about }}"),
            pgettext_lazy(
                "care order message",
                "{{ handler }} will serve your order {{ number }}: {{ about }}",
            ),
        ),
        "report_back": Message(
            pgettext_lazy("care order message", "Please confirm the service: {{ about }}"),
            pgettext_lazy(
                "care order message",
                "The provider has checked out of your order {{ number }}. Please confirm it was "
                "given: {{ about }}",
            ),
        ),
        "verify_close": Message(
            pgettext_lazy("care order message", "Service confirmed: {{ about }}"),
            pgettext_lazy(
                "care order message",
                "Your order {{ number }} is confirmed and paid. Please rate it: {{ about }}",
            ),
        ),
    },
)

# A complaint about a provider (投诉), in the complainant's words: the community looks into it
# and reports what it found; the elder or their family accept the outcome or say it is not
# settled.
COMPLAINT_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("care complaint status", "Received"),
        S.ACCEPTED: pgettext_lazy("care complaint status", "Received"),
        S.DISPATCHED: pgettext_lazy("care complaint status", "Being looked into"),
        S.IN_PROGRESS: pgettext_lazy("care complaint status", "Being looked into"),
        S.REOPENED: pgettext_lazy("care complaint status", "Being looked into"),
        S.RETURNED: pgettext_lazy("care complaint status", "Received"),
        S.REPORTED_BACK: pgettext_lazy("care complaint status", "Answered, to be confirmed"),
        S.CLOSED: pgettext_lazy("care complaint status", "Settled"),
    },
    events={
        "submit": pgettext_lazy("care complaint event", "complained"),
        "claim": pgettext_lazy("care complaint event", "took up the complaint"),
        "dispatch": pgettext_lazy("care complaint event", "passed the complaint on"),
        "report_back": pgettext_lazy("care complaint event", "reported what was found"),
        "verify_close": pgettext_lazy("care complaint event", "accepted the outcome"),
        "reopen": pgettext_lazy("care complaint event", "said it is not settled"),
    },
    messages={
        "claim": Message(
            pgettext_lazy("care complaint message", "Your complaint is taken up: {{ number }}"),
            pgettext_lazy(
                "care complaint message",
                "{{ handler }} is looking into your complaint {{ number }}: {{ about }}",
            ),
        ),
        "report_back": Message(
            pgettext_lazy("care complaint message", "Your complaint is answered: {{ number }}"),
            pgettext_lazy(
                "care complaint message",
                "The community has looked into your complaint {{ number }}. Read the answer and "
                "say whether it is settled: {{ about }}",
            ),
        ),
    },
)
