"""What the teams' figures share — a kit; this module registers no figure itself.

A team kind's standing count is the teams of that kind based in the place and created by the
end of the period (`people.selectors.teams_standing`), listed by name and place. Each app that
runs a kind of team registers its count with its own capability, name and link: volunteer
teams, service squads and red-armband stations (`volunteers`), responsibility teams
(`projects`), the street chief's department teams (`cases`), lecture teams (`lectures`) and
police teams (`police`).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from meihao.insights.registry import Column, Span
from meihao.people.selectors import teams_standing


def _team_name(team: Any) -> str:
    return team.name


def _team_place(team: Any) -> str:
    return team.place.name


TEAM_COLUMNS = (Column(_("Team"), _team_name), Column(_("Place"), _team_place))


def standing_teams(kind: str) -> Callable[[Span], QuerySet]:
    """The records of a team kind's standing count over a span."""

    def records(span: Span) -> QuerySet:
        return teams_standing(kind, span.place_path, span.end)

    return records
