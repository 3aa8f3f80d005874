"""The home page: for each role the user holds, where it applies and what it can do now (我的工作
for who works for the community, 首页 for who lives in it); in large-text mode a resident's few
services as big tiles."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from meihao.core.roles import Role
from meihao.core.scoping import Scope, scopes_of
from meihao.web.menu import (
    CONFIGURATION,
    SCREENS,
    Entry,
    Screen,
    entry,
    roles_of,
    screens_of_role,
    work_lists_of_role,
)

ROLE_ICONS = {
    Role.RESIDENT: "house-heart",
    Role.GRID_WORKER: "grid-3x3-gap",
    Role.COMMUNITY_STAFF: "people",
    Role.STREET_CHIEF: "signpost-split",
    Role.DEPARTMENT_STAFF: "building-gear",
    Role.DISTRICT_ADMIN: "diagram-3",
    Role.VOLUNTEER: "heart",
    Role.PARTY_MEMBER: "flag",
    Role.LEGAL_ADVISOR: "bank",
    Role.POLICE_OFFICER: "shield-check",
    Role.MERCHANT_STAFF: "shop",
    Role.CARE_PROVIDER: "bandaid",
    Role.COUNSELLOR: "chat-heart",
}

# Card titles. The same words as core.roles.Role's labels, kept here because they are this
# page's headings (and translated in web's own catalogue).
ROLE_TITLES = {
    Role.RESIDENT: _("Resident"),
    Role.GRID_WORKER: _("Grid worker"),
    Role.COMMUNITY_STAFF: _("Community staff"),
    Role.STREET_CHIEF: _("Street chief"),
    Role.DEPARTMENT_STAFF: _("Department staff"),
    Role.DISTRICT_ADMIN: _("District administrator"),
    Role.VOLUNTEER: _("Volunteer"),
    Role.PARTY_MEMBER: _("Party member"),
    Role.LEGAL_ADVISOR: _("Legal advisor"),
    Role.POLICE_OFFICER: _("Community police officer"),
    Role.MERCHANT_STAFF: _("Merchant staff"),
    Role.CARE_PROVIDER: _("Care provider"),
    Role.COUNSELLOR: _("Counsellor"),
}

# What each role does here (docs/product.md, "The people who use it").
ROLE_DUTIES = {
    Role.RESIDENT: _(
        "Report problems, order micro-wishes, apply for certificates, book care and join "
        "activities."
    ),
    Role.GRID_WORKER: _("Patrol your grid every day, photograph problems and follow them up."),
    Role.COMMUNITY_STAFF: _(
        "Triage reports, dispatch micro-wishes, review applications and run activities."
    ),
    Role.STREET_CHIEF: _(
        "Accept and dispatch grid reports, respond within 24 hours and oversee the street."
    ),
    Role.DEPARTMENT_STAFF: _("Handle dispatched cases and report back with photos."),
    Role.DISTRICT_ADMIN: _("Look after the district's places, people and configuration."),
    Role.VOLUNTEER: _("Sign up for service, check in, log your hours and earn points."),
    Role.PARTY_MEMBER: _(
        "Claim service posts and micro-wishes in the community you registered with."
    ),
    Role.LEGAL_ADVISOR: _(
        "Give consultations, mediate disputes and hold legal-education sessions."
    ),
    Role.POLICE_OFFICER: _("Receive tips and hazards from residents and act on them."),
    Role.MERCHANT_STAFF: _("Accept point redemptions and provide services to residents."),
    Role.CARE_PROVIDER: _("Provide home-care services to elders."),
    Role.COUNSELLOR: _(
        "Meet residents at the community's 心灵驿站, keep your notes, and refer those in crisis."
    ),
}


@dataclass
class Card:
    role: str
    role_label: str
    scope_name: str
    duty: str
    icon: str
    links: list[Entry] = field(default_factory=list)


def _scope_names(scopes: tuple[Scope, ...]) -> tuple[dict, dict]:
    """Names of the places and organisations the scopes point at: two queries at most."""
    from meihao.people.models import Organisation
    from meihao.places.models import Place

    org_ids = {s.organisation_id for s in scopes if s.organisation_id}
    codes = {s.place_path.rstrip("/").rsplit("/", 1)[-1] for s in scopes if not s.organisation_id}
    places = dict(Place.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    orgs = (
        dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
        if org_ids
        else {}
    )
    return places, orgs


# A resident who registered themselves holds the resident role on no place yet: their card
# offers what works on their own records alone.
SELF_REGISTERED_DUTY = _(
    "Report problems and follow your reports. Your community office links your account to your "
    "home; then activities, micro-wishes and points open too."
)


SELF_REGISTERED_SCREENS = ("cases:report", "cases:mine")
OWN_DETAILS = Screen(_("My real-name details"), "people:own_details", "person-vcard", frozenset())


def _self_registered_card(user) -> Card:
    """A resident who registered themselves: their own reports, and their real-name details
    until they have entered them (then their community confirms them and gives the role)."""
    from meihao.people.selectors import own_person

    links = [entry(screen) for screen in SCREENS if screen.url_name in SELF_REGISTERED_SCREENS]
    if own_person(user) is None:
        links.append(entry(OWN_DETAILS))
    return Card(
        role=Role.RESIDENT,
        role_label=ROLE_TITLES[Role.RESIDENT],
        scope_name="",
        duty=SELF_REGISTERED_DUTY,
        icon=ROLE_ICONS[Role.RESIDENT],
        links=links,
    )


def work_cards(user) -> list[Card]:
    """One card per role assignment, in the order of core.roles.Role, then by scope; a
    self-registered resident without a role gets the resident card for their own records."""
    from meihao.accounts.selectors import is_self_registered
    from meihao.cases.selectors import staff_counts
    from meihao.people.selectors import people_counts

    scopes = scopes_of(user)
    places, orgs = _scope_names(scopes)
    # What waits on the case work lists: one aggregated query, only for roles that have them.
    counted = any(
        screen.count_key
        for s in scopes
        for screen in (*screens_of_role(s.role, user), *work_lists_of_role(s.role))
    )
    case_counts = {**staff_counts(user), **people_counts(user)} if counted else {}
    order = {role: index for index, role in enumerate(Role.values)}
    cards = []
    for scope in sorted(scopes, key=lambda s: (order.get(s.role, 99), s.place_path)):
        if scope.organisation_id:
            scope_name = orgs.get(scope.organisation_id, "")
        else:
            scope_name = places.get(scope.place_path.rstrip("/").rsplit("/", 1)[-1], "")
        cards.append(
            Card(
                role=scope.role,
                role_label=ROLE_TITLES.get(scope.role, scope.role),
                scope_name=scope_name,
                duty=ROLE_DUTIES.get(scope.role, ""),
                icon=ROLE_ICONS.get(scope.role, "person-badge"),
                links=[
                    entry(screen, case_counts)
                    for screen in (
                        *screens_of_role(scope.role, user),
                        *work_lists_of_role(scope.role),
                    )
                ],
            )
        )
    if not cards and is_self_registered(user):
        cards.append(_self_registered_card(user))
    return cards


ACCOUNT_SCREENS = (
    Screen(_("My profile"), "people:profile", "person-vcard", frozenset()),
    Screen(_("Change password"), "password_change", "key", frozenset()),
)


def account_links(user) -> list[Entry]:
    links = [entry(screen) for screen in ACCOUNT_SCREENS]
    if user.is_staff:
        links.append(entry(CONFIGURATION))
    return links


def essential_entries(user) -> list[Entry]:
    """The large-text home (长辈模式): the few things a resident does, as big tiles."""
    roles = roles_of(user)
    return [entry(s) for s in SCREENS if s.essential and s.roles & roles]
