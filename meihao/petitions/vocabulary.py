"""A petition in its petitioner's words (cases.vocabulary): 待受理 / 办理中 / 已答复 / 已办结, and
不予受理 when it was declined to its proper channel. Registered in `PetitionsConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status

PETITION_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("petition status", "Awaiting acceptance"),
        S.ACCEPTED: pgettext_lazy("petition status", "Awaiting acceptance"),
        S.REJECTED: pgettext_lazy("petition status", "Not accepted"),
        S.DUPLICATE: pgettext_lazy("petition status", "Merged"),
        S.DISPATCHED: pgettext_lazy("petition status", "Being handled"),
        S.IN_PROGRESS: pgettext_lazy("petition status", "Being handled"),
        S.RETURNED: pgettext_lazy("petition status", "Being handled"),
        S.REOPENED: pgettext_lazy("petition status", "Being handled"),
        S.REPORTED_BACK: pgettext_lazy("petition status", "Replied"),
        S.CLOSED: pgettext_lazy("petition status", "Closed"),
        S.PARKED: pgettext_lazy("petition status", "Being handled"),
        S.VOID: pgettext_lazy("petition status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("petition event", "sent the petition"),
        "dispatch": pgettext_lazy("petition event", "passed it to the responsible body"),
        "return": pgettext_lazy("petition event", "sent it back as not theirs (退单)"),
        "reject": pgettext_lazy("petition event", "declined it"),
        "merge": pgettext_lazy("petition event", "merged it with the same petition"),
        "report_back": pgettext_lazy("petition event", "replied"),
        "verify_close": pgettext_lazy("petition event", "called back and closed it"),
        "urge": pgettext_lazy("petition event", "urged a reply"),
    },
    messages={
        "report_back": Message(
            pgettext_lazy("petition message", "Your petition has a reply: {{ number }}"),
            pgettext_lazy("petition message", "Reply to your petition {{ number }}: {{ note }}"),
        ),
        "reject": Message(
            pgettext_lazy("petition message", "Your petition is not accepted: {{ number }}"),
            pgettext_lazy(
                "petition message", "Your petition {{ number }} is not accepted: {{ note }}"
            ),
        ),
        "verify_close": Message(
            pgettext_lazy("petition message", "Your petition is closed: {{ number }}"),
            pgettext_lazy(
                "petition message",
                "Your petition {{ number }} is closed. Please rate how it was handled.",
            ),
        ),
    },
)
