"""What citizens read of a case: each case type's own words for the engine's states and steps.

The engine's states and actions (cases.states) are the staff's words — 立案, 派遣, 结案 — and
staff pages keep them. A resident who reported a problem, made a wish or asked the time bank for
help reads the same states in the words of what they did: a wish is 已提交 / 已发布 / 已认领 /
已完成, a help request 待接单 / 已接单 / 服务中 / 已完成. A `Vocabulary` holds those words for one
case type: a label per state, a phrase per timeline event, and the messages a citizen is sent
after an action. An app registers its type's vocabulary at start-up
(`cases.extensions.register_vocabulary`); every other type reads `REPORT`, the words of a
reported problem.

Every page and message a citizen reads goes through `vocabulary_of(case_type)`: the reporter's
pages and the public ones, Open311's status notes, the wish and time-bank pages, and the
messages of `cases.notifications` to requesters, followers and claimers. `REPORT` names every
state and every action of the engine (tests/test_vocabulary.py), so a type's vocabulary only
says what differs and a word of the engine never falls through to a citizen.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = Status


@dataclass(frozen=True)
class Message:
    """A message's subject and body (notify templates: {{ number }}, {{ category }}, {{ place }},
    {{ about }}, {{ handler }})."""

    subject: "StrOrPromise"
    body: "StrOrPromise"


@dataclass(frozen=True)
class StatusGroup:
    """The states a citizen reads as one word: a filter's choice (`value`, its first state)."""

    value: str
    label: str
    states: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    statuses: Mapping[str, "StrOrPromise"]
    events: Mapping[str, "StrOrPromise"]
    # By engine action: what the citizens concerned are told once it is taken.
    messages: Mapping[str, Message] = field(default_factory=dict)

    def status_label(self, status: str) -> str:
        label = self.statuses.get(status)
        return str(label if label is not None else REPORT.statuses[status])

    def status_groups(self, states: Iterable[str]) -> list[StatusGroup]:
        """One choice per word of `states` (in their order), standing for every state read so:
        a reporter's 处理中 is both in progress and reopened, so a filter offers it once."""
        groups: dict[str, list[str]] = {}
        for state in states:
            groups.setdefault(self.status_label(state), []).append(state)
        return [
            StatusGroup(value=members[0], label=label, states=frozenset(members))
            for label, members in groups.items()
        ]

    def event_label(self, action: str) -> str:
        label = self.events.get(action)
        if label is None:
            label = REPORT.events.get(action, action)
        return str(label)

    def message(self, action: str) -> Message | None:
        found = self.messages.get(action)
        return found if found is not None else REPORT.messages.get(action)


# A problem reported by a resident (the grid catalogue and every type without its own words).
REPORT = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("report status", "Submitted"),
        S.ACCEPTED: pgettext_lazy("report status", "Received"),
        S.REJECTED: pgettext_lazy("report status", "Not taken on"),
        S.DUPLICATE: pgettext_lazy("report status", "Merged with an earlier report"),
        S.DISPATCHED: pgettext_lazy("report status", "Passed on to be handled"),
        S.IN_PROGRESS: pgettext_lazy("report status", "Being handled"),
        S.REPORTED_BACK: pgettext_lazy("report status", "Being checked"),
        S.CLOSED: pgettext_lazy("report status", "Done"),
        S.REOPENED: pgettext_lazy("report status", "Being handled"),
        S.RETURNED: pgettext_lazy("report status", "Received"),
        S.PARKED: pgettext_lazy("report status", "On hold"),
        S.VOID: pgettext_lazy("report status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("report event", "reported"),
        "accept": pgettext_lazy("report event", "received the report"),
        "dispatch": pgettext_lazy("report event", "passed it on to be handled"),
        "claim": pgettext_lazy("report event", "took it on"),
        "reject": pgettext_lazy("report event", "did not take it on"),
        "merge": pgettext_lazy("report event", "merged it with an earlier report"),
        "start": pgettext_lazy("report event", "started the work"),
        "report_back": pgettext_lazy("report event", "reported it dealt with"),
        "return": pgettext_lazy("report event", "passed it back to be handled by someone else"),
        "request_extension": pgettext_lazy("report event", "asked for more time"),
        "approve_extension": pgettext_lazy("report event", "allowed more time"),
        "deny_extension": pgettext_lazy("report event", "did not allow more time"),
        "verify_close": pgettext_lazy("report event", "checked it and finished"),
        "reopen": pgettext_lazy("report event", "asked for it to be done again"),
        "park": pgettext_lazy("report event", "put it on hold"),
        "unpark": pgettext_lazy("report event", "took it up again"),
        "void": pgettext_lazy("report event", "withdrew it"),
        "urge": pgettext_lazy("report event", "pressed for it to be dealt with sooner"),
        "mark_urgent": pgettext_lazy("report event", "made it a priority"),
        "unmark_urgent": pgettext_lazy("report event", "no longer a priority"),
        "follow": pgettext_lazy("report event", "this is my problem too"),
        "rate": pgettext_lazy("report event", "rated"),
        "photo_published": pgettext_lazy("report event", "photo shown to the public"),
        "photo_withdrawn": pgettext_lazy("report event", "photo no longer shown to the public"),
    },
    messages={
        "claim": Message(
            pgettext_lazy("report message", "Taken on: {{ category }} at {{ place }}"),
            pgettext_lazy(
                "report message",
                "{{ handler }} has taken on your request {{ number }}: {{ about }}",
            ),
        ),
        "report_back": Message(
            pgettext_lazy("report message", "Please confirm: {{ category }} at {{ place }}"),
            pgettext_lazy(
                "report message",
                "Your request {{ number }} is reported as done. Please confirm it: {{ about }}",
            ),
        ),
        "verify_close": Message(
            pgettext_lazy("report message", "Done: {{ category }} at {{ place }}"),
            pgettext_lazy(
                "report message",
                "Your report {{ number }} has been dealt with. Please rate the service: "
                "{{ about }}",
            ),
        ),
    },
)
