"""The alliance's three tiers (党建益联盟: district → street → volunteer team), as `people.Team`.

A district alliance is a volunteer team based in a district with no parent; a street alliance
is a volunteer team based in a street whose parent is a district alliance; every other team of
the alliance's kinds (volunteer teams, service squads, red armbands) is a team. The services
only create teams that fit: a team's parent is a street alliance whose parent is the district
alliance, and a child's place lies inside its parent's.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meihao.people.models import Team
from meihao.places.models import Level


class Tier(models.TextChoices):
    DISTRICT = "district", _("District alliance")
    STREET = "street", _("Street alliance")
    TEAM = "team", _("Volunteer team")


# The kinds of people.Team that make up the alliance.
ALLIANCE_KINDS = (Team.Kind.VOLUNTEER, Team.Kind.SERVICE_SQUAD, Team.Kind.RED_ARMBAND)
ALLIANCE_KIND_Q = Q(kind__in=ALLIANCE_KINDS)

DISTRICT_Q = Q(kind=Team.Kind.VOLUNTEER, parent__isnull=True, place__level=Level.DISTRICT)
STREET_Q = Q(
    kind=Team.Kind.VOLUNTEER,
    place__level=Level.STREET,
    parent__kind=Team.Kind.VOLUNTEER,
    parent__parent__isnull=True,
    parent__place__level=Level.DISTRICT,
)

# The tier as a query expression, so that a list can filter and show it without a query a row.
TIER_EXPRESSION = models.Case(
    models.When(DISTRICT_Q, then=models.Value(Tier.DISTRICT)),
    models.When(STREET_Q, then=models.Value(Tier.STREET)),
    default=models.Value(Tier.TEAM),
    output_field=models.CharField(),
)


def _depth(path: str) -> int:
    return path.count("/")


# Depth of a place path per level: 450403/ is a district, 450403/450403001/ a street.
_DISTRICT_DEPTH, _STREET_DEPTH = 1, 2


def tier_of(team: Team) -> str:
    """The team's tier from the team and its parent (load it with select_related("parent"))."""
    if team.kind == Team.Kind.VOLUNTEER:
        if team.parent_id is None and _depth(team.place_path) == _DISTRICT_DEPTH:
            return Tier.DISTRICT
        parent = team.parent
        if (
            parent is not None
            and _depth(team.place_path) == _STREET_DEPTH
            and parent.kind == Team.Kind.VOLUNTEER
            and parent.parent_id is None
            and _depth(parent.place_path) == _DISTRICT_DEPTH
        ):
            return Tier.STREET
    return Tier.TEAM


def is_alliance_node(team: Team) -> bool:
    """District and street alliances group teams; volunteers join the teams under them."""
    return tier_of(team) != Tier.TEAM


def street_path_of(team: Team) -> str:
    """The place path of the street a team's alliance covers: its own or its parent's."""
    if tier_of(team) == Tier.STREET:
        return team.place_path
    if team.parent is not None and tier_of(team.parent) == Tier.STREET:
        return team.parent.place_path
    return team.place_path
