"""What each role's dashboard shows, as data: what it is about (a place, a department, a
volunteer team: `subjects`), the figures it is judged on (indicator codes of the registry) and
the lists of what needs attention now. `selectors.dashboard` reads these."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import COMMUNITY_MEMBERS, Role
from meihao.dashboards.subjects import DEPARTMENT, PLACE, TEAM

# The attention lists (selectors.ATTENTION computes each).
OVERDUE_CASES = "overdue_cases"
BRANCHES_SHORT = "branches_short"
ADVISORS_SHORT = "advisors_short"
WISHES_UNCLAIMED = "wishes_unclaimed"
CARE_MISSED = "care_missed"
QUEUE_OVERDUE = "queue_overdue"
ACTIVITIES_SHORT = "activities_short"


@dataclass(frozen=True)
class Board:
    key: str
    # The place role whose places a place board shows (None for a team's board: its leaders
    # hold no role for it).
    role: str | None
    label: Promise
    indicators: tuple[str, ...]
    attention: tuple[str, ...]
    # The figure the ranking chart shows by default (one of `indicators`).
    ranked: str
    # Phone-first (cards stacked) or the desktop grid.
    desktop: bool = False
    subject: str = PLACE
    # The closed loop's funnel, the grid-management grade and the cases per grid: a place's
    # and a department's (cases) boards, not a team's.
    cases: bool = True


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
    Board(
        "department",
        Role.DEPARTMENT_STAFF,
        _("Department"),
        (
            "cases_dispatched",
            "cases_overdue_now",
            "on_time_handling_rate",
            "on_time_closure_rate",
            "reopen_rate",
            "satisfaction_rate",
            "mean_time_to_close",
            "application_on_time_rate",
            "petition_reply_on_time_rate",
        ),
        (QUEUE_OVERDUE,),
        ranked="on_time_handling_rate",
        subject=DEPARTMENT,
    ),
    Board(
        "team",
        None,
        _("Volunteer team"),
        (
            "service_hours",
            "active_volunteers",
            "alliance_members",
            "activities_on",
            "volunteer_projects",
        ),
        (ACTIVITIES_SHORT,),
        ranked="service_hours",
        subject=TEAM,
        cases=False,
    ),
)
BY_KEY = {board.key: board for board in BOARDS}
# Who the menu offers the dashboard to (a team's leaders are among the community's members; the
# page decides who has one).
ROLES = frozenset(board.role for board in BOARDS if board.role) | COMMUNITY_MEMBERS
