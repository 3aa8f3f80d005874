"""What each role's dashboard shows, as data: the figures it is judged on (indicator codes of
the registry) and the lists of what needs attention now. `selectors.dashboard` reads these."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import Role

# The attention lists (selectors.ATTENTION computes each).
OVERDUE_CASES = "overdue_cases"
BRANCHES_SHORT = "branches_short"
ADVISORS_SHORT = "advisors_short"
WISHES_UNCLAIMED = "wishes_unclaimed"
CARE_MISSED = "care_missed"


@dataclass(frozen=True)
class Board:
    key: str
    role: str
    label: Promise
    indicators: tuple[str, ...]
    attention: tuple[str, ...]
    # The figure the ranking chart shows by default (one of `indicators`).
    ranked: str
    # Phone-first (cards stacked) or the desktop grid.
    desktop: bool = False


CASE_FIGURES = ("reports_filed", "on_time_handling_rate", "closure_rate", "satisfaction_rate")
ALL_ATTENTION = (OVERDUE_CASES, BRANCHES_SHORT, ADVISORS_SHORT, WISHES_UNCLAIMED, CARE_MISSED)

BOARDS: tuple[Board, ...] = (
    Board(
        "district",
        Role.DISTRICT_ADMIN,
        _("District leader"),
        (
            *CASE_FIGURES,
            "wish_fulfilment_rate",
            "service_hours",
            "care_on_time_rate",
            "party_meeting_attendance",
            "application_on_time_rate",
            "petition_reply_on_time_rate",
        ),
        ALL_ATTENTION,
        ranked="on_time_handling_rate",
        desktop=True,
    ),
    Board(
        "street",
        Role.STREET_CHIEF,
        _("Street chief"),
        (
            *CASE_FIGURES,
            "wish_fulfilment_rate",
            "service_hours",
            "care_on_time_rate",
            "party_meeting_attendance",
        ),
        ALL_ATTENTION,
        ranked="on_time_handling_rate",
    ),
    Board(
        "community",
        Role.COMMUNITY_STAFF,
        _("Community secretary"),
        (
            *CASE_FIGURES,
            "wish_fulfilment_rate",
            "service_hours",
            "care_on_time_rate",
            "legal_consultations",
        ),
        ALL_ATTENTION,
        ranked="reports_filed",
    ),
)
BY_KEY = {board.key: board for board in BOARDS}
ROLES = frozenset(board.role for board in BOARDS)
