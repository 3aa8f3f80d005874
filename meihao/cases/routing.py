"""Routing: the one rule for where a case should go — the department named by its minor class
that serves its place, and that department's team serving the place. Automatic routing
(`case_submit` for auto-dispatch types), one-step accept-and-dispatch and the dispatch board's
suggestions all ask it, so a case routed by itself lands where the board would send it.
"""

from dataclasses import dataclass

from meihao.people.models import Organisation, Team


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    team: Team | None


def _closest(rows, place_path: str):
    """Of `rows` whose place contains `place_path`, the closest (a street's own 城管 squad
    before the district bureau); ties go to the oldest."""
    serving = [r for r in rows if place_path.startswith(r.place_path)]
    return max(serving, key=lambda r: (len(r.place_path), -r.pk)) if serving else None


def suggest_assignees(cases, organisations, teams) -> dict[int, Suggestion]:
    """{case id: its suggestion}, for a page of cases with the departments and their teams
    loaded once (`selectors.department_choices`): the board's query count does not grow with
    its length.

    A class names a department by its short name (城管, 环卫, 交警, ...): of the departments with
    that short name, the one closest to the case; then of its department teams, the one whose
    home place contains the case, the closest first (a street's 城管队).
    """
    by_short_name: dict[str, list] = {}
    for organisation in organisations:
        if organisation.short_name:
            by_short_name.setdefault(organisation.short_name, []).append(organisation)
    teams_of: dict[int, list] = {}
    for team in teams:
        teams_of.setdefault(team.organisation_id, []).append(team)
    result = {}
    for case in cases:
        category = case.category
        if category is None or not category.department:
            continue
        organisation = _closest(by_short_name.get(category.department, ()), case.place_path)
        if organisation is None:
            continue
        team = _closest(teams_of.get(organisation.pk, ()), case.place_path)
        result[case.pk] = Suggestion(organisation=organisation, team=team)
    return result


def suggest_assignee(case) -> Suggestion | None:
    """`suggest_assignees` for one case (two queries)."""
    category = case.category
    if category is None or not category.department:
        return None
    organisations = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.DEPARTMENT, short_name=category.department
        )
    )
    teams = list(
        Team.objects.filter(
            kind=Team.Kind.DEPARTMENT, organisation__in=[o.pk for o in organisations]
        )
    )
    return suggest_assignees([case], organisations, teams).get(case.pk)
