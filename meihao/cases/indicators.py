"""The street chief's figures beside the case engine's (those are `insights.indicators`).

* department_teams — the department teams (街长制: 城管、公安、消防、交警、市场监督、环卫)
  based in the place at the end of the period, which its street chief dispatches cases to
  (`cases.routing`): the article's six a street.
"""

from django.utils.translation import gettext_lazy as _

from meihao.insights.indicators import CASES
from meihao.insights.registry import Column, Indicator, Unit, register
from meihao.people.indicators import TEAM_COLUMNS, standing_teams
from meihao.people.models import Team

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
            Column(_("Department"), lambda t: t.organisation.name if t.organisation else ""),
        ),
    )
)
