"""How the engine times and routes a petition (registered in `PetitionsConfig.ready`)."""

from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed
from meihao.people.models import Organisation
from meihao.petitions.models import REPLY_DAYS, URGENT_LIMIT, Kind


def reply_limit(case) -> tuple[int, str]:
    """The handling clock of a petition: the same working day when urgent, else its kind's
    working days (the kind is in the case's form data, written before the first dispatch)."""
    if case.priority == "urgent":
        return URGENT_LIMIT
    kind = (case.data or {}).get("kind", Kind.COMPLAINT)
    return REPLY_DAYS.get(kind, REPLY_DAYS[Kind.COMPLAINT]), "work_days"


def check_dispatch(*, case, organisation, team, user) -> None:
    """A petition whose topic belongs to a department goes to a department (or one of its
    teams), never down to a street's or a community's officials."""
    category = case.category
    if category is None or not category.department:
        return
    if organisation is not None and organisation.kind == Organisation.Kind.DEPARTMENT:
        return
    raise ValidationFailed(
        _(
            "“%(topic)s” is the responsibility of %(department)s: dispatch it to a department, "
            "not to a street or community."
        )
        % {"topic": category.name_zh, "department": category.department},
        field="organisation",
    )
