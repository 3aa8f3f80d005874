"""The "我的工作" page: for each role the user holds, where it applies and what it can do now."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meihao.core.roles import OFFICIALS, PLACE_WORKERS, Role
from meihao.core.scoping import Scope, scopes_of
from meihao.insights.selectors import CASE_STATISTICS_LABEL, CASE_STATISTICS_ROLES
from meihao.patrols.models import PATROLLERS

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
}


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str
    # Items waiting behind the link (the case work lists), shown as a badge.
    count: int | None = None


@dataclass
class Card:
    role: str
    role_label: str
    scope_name: str
    duty: str
    icon: str
    links: list[Link] = field(default_factory=list)


def _link(label, url_name: str, icon: str, count: int | None = None, query: str = "") -> Link:
    url = reverse(url_name) + (f"?{query}" if query else "")
    return Link(label=label, url=url, icon=icon, count=count)


# What needs a dispatcher, each a link to the board's list of it with its count (the key in
# cases.selectors.staff_counts): the first screen, what waits to be dispatched, every overdue
# case of their places, and those urged (督办) and still overdue.
DISPATCHER_LINKS = [
    (_("Dispatch board"), "cases:board", "signpost-split", None, ""),
    (_("To dispatch"), "cases:board", "inbox", "board", "status=incoming"),
    (_("Overdue"), "cases:board", "alarm", "street_overdue", "status=open&overdue=1"),
    (
        _("Urged, still overdue"),
        "cases:board",
        "megaphone",
        "urged_overdue",
        "status=open&overdue=1&urged=1",
    ),
]
# The case engine's work lists per role: (label, url name, icon, count key, query).
CASE_WORK_LINKS = {
    Role.STREET_CHIEF: DISPATCHER_LINKS,
    Role.COMMUNITY_STAFF: DISPATCHER_LINKS,
    Role.DISTRICT_ADMIN: DISPATCHER_LINKS,
    Role.DEPARTMENT_STAFF: [(_("Case queue"), "cases:queue", "inboxes", "queue", "")],
    Role.GRID_WORKER: [(_("Cases to verify"), "cases:verify", "patch-check", "verify", "")],
}
# The volunteer side per role (activities, volunteering, the time bank, points and rewards).
VOLUNTEERING_LINKS = {
    Role.RESIDENT: [
        (_("Activities"), "activities:list", "calendar-event"),
        (_("Time bank"), "timebank:home", "hourglass-split"),
        (_("Micro-wishes"), "wishes:home", "stars"),
        (_("My points"), "ledger:mine", "coin"),
        (_("Points rewards"), "rewards:catalogue", "gift"),
    ],
    Role.VOLUNTEER: [
        (_("My volunteering"), "volunteers:home", "heart"),
        (_("Activities"), "activities:list", "calendar-event"),
        (_("Scan to check in"), "activities:scan", "qr-code-scan"),
        (_("Redemption code"), "rewards:pass", "upc-scan"),
    ],
    Role.PARTY_MEMBER: [
        (_("Wish wall"), "wishes:wall", "stars"),
        (_("Service posts"), "dual:member_posts", "flag"),
        (_("My volunteering"), "volunteers:home", "heart"),
    ],
    Role.MERCHANT_STAFF: [
        (_("Redemption counter"), "rewards:counter", "upc-scan"),
        (_("Partner merchants"), "rewards:manage", "shop"),
    ],
    Role.COMMUNITY_STAFF: [
        (_("Organise activities"), "activities:organise", "calendar-plus"),
        (_("Volunteer roster"), "volunteers:roster", "person-hearts"),
        (_("Dual registration"), "dual:registrations", "building-check"),
        (_("Wishes to review"), "wishes:review", "stars"),
        (_("Time-bank members"), "timebank:members", "hourglass-split"),
        (_("Partner merchants"), "rewards:manage", "shop"),
    ],
    Role.STREET_CHIEF: [
        (_("Organise activities"), "activities:organise", "calendar-plus"),
        (_("Volunteer roster"), "volunteers:roster", "person-hearts"),
        (_("Partner merchants"), "rewards:manage", "shop"),
    ],
    Role.DISTRICT_ADMIN: [
        (_("Organise activities"), "activities:organise", "calendar-plus"),
        (_("Volunteer roster"), "volunteers:roster", "person-hearts"),
        (_("Teams of the alliance"), "volunteers:teams", "people"),
        (_("Partner merchants"), "rewards:manage", "shop"),
    ],
}
# Who reports problems as part of the role: the first thing their card offers.
REPORTERS = frozenset({Role.GRID_WORKER, Role.RESIDENT, Role.VOLUNTEER, Role.POLICE_OFFICER})


def _links_for(role: str, case_counts: dict | None = None) -> list[Link]:
    candidates = []
    if role in REPORTERS:
        candidates.append(_link(_("Report a problem"), "cases:report", "camera"))
        candidates.append(_link(_("My reports"), "cases:mine", "card-checklist"))
    candidates += [
        _link(label, url_name, icon, (case_counts or {}).get(key) if key else None, query)
        for label, url_name, icon, key, query in CASE_WORK_LINKS.get(role, ())
    ]
    candidates += [
        _link(label, url_name, icon) for label, url_name, icon in VOLUNTEERING_LINKS.get(role, ())
    ]
    candidates.append(_link(_("Browse places"), "places:browser", "map"))
    if role in PLACE_WORKERS:
        candidates.append(_link(_("Residents"), "people:list", "person-lines-fill"))
    if role in OFFICIALS:
        candidates.append(_link(_("Import residents"), "people:import", "file-earmark-arrow-up"))
    if role in CASE_STATISTICS_ROLES:
        candidates.append(_link(CASE_STATISTICS_LABEL, "insights:cases", "bar-chart-line"))
    if role in PATROLLERS:
        candidates.append(_link(_("Patrol"), "patrols:current", "person-walking"))
        candidates.append(_link(_("My patrols"), "patrols:mine", "calendar-check"))
    if role in OFFICIALS:
        candidates.append(_link(_("Patrol duty"), "patrols:duty", "clipboard-check"))
    return candidates


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


def work_cards(user) -> list[Card]:
    """One card per role assignment, in the order of core.roles.Role, then by scope."""
    from meihao.cases.selectors import staff_counts

    scopes = scopes_of(user)
    places, orgs = _scope_names(scopes)
    # What waits on the case work lists: one aggregated query, only for roles that have them.
    case_counts = staff_counts(user) if any(s.role in CASE_WORK_LINKS for s in scopes) else {}
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
                links=_links_for(scope.role, case_counts),
            )
        )
    return cards


def account_links(user) -> list[Link]:
    links = [
        _link(_("My profile"), "people:profile", "person-vcard"),
        _link(_("Change password"), "password_change", "key"),
    ]
    if user.is_staff:
        links.append(_link(_("Configuration"), "admin:index", "gear"))
    return links
