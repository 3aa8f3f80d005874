"""Routing: which department a case should go to, from its minor class and its place."""

from meihao.people.models import Organisation


def suggest_organisation(case) -> Organisation | None:
    """The department named by the case's minor class that serves the case's place.

    A class names a department by its short name (城管, 环卫, 交警, ...); of the departments with
    that short name whose place contains the case, the one closest to the case wins (a street's
    own 城管 squad before the district bureau).
    """
    category = case.category
    if category is None or not category.department:
        return None
    candidates = Organisation.objects.filter(
        kind=Organisation.Kind.DEPARTMENT, short_name=category.department
    ).only("id", "name", "place_path", "short_name")
    serving = [o for o in candidates if case.place_path.startswith(o.place_path)]
    if not serving:
        return None
    return max(serving, key=lambda o: (len(o.place_path), -o.pk))
