"""The street chief's figures beside the case engine's (those are `insights.indicators`).

* department_teams — the department teams (街长制: 城管、公安、消防、交警、市场监督、环卫)
  based in the place at the end of the period, which its street chief dispatches cases to
  (`cases.routing`): the article's six a street.
* cases_overdue_now — the grid-management cases overdue now (below).
"""

from typing import Any

from django.db.models import Case as Switch
from django.db.models import F, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.models import Case, Escalation, grid_management_q
from meihao.cases.selectors import street_overdue_q
from meihao.cases.states import RESPONSE_RUNNING
from meihao.insights.indicators import CASES, case_columns, narrowed_cases
from meihao.insights.registry import Column, Indicator, Span, Unit, by_community, register
from meihao.people.indicators import TEAM_COLUMNS, standing_teams
from meihao.people.models import Team


def _team_department(team: Any) -> str:
    return team.organisation.name if team.organisation else ""


register(
    Indicator(
        code="department_teams",
        name=_("Department teams"),
        definition=_(
            "The departments' teams (urban management, police, fire, traffic, market "
            "supervision, sanitation …) based in the place at the end of the period, to which "
            "its street chief dispatches cases."
        ),
        unit=Unit.COUNT,
        capability=CASES,
        records=standing_teams(Team.Kind.DEPARTMENT),
        columns=(
            *TEAM_COLUMNS,
            Column(_("Department"), _team_department),
        ),
    )
)


# --- cases_overdue_now ----------------------------------------------------------------------
# Grid-management cases past a deadline and not done: not yet dispatched (or rejected) by the
# response deadline, or not yet reported back, or reported back and not yet verified, by the
# handling deadline (`selectors.street_overdue_q`: the board's "overdue" filter and the wall's
# red points), counted at the period's end or now, whichever is sooner. Over a period that
# includes today, the cases overdue at this moment; over one that ended, those already late by
# its end and still not done. Parked cases, whose clocks stand still, are not overdue. A
# standing count of the present: no rollup.


def overdue_cases(span: Span) -> QuerySet:
    """The grid-management cases under the span's place overdue at its end (or now, if sooner),
    the longest overdue first, each with the clock that ran out and its deadline."""
    moment = min(span.end, timezone.now())
    narrowed = narrowed_cases(span)
    cases = narrowed if narrowed is not None else Case.objects.all()
    response = When(status__in=RESPONSE_RUNNING, then=Value(Escalation.Clock.RESPONSE.value))
    return (
        cases.filter(grid_management_q())
        .filter(street_overdue_q(moment), place_path__startswith=span.place_path)
        .annotate(
            clock=Switch(response, default=Value(Escalation.Clock.HANDLING.value)),
            deadline=Switch(
                When(status__in=RESPONSE_RUNNING, then=F("respond_by")),
                default=F("resolve_by"),
            ),
        )
        .select_related("category", "place")
        .order_by("deadline", "pk")
    )


def _clock(case: Any) -> str:
    return str(Escalation.Clock(case.clock).label)


def _deadline(case: Any) -> str:
    return f"{timezone.localtime(case.deadline):%Y-%m-%d %H:%M}" if case.deadline else ""


def _case_link(case: Any) -> str:
    return reverse("cases:detail", kwargs={"number": case.number})


register(
    Indicator(
        code="cases_overdue_now",
        name=_("Cases overdue now"),
        definition=_(
            "Grid-management cases past their deadline and not done at the end of the period "
            "or now, whichever is sooner: not dispatched by the response deadline, or not "
            "reported back and verified by the handling deadline. Parked cases are not counted."
        ),
        unit=Unit.COUNT,
        capability=CASES,
        records=overdue_cases,
        columns=(
            *case_columns(),
            Column(_("Clock"), _clock),
            Column(_("Deadline"), _deadline),
        ),
        link=_case_link,
        higher_is_better=False,
        about_cases=True,
        by_department=True,
        rankings=(by_community("place_path"),),
    )
)
