"""A micro-wish in the words of the resident who made it and the party members who claim it
(cases.vocabulary): 已提交 / 已发布 / 已认领 / 已完成, never the engine's 立案 or 派遣. Registered
for the WISH type in `WishesConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.states import Status
from meihao.cases.vocabulary import Message, Vocabulary

S = Status


WISH_WORDS = Vocabulary(
    statuses={
        S.SUBMITTED: pgettext_lazy("wish status", "Submitted"),
        S.ACCEPTED: pgettext_lazy("wish status", "Published"),
        S.REJECTED: pgettext_lazy("wish status", "Declined"),
        S.DUPLICATE: pgettext_lazy("wish status", "Merged"),
        S.DISPATCHED: pgettext_lazy("wish status", "Claimed"),
        S.IN_PROGRESS: pgettext_lazy("wish status", "Claimed"),
        S.REPORTED_BACK: pgettext_lazy("wish status", "Awaiting confirmation"),
        S.CLOSED: pgettext_lazy("wish status", "Done"),
        S.REOPENED: pgettext_lazy("wish status", "Claimed"),
        S.RETURNED: pgettext_lazy("wish status", "Published"),
        S.PARKED: pgettext_lazy("wish status", "On hold"),
        S.VOID: pgettext_lazy("wish status", "Withdrawn"),
    },
    events={
        "submit": pgettext_lazy("wish event", "made the wish"),
        "accept": pgettext_lazy("wish event", "published the wish"),
        "dispatch": pgettext_lazy("wish event", "asked a party member to claim the wish"),
        "claim": pgettext_lazy("wish event", "claimed the wish"),
        "join": pgettext_lazy("wish event", "joined in"),
        "reject": pgettext_lazy("wish event", "declined the wish"),
        "start": pgettext_lazy("wish event", "started on the wish"),
        "report_back": pgettext_lazy("wish event", "fulfilled the wish"),
        "return": pgettext_lazy("wish event", "gave the wish back"),
        "verify_close": pgettext_lazy("wish event", "confirmed the wish came true"),
        "reopen": pgettext_lazy("wish event", "sent the wish back"),
        "void": pgettext_lazy("wish event", "withdrew the wish"),
        "points_credited": pgettext_lazy("wish event", "points credited"),
        "unclaimed_escalated": pgettext_lazy(
            "wish event", "nobody claimed it yet; the community was told"
        ),
    },
    messages={
        "dispatch": Message(
            pgettext_lazy("wish message", "The wish you claimed: {{ category }} at {{ place }}"),
            pgettext_lazy(
                "wish message",
                "Please fulfil the wish {{ number }} you claimed before its deadline: {{ about }}",
            ),
        ),
        "claim": Message(
            pgettext_lazy("wish message", "Your wish is claimed: {{ category }}"),
            pgettext_lazy(
                "wish message", "{{ handler }} has claimed your wish {{ number }}: {{ about }}"
            ),
        ),
        "report_back": Message(
            pgettext_lazy("wish message", "Please confirm your wish: {{ category }}"),
            pgettext_lazy(
                "wish message",
                "Your wish {{ number }} is reported fulfilled. Please confirm it: {{ about }}",
            ),
        ),
        "verify_close": Message(
            pgettext_lazy("wish message", "Your wish came true: {{ category }}"),
            pgettext_lazy("wish message", "Your wish {{ number }} is done: {{ about }}"),
        ),
    },
)
