"""Where an application goes (办理路径): the bodies that take it in, check, review and decide,
in order, ending with the one that is legally competent to decide.

An item's route is one of the patterns the district's items follow (`ROUTES`), stored as its
code. A resident's application follows it to the concrete bodies of their home: their
community (居民委员会, its labour station), the street of their household registration (街道
办事处), the competent department. A community takes in or checks; it decides only an item the
community itself implements.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.errors import ValidationFailed
from meihao.core.scoping import ancestor_paths
from meihao.places.models import Level, Place

COMMUNITY, STREET, DEPARTMENT = "community", "street", "department"
INTAKE, CHECK, REVIEW, DECIDE = "intake", "check", "review", "decide"
# The public notice of the initial list (公示), e.g. of a minimum-living-allowance application
# the street has reviewed: it runs for a set number of days before the decision.
PUBLICISE = "publicise"
DUTIES = {
    INTAKE: pgettext_lazy("application stage", "Intake"),
    CHECK: pgettext_lazy("application stage", "First check"),
    REVIEW: pgettext_lazy("application stage", "Review"),
    PUBLICISE: pgettext_lazy("application stage", "Public notice"),
    DECIDE: pgettext_lazy("application stage", "Decision"),
}
BODIES = {
    COMMUNITY: _("your community"),
    STREET: _("the street of your household registration"),
    DEPARTMENT: _("the competent department"),
}

# The routes the district's items follow, code → what the editor offers.
ROUTES = {
    "department:decide": _("The competent department takes it in and decides"),
    "community:intake,department:decide": _(
        "The community takes it in, the competent department decides"
    ),
    "street:intake,department:decide": _(
        "The street takes it in, the competent department decides"
    ),
    "street:intake,street:review,department:decide": _(
        "The street takes it in and reviews it, the competent department decides"
    ),
    "street:intake,street:review,street:publicise,department:decide": _(
        "The street takes it in, reviews it and gives public notice, the competent department "
        "decides"
    ),
    "community:check,street:review,department:decide": _(
        "The community checks it, the street reviews it, the competent department decides"
    ),
    "street:decide": _("The street takes it in and decides"),
    "community:intake,street:decide": _("The community takes it in, the street decides"),
    "community:decide": _("The community takes it in and decides"),
}
DEFAULT_ROUTE = "department:decide"


@dataclass(frozen=True)
class Stage:
    body: str
    duty: str
    name: str  # the concrete body for an applicant, else the body's description

    @property
    def duty_label(self):
        return DUTIES[self.duty]


def checked_route(code: str, *, level: str) -> str:
    """The route's code, or a refusal: one of ROUTES, and decided by a community only when the
    item is the community's own."""
    if code not in ROUTES:
        raise ValidationFailed(_("Choose where applications go."), field="route")
    if code.endswith(f"{COMMUNITY}:{DECIDE}") and level != Level.COMMUNITY:
        raise ValidationFailed(
            _("A community decides only the items a community implements."), field="route"
        )
    return code


def stages(code: str) -> list[tuple[str, str]]:
    return [tuple(part.split(":", 1)) for part in code.split(",")]  # type: ignore[misc]


def route_for(item, home_path: str = "") -> list[Stage]:
    """The item's stages, named for an applicant living at `home_path` (their community and
    street), or by description without one."""
    places = {}
    if home_path:
        codes = [p.rstrip("/").rsplit("/", 1)[-1] for p in ancestor_paths(home_path)]
        places = {
            place.level: place
            for place in Place.objects.filter(
                code__in=codes, level__in=[Level.COMMUNITY, Level.STREET]
            )
        }
    named = []
    for body, duty in stages(item.route):
        if body == DEPARTMENT:
            name = item.department.name
        elif body == STREET and Level.STREET in places:
            name = _("%(street)s office") % {"street": places[Level.STREET].name}
        elif body == COMMUNITY and Level.COMMUNITY in places:
            name = _("%(community)s residents' committee") % {
                "community": places[Level.COMMUNITY].name
            }
        else:
            name = BODIES[body]
        named.append(Stage(body=body, duty=duty, name=str(name)))
    return named
