"""Shapes of the people API. Personal data leaves only masked."""

import datetime

from ninja import Schema


class PersonPlaceOut(Schema):
    code: str
    name: str
    level: str


class TagOut(Schema):
    code: str
    label: str


class PersonAbilities(Schema):
    view: bool
    edit: bool
    reveal_id_number: bool
    export: bool


class PersonOut(Schema):
    id: int
    real_name: str
    gender: str
    birth_date: datetime.date | None
    phone_masked: str
    id_number_masked: str
    home_place: PersonPlaceOut | None
    tags: list[TagOut]
    abilities: PersonAbilities

    @staticmethod
    def resolve_tags(person) -> list[dict]:
        return [{"code": t.tag, "label": str(t.get_tag_display())} for t in person.tags.all()]

    @staticmethod
    def resolve_abilities(person, context) -> dict:
        return person.abilities(context["request"].user)


class PersonTeamOut(Schema):
    id: int
    name: str
    kind: str
    position: str


class PersonDetailOut(PersonOut):
    address: str
    teams: list[PersonTeamOut]

    @staticmethod
    def resolve_teams(person) -> list[dict]:
        return [
            {"id": m.team_id, "name": m.team.name, "kind": m.team.kind, "position": m.position}
            for m in person.team_memberships.all()
        ]


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class RoleOrganisationOut(Schema):
    id: int
    name: str


class RoleAssignmentOut(Schema):
    role: str
    label: str
    place: PersonPlaceOut | None
    organisation: RoleOrganisationOut | None
    scope_path: str

    @staticmethod
    def resolve_label(assignment) -> str:
        return str(assignment.get_role_display())

    @staticmethod
    def resolve_scope_path(assignment) -> str:
        if assignment.organisation_id:
            return assignment.organisation.place_path
        return assignment.place.path


class MeOut(Schema):
    id: int
    name: str
    phone_masked: str
    person_id: int | None
    roles: list[RoleAssignmentOut]
    abilities: dict[str, bool]
