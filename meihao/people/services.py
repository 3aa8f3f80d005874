"""Every write about people, organisations, teams, roles and API tokens.

Each public function takes keyword arguments only, runs in one transaction, names its actor and
writes the audit trail. `person_create` and friends authorise first (the `check` half, as in
Zulip's `check_*`) and then call the `do_*` half, which loaders that act for the system may call
directly.
"""

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.core import pii
from meihao.core.audit import audit_change, audit_changes, audit_pii_read
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import OFFICIALS, ORGANISATION_ROLES, Role
from meihao.core.scoping import covers, forget_scopes, sees_place, users_covering
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.auth import token_hash
from meihao.people.identity import id_number_fields
from meihao.people.models import (
    ApiToken,
    Organisation,
    Person,
    PersonTag,
    RoleAssignment,
    Team,
    TeamMember,
    User,
)
from meihao.people.validation import FIELD_LABELS, clean_person
from meihao.places.models import Level, Place

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

UNSET = object()

# Who may hand out which role, inside the subtree they hold their own role on. Handing out a
# role never reaches above one's own level: a community can name grid workers, not chiefs.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset(Role.values),
    Role.STREET_CHIEF: frozenset(
        {
            Role.COMMUNITY_STAFF,
            Role.GRID_WORKER,
            Role.VOLUNTEER,
            Role.PARTY_MEMBER,
            Role.RESIDENT,
            Role.MERCHANT_STAFF,
            Role.CARE_PROVIDER,
        }
    ),
    Role.COMMUNITY_STAFF: frozenset(
        {Role.GRID_WORKER, Role.VOLUNTEER, Role.PARTY_MEMBER, Role.RESIDENT}
    ),
}

TOKEN_PREFIX = "mh_"  # noqa: S105 - a marker, not a secret


# ---------------------------------------------------------------------------------------------
# Authorisation helpers


def _require_place_editor(actor, path: str) -> None:
    """404 for a place the actor cannot see (like a missing one); 403 when seen but not theirs."""
    if not sees_place(actor, path):
        raise NotFound()
    if not covers(actor, path, OFFICIALS):
        raise PermissionDenied(_("You may not manage people in this place."))


def _require_person_ability(actor, person: Person, ability: str) -> None:
    """404 when the actor may not even see the person; 403 when seen but not allowed."""
    abilities = person.abilities(actor)
    if not abilities["view"]:
        raise NotFound()
    if not abilities[ability]:
        raise PermissionDenied()


def _raise_first(errors: "dict[str, StrOrPromise]") -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationFailed(message, field=field)


def _id_number_taken(number_hash: str, *, except_pk: int | None = None) -> bool:
    query = Person.objects.filter(id_number_hash=number_hash)
    if except_pk is not None:
        query = query.exclude(pk=except_pk)
    return query.exists()


DUPLICATE_ID_MESSAGE = gettext_lazy("A person with this ID-card number is already registered.")


# ---------------------------------------------------------------------------------------------
# People


def person_create(
    *,
    actor,
    real_name: str,
    home_place: Place | None,
    id_number: str = "",
    gender: str = "",
    birth_date: datetime.date | None = None,
    phone: str = "",
    address: str = "",
    tags: Iterable[str] = (),
    user: User | None = None,
) -> Person:
    """Register a resident (居民登记) in a community or grid the actor manages."""
    if home_place is not None:
        _require_place_editor(actor, home_place.path)
    return do_person_create(
        actor=actor,
        real_name=real_name,
        home_place=home_place,
        id_number=id_number,
        gender=gender,
        birth_date=birth_date,
        phone=phone,
        address=address,
        tags=tags,
        user=user,
    )


@transaction.atomic
def do_person_create(
    *,
    actor,
    real_name: str,
    home_place: Place | None,
    id_number: str = "",
    gender: str = "",
    birth_date: datetime.date | None = None,
    phone: str = "",
    address: str = "",
    tags: Iterable[str] = (),
    user: User | None = None,
    home_confirmed: bool = True,
) -> Person:
    cleaned, errors = clean_person(
        real_name=real_name,
        gender=gender,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        home_place=home_place,
        address=address,
        tags=tags,
    )
    _raise_first(errors)
    stored_id = id_number_fields(cleaned["id_number"])
    if stored_id["id_number_hash"] and _id_number_taken(stored_id["id_number_hash"]):
        raise ValidationFailed(DUPLICATE_ID_MESSAGE, code="duplicate_id_number", field="id_number")
    person = Person(
        user=user,
        real_name=cleaned["real_name"],
        gender=cleaned["gender"],
        birth_date=cleaned["birth_date"],
        phone=cleaned["phone"],
        home_place=cleaned["home_place"],
        home_place_path=cleaned["home_place"].path,
        address=cleaned["address"],
        home_confirmed=home_confirmed,
        **stored_id,
    )
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationFailed(
            DUPLICATE_ID_MESSAGE, code="duplicate_id_number", field="id_number"
        ) from exc
    PersonTag.objects.bulk_create(PersonTag(person=person, tag=tag) for tag in cleaned["tags"])
    assert person.home_place is not None  # clean_person refuses a person without one
    audit_change(
        actor=actor,
        action="person_create",
        target=person,
        changes={
            "home_place": [None, person.home_place.code],
            "id_number": [None, person.id_number_masked or None],
            "tags": [None, ",".join(cleaned["tags"])],
        },
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    real_name=UNSET,
    gender=UNSET,
    birth_date=UNSET,
    id_number=UNSET,
    phone=UNSET,
    home_place=UNSET,
    address=UNSET,
    tags=UNSET,
) -> Person:
    """Change a resident's record; fields left out keep their value.

    The ID number is re-entered, never read back: leaving it out keeps the stored number, an
    empty string removes it. A changed number or birth date is checked against the other.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    _require_person_ability(actor, person, "edit")
    if home_place is not UNSET and home_place is not None:
        _require_place_editor(actor, home_place.path)

    old_tags = sorted(person.tags.values_list("tag", flat=True))
    keep_number = id_number is UNSET
    current_number = person.id_number_plain() if keep_number else ""
    given_gender = person.gender if gender is UNSET else gender
    given_birth = person.birth_date if birth_date is UNSET else birth_date
    if not keep_number and gender is UNSET:
        given_gender = ""  # a new number decides the gender unless one is given with it
    if not keep_number and birth_date is UNSET:
        given_birth = None
    cleaned, errors = clean_person(
        real_name=person.real_name if real_name is UNSET else real_name,
        gender=given_gender,
        birth_date=given_birth,
        id_number=current_number if keep_number else id_number,
        phone=person.phone if phone is UNSET else phone,
        home_place=person.home_place if home_place is UNSET else home_place,
        address=person.address if address is UNSET else address,
        tags=old_tags if tags is UNSET else tags,
    )
    _raise_first(errors)

    new_values = {
        "real_name": cleaned["real_name"],
        "gender": cleaned["gender"],
        "birth_date": cleaned["birth_date"],
        "phone": cleaned["phone"],
        "home_place": cleaned["home_place"],
        "address": cleaned["address"],
    }
    changes = audit_changes(person, new_values)
    for field, value in new_values.items():
        setattr(person, field, value)
    assert person.home_place is not None  # clean_person refuses a person without one
    person.home_place_path = person.home_place.path

    if not keep_number:
        stored_id = id_number_fields(cleaned["id_number"])
        if stored_id["id_number_hash"] != person.id_number_hash:
            if stored_id["id_number_hash"] and _id_number_taken(
                stored_id["id_number_hash"], except_pk=person.pk
            ):
                raise ValidationFailed(
                    DUPLICATE_ID_MESSAGE, code="duplicate_id_number", field="id_number"
                )
            changes["id_number"] = [
                person.id_number_masked or None,
                stored_id["id_number_masked"] or None,
            ]
            for field, value in stored_id.items():
                setattr(person, field, value)

    new_tags = sorted(cleaned["tags"])
    if new_tags != old_tags:
        changes["tags"] = [",".join(old_tags), ",".join(new_tags)]
        person.tags.exclude(tag__in=new_tags).delete()
        PersonTag.objects.bulk_create(
            PersonTag(person=person, tag=tag) for tag in new_tags if tag not in old_tags
        )

    if changes:
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:
            raise ValidationFailed(
                DUPLICATE_ID_MESSAGE, code="duplicate_id_number", field="id_number"
            ) from exc
        audit_change(actor=actor, action="person_update", target=person, changes=changes)
    return person


# ---------------------------------------------------------------------------------------------
# A resident's own real-name details (实名登记)

register_kind(
    "resident_to_confirm",
    label=gettext_lazy("A resident says they live in my community"),
    audience=OFFICIALS,
)
register_kind("resident_confirmed", label=gettext_lazy("My community confirms I live there"))

OWN_RECORD_EXISTS = gettext_lazy("You have already entered your real-name details.")
ID_NUMBER_KNOWN = gettext_lazy(
    "Your community has already registered this ID-card number. Ask them to link it to your log-in."
)


@transaction.atomic
def person_declare_own(
    *, actor, real_name: str, id_number: str, home_place: Place | None, address: str = ""
) -> Person:
    """A resident with a log-in but no record enters their own real-name details, when a
    feature first needs them (signing up for an activity, say). The record is theirs at once;
    the home community is only claimed until its staff confirm it (`person_confirm_home`)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    User.objects.select_for_update().get(pk=actor.pk)  # one declaration at a time per log-in
    if Person.objects.filter(user=actor).exists():
        raise ValidationFailed(OWN_RECORD_EXISTS, code="person_exists")
    if not (id_number or "").strip():
        raise ValidationFailed(
            gettext_lazy("Enter your ID-card number."), code="required", field="id_number"
        )
    if home_place is None or home_place.level != Level.COMMUNITY:
        raise ValidationFailed(
            gettext_lazy("Choose the community you live in."), field="home_place"
        )
    try:
        person = do_person_create(
            actor=actor,
            real_name=real_name,
            home_place=home_place,
            id_number=id_number,
            phone=actor.phone,
            address=address,
            user=actor,
            home_confirmed=False,
        )
    except ValidationFailed as exc:
        if exc.code == "duplicate_id_number":
            raise ValidationFailed(ID_NUMBER_KNOWN, code=exc.code, field="id_number") from exc
        raise
    if not actor.name:
        actor.name = person.real_name
        actor.save(update_fields=["name"])
    notify_enqueue(
        recipients=users_covering(home_place.path, OFFICIALS),
        kind="resident_to_confirm",
        subject=gettext_lazy("A resident to confirm: {{ name }}"),
        body=gettext_lazy(
            "{{ name }} says they live in {{ community }}. Please confirm it on their record."
        ),
        context={"name": person.real_name, "community": home_place.name},
        link=reverse("people:detail", args=[person.pk]),
        target=person,
        idempotency_key=f"person:{person.pk}:declared",
    )
    return person


@transaction.atomic
def person_confirm_home(*, actor, person: Person) -> Person:
    """The home community's staff confirm that a resident who entered their own details lives
    there; their log-in becomes a resident of the community (the role)."""
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("home_place")
        .get(pk=person.pk)
    )
    _require_person_ability(actor, person, "edit")
    if person.home_confirmed:
        raise ValidationFailed(
            gettext_lazy("This resident's community is already confirmed."), code="confirmed"
        )
    person.home_confirmed = True
    person.save(update_fields=["home_confirmed", "updated_at"])
    audit_change(
        actor=actor,
        action="person_confirm_home",
        target=person,
        changes={"home_confirmed": [False, True]},
    )
    community, user = person.home_place, person.user
    assert community is not None  # clean_person refuses a person without one
    if user is not None:
        # A resident of the community from now on: its activities, time bank, wishes, points.
        held = RoleAssignment.objects.filter(user=user, role=Role.RESIDENT, place=community)
        if not held.exists():
            role_assign(actor=actor, user=user, role=Role.RESIDENT, place=community)
        notify_enqueue(
            recipients=[user],
            kind="resident_confirmed",
            subject=gettext_lazy("{{ community }} has confirmed you live there"),
            body=gettext_lazy(
                "Your community has confirmed your resident record. Its activities and "
                "services are open to you."
            ),
            context={"community": community.name},
            link=reverse("people:profile"),
            target=person,
            idempotency_key=f"person:{person.pk}:home_confirmed",
        )
    return person


@transaction.atomic
def person_reveal_id_number(*, actor, person: Person) -> str:
    """The unmasked ID number, for someone allowed to see it; every read is audited (查看留痕)."""
    _require_person_ability(actor, person, "reveal_id_number")
    audit_pii_read(actor=actor, target=person, field="id_number")
    return person.id_number_plain()


# ---------------------------------------------------------------------------------------------
# Excel import: all rows or none


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    @property
    def column(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))

    def __str__(self) -> str:
        return _("Row %(row)d, “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(ValidationFailed):
    code = "import_rejected"

    def __init__(self, errors: list[RowError]):
        self.row_errors = errors
        super().__init__(
            _("Nothing was imported: %(count)d problem(s) were found in the file.")
            % {"count": len(errors)}
        )


@dataclass
class ImportRow:
    """One data row of an import file, as parsed: raw values plus problems found in parsing."""

    row: int
    values: dict
    errors: dict


@transaction.atomic
def person_import(*, actor, rows: list[ImportRow]) -> list[Person]:
    """Register every row, or none: any bad cell rejects the whole file with all problems listed."""
    if not rows:
        raise ValidationFailed(_("The file has no rows to import."), code="import_empty")
    errors: list[RowError] = []
    codes = {r.values.get("home_place_code") for r in rows if r.values.get("home_place_code")}
    places = {p.code: p for p in Place.objects.filter(code__in=codes)}

    cleaned_rows = []
    seen_numbers: dict[str, int] = {}
    for row in rows:
        values = dict(row.values)
        code = values.pop("home_place_code", "")
        home_place = places.get(code)
        if home_place is not None and not sees_place(actor, home_place.path):
            home_place = None  # a place out of the actor's sight reads like a missing one
        cleaned, row_errors = clean_person(home_place=home_place, **values)
        row_errors = {**row_errors, **row.errors}
        if code and home_place is None:
            row_errors["home_place"] = _("No community or grid has the code %(code)s.") % {
                "code": code
            }
        elif home_place is not None and not covers(actor, home_place.path, OFFICIALS):
            row_errors["home_place"] = _("You may not manage people in this place.")
        number = cleaned["id_number"]
        if number and "id_number" not in row_errors:
            if number in seen_numbers:
                row_errors["id_number"] = _(
                    "The same ID-card number is already in row %(row)d."
                ) % {"row": seen_numbers[number]}
            seen_numbers.setdefault(number, row.row)
        errors.extend(
            RowError(row.row, field, str(message))
            for field, message in sorted(row_errors.items(), key=lambda i: _field_order(i[0]))
        )
        cleaned_rows.append((row.row, cleaned))

    hashes = {pii.search_hash(n): n for n in seen_numbers}
    taken = set(
        Person.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", flat=True)
    )
    for number_hash in taken:
        row_number = seen_numbers[hashes[number_hash]]
        errors.append(RowError(row_number, "id_number", str(DUPLICATE_ID_MESSAGE)))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, _field_order(e.field))))

    people = [
        Person(
            real_name=c["real_name"],
            gender=c["gender"],
            birth_date=c["birth_date"],
            phone=c["phone"],
            home_place=c["home_place"],
            home_place_path=c["home_place"].path,
            address=c["address"],
            **id_number_fields(c["id_number"]),
        )
        for _row, c in cleaned_rows
    ]
    try:
        with transaction.atomic():
            Person.objects.bulk_create(people)
    except IntegrityError as exc:
        raise ValidationFailed(DUPLICATE_ID_MESSAGE, code="duplicate_id_number") from exc
    if any(p.pk is None for p in people):  # backends that do not return keys from bulk inserts
        raise RuntimeError("bulk_create did not set primary keys")
    PersonTag.objects.bulk_create(
        PersonTag(person=person, tag=tag)
        for person, (_row, c) in zip(people, cleaned_rows, strict=True)
        for tag in c["tags"]
    )
    for person in people:
        assert person.home_place is not None  # clean_person refuses a person without one
        audit_change(
            actor=actor,
            action="person_import",
            target=person,
            changes={"home_place": [None, person.home_place.code]},
        )
    return people


def _field_order(field: str) -> int:
    order = [*FIELD_LABELS]
    return order.index(field) if field in order else len(order)


# ---------------------------------------------------------------------------------------------
# Roles


def _scope_path(*, role: str, place: Place | None, organisation: Organisation | None) -> str:
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    if role in ORGANISATION_ROLES:
        if organisation is None or place is not None:
            raise ValidationFailed(
                _("This role is held in an organisation: choose the organisation, not a place."),
                field="organisation",
            )
        return organisation.place_path
    if place is None or organisation is not None:
        raise ValidationFailed(
            _("This role is held for a place: choose the place, not an organisation."),
            field="place",
        )
    return place.path


def _require_role_grantor(actor, *, role: str, path: str) -> None:
    grantors = [granter for granter, roles in GRANTABLE_ROLES.items() if role in roles]
    if not sees_place(actor, path):
        raise NotFound()
    if not covers(actor, path, grantors):
        raise PermissionDenied(_("You may not give this role for this place."))


def check_role_assign(
    *, actor, user: User, role: str, place: Place | None, organisation: Organisation | None
) -> None:
    """Raise unless `actor` may give `user` this role with this scope (used by forms too)."""
    path = _scope_path(role=role, place=place, organisation=organisation)
    _require_role_grantor(actor, role=role, path=path)


@transaction.atomic
def role_assign(
    *,
    actor,
    user: User,
    role: str,
    place: Place | None = None,
    organisation: Organisation | None = None,
) -> RoleAssignment:
    """Give `user` a role on a place (and its subtree) or in an organisation."""
    check_role_assign(actor=actor, user=user, role=role, place=place, organisation=organisation)
    existing = RoleAssignment.objects.filter(
        user=user, role=role, place=place, organisation=organisation
    )
    if existing.exists():
        raise ValidationFailed(_("The user already holds this role here."), code="duplicate_role")
    assignment = RoleAssignment.objects.create(
        user=user, role=role, place=place, organisation=organisation
    )
    audit_change(
        actor=actor,
        action="role_assign",
        target=assignment,
        changes={"user": [None, str(user.pk)], "role": [None, role]},
    )
    forget_scopes(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    if assignment.organisation is not None:
        path = assignment.organisation.place_path
    else:
        assert assignment.place is not None  # a role is held in an organisation or at a place
        path = assignment.place.path
    _require_role_grantor(actor, role=assignment.role, path=path)
    audit_change(
        actor=actor,
        action="role_revoke",
        target=assignment,
        changes={"user": [str(assignment.user_id), None], "role": [assignment.role, None]},
    )
    assignment.delete()
    forget_scopes(assignment.user)


# ---------------------------------------------------------------------------------------------
# Organisations and teams


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    place: Place,
    short_name: str = "",
    address: str = "",
    contact_phone: str = "",
) -> Organisation:
    """Register a department, unit, merchant or social organisation serving `place`."""
    if kind not in Organisation.Kind.values:
        raise ValidationFailed(_("Unknown kind of organisation."), field="kind")
    # Government departments are set up by the district; the rest by whoever manages the place.
    roles = {Role.DISTRICT_ADMIN} if kind == Organisation.Kind.DEPARTMENT else OFFICIALS
    if not sees_place(actor, place.path):
        raise NotFound()
    if not covers(actor, place.path, roles):
        raise PermissionDenied(_("You may not register organisations for this place."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the organisation's name."), field="name")
    if Organisation.objects.filter(name=name, place=place).exists():
        raise ValidationFailed(
            _("An organisation with this name already serves this place."),
            code="duplicate_organisation",
            field="name",
        )
    organisation = Organisation.objects.create(
        name=name,
        short_name=short_name.strip(),
        kind=kind,
        place=place,
        place_path=place.path,
        address=address.strip(),
        contact_phone=contact_phone.strip(),
    )
    audit_change(
        actor=actor,
        action="organisation_create",
        target=organisation,
        changes={"kind": [None, kind], "place": [None, place.code]},
    )
    return organisation


@transaction.atomic
def team_create(
    *,
    actor,
    name: str,
    kind: str,
    place: Place,
    organisation: Organisation | None = None,
    parent: Team | None = None,
    covered_places: Iterable[Place] = (),
) -> Team:
    """Set up a team (responsibility team, volunteer team, red armbands…) based in `place`."""
    if kind not in Team.Kind.values:
        raise ValidationFailed(_("Unknown kind of team."), field="kind")
    _require_place_editor(actor, place.path)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the team's name."), field="name")
    covered = list(covered_places)
    for covered_place in covered:
        if not covered_place.path.startswith(place.path):
            raise ValidationFailed(
                _("A team can only cover places inside its own place."), field="covered_places"
            )
    if parent is not None and not place.path.startswith(parent.place_path):
        raise ValidationFailed(
            _("A team's place must lie inside its parent team's place."), field="parent"
        )
    team = Team.objects.create(
        name=name,
        kind=kind,
        place=place,
        place_path=place.path,
        organisation=organisation,
        parent=parent,
    )
    if covered:
        team.covered_places.set(covered)
    audit_change(
        actor=actor,
        action="team_create",
        target=team,
        changes={"kind": [None, kind], "place": [None, place.code]},
    )
    return team


@transaction.atomic
def team_member_add(
    *,
    actor,
    team: Team,
    person: Person,
    position: str = TeamMember.Position.MEMBER,
    duty: str = "",
) -> TeamMember:
    _require_place_editor(actor, team.place_path)
    if not person.abilities(actor)["view"]:
        raise NotFound()
    return team_membership_write(
        actor=actor, team=team, person=person, position=position, duty=duty.strip()
    )


def team_membership_write(
    *, actor, team: Team, person: Person, position: str, duty: str
) -> TeamMember:
    """The one way a person is added to a team, for the services that decided they may be (the
    place editors here, volunteers joining or managed in `volunteers.teams`). Inside the
    caller's transaction; a second membership, even racing, is refused."""
    if position not in TeamMember.Position.values:
        raise ValidationFailed(_("Unknown position."), field="position")
    duplicate = ValidationFailed(
        _("This person is already in the team."), code="duplicate_member", field="person"
    )
    if TeamMember.objects.filter(team=team, person=person).exists():
        raise duplicate
    try:
        with transaction.atomic():
            membership = TeamMember.objects.create(
                team=team, person=person, position=position, duty=duty
            )
    except IntegrityError as exc:  # joined twice at once
        raise duplicate from exc
    audit_change(
        actor=actor,
        action="team_member_add",
        target=team,
        changes={
            "person": [None, str(person.pk)],
            "position": [None, position],
            "duty": [None, duty],
        },
    )
    return membership


# ---------------------------------------------------------------------------------------------
# API tokens


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the actor's own apps. The plaintext is returned once, never stored."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Name the token after the app that will use it."), field="name")
    # django-stubs types get_field as any field or relation; "name" is a CharField with a length.
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationFailed(_("The name is too long."), field="name")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=plaintext[:8], token_hash=token_hash(plaintext)
    )
    audit_change(actor=actor, action="api_token_create", target=token)
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens; someone else's token answers 404."""
    if token.user_id != getattr(actor, "pk", None) and not getattr(actor, "is_superuser", False):
        raise NotFound()
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_change(actor=actor, action="api_token_revoke", target=token)
    return token


@transaction.atomic
def user_set_large_text(*, user, large_text: bool) -> None:
    """Switch 长辈模式 on or off for the person's account (every page, every phone)."""
    user.large_text = large_text
    user.save(update_fields=["large_text"])
