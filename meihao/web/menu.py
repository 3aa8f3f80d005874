"""The screens each role uses, decided here once: the menu, the home page's cards and the
large-text home all read this list, so a screen has one name everywhere.

A screen's label is the same msgid as the page's own title, so the menu, the page heading and
the home card say the same words (待核查 is 待核查 in all three)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.roles import (
    COMMUNITY_MEMBERS,
    ELDER_CARE,
    OFFICIALS,
    PLACE_WORKERS,
    REPORTERS,
    SUPERVISORS,
    Role,
)
from meihao.core.scoping import scopes_of
from meihao.dashboards.boards import ROLES as DASHBOARD_ROLES
from meihao.dashboards.selectors import has_dashboard
from meihao.dashboards.subjects import led_alliance_teams
from meihao.insights.selectors import CASE_STATISTICS_LABEL, CASE_STATISTICS_ROLES
from meihao.legal.aid import may_decide as may_decide_legal_aid
from meihao.party.models import PartyMember, PartyPost
from meihao.patrols.models import PATROLLERS
from meihao.projects.models import Project
from meihao.supervision.services import may_read as may_read_supervision

EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Screen:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset
    # The key in cases.selectors.staff_counts of what waits behind the screen (a badge).
    count_key: str | None = None
    # One of the few things a resident does: kept on the large-text (长辈模式) home page.
    essential: bool = False
    # A filtered list of the screen (the query string), offered on the home page only.
    query: str = ""
    # For a screen only some holders of its roles have (the staff of a legal-aid centre among
    # the departments' staff): whether `user` is one of them.
    shown_to: Callable[[object], bool] | None = None

    def shows(self, user) -> bool:
        return self.shown_to is None or self.shown_to(user)


# In menu order: the day's work first, then the community's services, then places and people.
SCREENS: tuple[Screen, ...] = (
    Screen(_("Patrol"), "patrols:current", "person-walking", PATROLLERS),
    Screen(_("Report a problem"), "cases:report", "camera", REPORTERS, essential=True),
    Screen(_("My cases"), "cases:mine", "card-checklist", REPORTERS, essential=True),
    Screen(
        _("Dashboard"),
        "dashboards:dashboard",
        "speedometer2",
        DASHBOARD_ROLES,
        shown_to=lambda user: _belongs(user) and has_dashboard(user),
    ),
    Screen(_("Dispatch board"), "cases:board", "signpost-split", OFFICIALS),
    Screen(
        _("Department queue"),
        "cases:queue",
        "inboxes",
        frozenset({Role.DEPARTMENT_STAFF}),
        count_key="queue",
    ),
    Screen(
        _("Verification queue"), "cases:verify", "patch-check", PLACE_WORKERS, count_key="verify"
    ),
    Screen(_("My patrols"), "patrols:mine", "calendar-check", PATROLLERS),
    Screen(_("Patrol duty"), "patrols:duty", "clipboard-check", OFFICIALS),
    Screen(CASE_STATISTICS_LABEL, "insights:cases", "bar-chart-line", CASE_STATISTICS_ROLES),
    Screen(_("Reports"), "reports:list", "file-earmark-richtext", OFFICIALS),
    Screen(
        _("My volunteering"),
        "volunteers:home",
        "heart",
        frozenset({Role.VOLUNTEER, Role.PARTY_MEMBER}),
    ),
    Screen(_("Activities"), "activities:list", "calendar-event", EVERY_ROLE, essential=True),
    Screen(_("Scan to check in"), "activities:scan", "qr-code-scan", frozenset({Role.VOLUNTEER})),
    Screen(_("Organise activities"), "activities:organise", "calendar-plus", OFFICIALS),
    Screen(
        _("Time bank"),
        "timebank:home",
        "hourglass-split",
        frozenset({Role.RESIDENT}),
        essential=True,
    ),
    Screen(_("Micro-wishes"), "wishes:home", "stars", frozenset({Role.RESIDENT}), essential=True),
    Screen(_("Wish wall"), "wishes:wall", "stars", frozenset({Role.PARTY_MEMBER})),
    Screen(_("Service posts"), "dual:member_posts", "flag", frozenset({Role.PARTY_MEMBER})),
    Screen(
        _("My points"),
        "ledger:mine",
        "coin",
        frozenset({Role.RESIDENT, Role.VOLUNTEER}),
        essential=True,
    ),
    Screen(
        _("Points supermarket"),
        "rewards:catalogue",
        "gift",
        frozenset({Role.RESIDENT, Role.VOLUNTEER}),
    ),
    Screen(
        _("My redemption code"),
        "rewards:pass",
        "upc-scan",
        frozenset({Role.RESIDENT, Role.VOLUNTEER}),
    ),
    Screen(
        pgettext_lazy("merchant counter", "Redeem points"),
        "rewards:counter",
        "upc-scan",
        frozenset({Role.MERCHANT_STAFF}),
    ),
    Screen(_("Review wishes"), "wishes:review", "stars", frozenset({Role.COMMUNITY_STAFF})),
    Screen(
        _("Dual registration"),
        "dual:registrations",
        "building-check",
        frozenset({Role.COMMUNITY_STAFF}),
    ),
    Screen(
        _("Time-bank members"),
        "timebank:members",
        "hourglass-split",
        frozenset({Role.COMMUNITY_STAFF}),
    ),
    Screen(_("Volunteer roster"), "volunteers:roster", "person-hearts", OFFICIALS),
    Screen(
        _("Teams of the alliance"), "volunteers:teams", "people", frozenset({Role.DISTRICT_ADMIN})
    ),
    Screen(_("Partner merchants"), "rewards:manage", "shop", OFFICIALS | {Role.MERCHANT_STAFF}),
    Screen(_("Notices"), "bulletins:list", "megaphone", EVERY_ROLE),
    Screen(_("Government services"), "catalogue:list", "journal-text", EVERY_ROLE, essential=True),
    Screen(_("My applications"), "egov:mine", "folder-check", frozenset({Role.RESIDENT})),
    Screen(_("Online petitions"), "petitions:index", "chat-square-text", EVERY_ROLE),
    Screen(_("My petitions"), "petitions:mine", "chat-square-dots", frozenset({Role.RESIDENT})),
    Screen(
        _("Legal advice"),
        "legal:home",
        "bank",
        frozenset({Role.RESIDENT, Role.LEGAL_ADVISOR}),
    ),
    Screen(
        _("Dispute mediation"),
        "legal:disputes",
        "people",
        frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.STREET_CHIEF, Role.LEGAL_ADVISOR}),
    ),
    Screen(_("Legal advisors' hours"), "legal:compliance", "clock-history", OFFICIALS),
    Screen(
        _("Community police"),
        "police:home",
        "shield-check",
        frozenset({Role.RESIDENT, Role.POLICE_OFFICER}),
    ),
    Screen(_("Command view"), "police:command", "broadcast", frozenset({Role.POLICE_OFFICER})),
    Screen(
        _("Legal-aid requests"),
        "legal:aid_referrals",
        "bank2",
        frozenset({Role.DEPARTMENT_STAFF}),
        shown_to=may_decide_legal_aid,
    ),
    Screen(
        _("Supervision register"),
        "supervision:register",
        "journal-lock",
        frozenset({Role.DEPARTMENT_STAFF, Role.POLICE_OFFICER}),
        shown_to=may_read_supervision,
    ),
    Screen(
        _("Community counselling"),
        "counselling:home",
        "chat-heart",
        frozenset({Role.RESIDENT, Role.COUNSELLOR}),
    ),
    Screen(
        _("Party organisations"),
        "party:home",
        "flag",
        EVERY_ROLE,
        shown_to=lambda user: _belongs(user)["party"],
    ),
    Screen(_("Frontage pledges"), "frontage:list", "shop-window", PLACE_WORKERS),
    Screen(_("Lecture menu"), "lectures:menu", "mic", EVERY_ROLE),
    Screen(_("Red-culture map"), "redculture:map", "geo-alt", EVERY_ROLE),
    Screen(_("Cultural calendar"), "culture:calendar", "calendar-event", EVERY_ROLE),
    Screen(_("Venues"), "venues:list", "building", EVERY_ROLE),
    Screen(
        _("Responsibility projects"),
        "projects:list",
        "buildings",
        EVERY_ROLE,
        shown_to=lambda user: _belongs(user)["projects"],
    ),
    Screen(
        _("Applications"),
        "egov:work",
        "folder2-open",
        frozenset(
            {Role.COMMUNITY_STAFF, Role.STREET_CHIEF, Role.DEPARTMENT_STAFF, Role.DISTRICT_ADMIN}
        ),
    ),
    Screen(
        _("Edit the service catalogue"),
        "catalogue:manage",
        "journal-plus",
        frozenset({Role.DISTRICT_ADMIN}),
    ),
    Screen(
        _("Our service items"),
        "catalogue:manage",
        "journal-bookmark",
        frozenset({Role.DEPARTMENT_STAFF}),
    ),
    Screen(_("Elders in our care"), "eldercare:elders", "person-heart", ELDER_CARE),
    Screen(_("Care orders of our elders"), "care:orders", "clipboard-heart", ELDER_CARE),
    Screen(_("Home care"), "care:home", "house-heart", frozenset({Role.RESIDENT}), essential=True),
    Screen(_("Care orders"), "care:work", "clipboard-pulse", frozenset({Role.CARE_PROVIDER})),
    Screen(_("My elderly family"), "eldercare:family", "people-fill", frozenset({Role.RESIDENT})),
    Screen(_("Publish notices"), "bulletins:manage", "megaphone-fill", OFFICIALS),
    Screen(_("Places"), "places:browser", "map", EVERY_ROLE),
    Screen(_("Residents"), "people:list", "person-lines-fill", PLACE_WORKERS),
    Screen(_("Import residents"), "people:import", "file-earmark-arrow-up", OFFICIALS),
    Screen(_("Wall screens"), "wall:tokens", "display", SUPERVISORS),
)
# What needs a dispatcher, on the home card only, each a link to the board filtered to it with
# its count: what waits to be dispatched, every overdue case of their places, and those urged
# (督办) and still overdue; and the residents who registered themselves, to confirm.
WORK_LISTS: tuple[Screen, ...] = (
    Screen(_("To dispatch"), "cases:board", "inbox", OFFICIALS, "board", query="status=incoming"),
    Screen(
        _("Overdue"),
        "cases:board",
        "alarm",
        OFFICIALS,
        "street_overdue",
        query="status=open&overdue=1",
    ),
    Screen(
        _("Urged, still overdue"),
        "cases:board",
        "megaphone",
        OFFICIALS,
        "urged_overdue",
        query="status=open&overdue=1&urged=1",
    ),
    Screen(
        _("Residents to confirm"),
        "people:list",
        "person-check",
        OFFICIALS,
        "residents_to_confirm",
        query="awaiting=1",
    ),
)
# The inbox (消息) is on everyone's menu; the header's bell leads there too.
INBOX = Screen(_("Inbox"), "notify:inbox", "bell", EVERY_ROLE)
# The back office, for the accounts allowed into Django's admin.
CONFIGURATION = Screen(_("Configuration"), "admin:index", "gear", frozenset())


@dataclass(frozen=True)
class Entry:
    """A screen as offered to one user: its name, where it is, and what waits there."""

    label: str | Promise
    url: str
    icon: str
    count: int | None = None


def entry(screen: Screen, counts: dict | None = None) -> Entry:
    count = (counts or {}).get(screen.count_key) if screen.count_key else None
    url = reverse(screen.url_name) + (f"?{screen.query}" if screen.query else "")
    return Entry(screen.label, url, screen.icon, count)


def _belongs(user) -> dict[str, bool]:
    """Whether the user is in the party (a post or a membership), works on a responsibility
    project and leads a volunteer team: asked of every page (its menu), so in one query per
    request, cached on the user where `party.selectors.sees_party`,
    `projects.selectors.sees_projects` and `dashboards.subjects.leads_a_team` find it too."""
    if not getattr(user, "is_authenticated", False):
        return {"party": False, "projects": False}
    if not (hasattr(user, "_sees_party") and hasattr(user, "_sees_projects")):
        if user.is_superuser:
            user._sees_party = user._sees_projects = True
            user._leads_a_team = False
        else:
            row = (
                get_user_model()
                .objects.filter(pk=user.pk)
                .annotate(
                    post=Exists(PartyPost.objects.filter(person__user=user)),
                    member=Exists(PartyMember.objects.filter(person__user=user)),
                    project=Exists(Project.objects.visible_to(user)),
                    team=Exists(led_alliance_teams(user)),
                )
                .values("post", "member", "project", "team")
                .get()
            )
            user._sees_party = row["post"] or row["member"]
            user._sees_projects = row["project"]
            user._leads_a_team = row["team"]
    return {"party": user._sees_party, "projects": user._sees_projects}


def screens_of_role(role: str, user) -> list[Screen]:
    return [screen for screen in SCREENS if role in screen.roles and screen.shows(user)]


def work_lists_of_role(role: str) -> list[Screen]:
    return [screen for screen in WORK_LISTS if role in screen.roles]


def roles_of(user) -> set[str]:
    """The roles the menu is built for: a superuser is offered every screen."""
    if getattr(user, "is_superuser", False):
        return set(Role.values)
    return {scope.role for scope in scopes_of(user)}


def works_here(user) -> bool:
    """Whether the user works for the community (home: 我的工作) or lives in it (home: 首页)."""
    return bool(roles_of(user) - COMMUNITY_MEMBERS)


def home_label(user) -> str | Promise:
    return _("My work") if works_here(user) else _("Home")


def menu(user) -> list[Entry]:
    """Home, every screen of every role the user holds (once, in SCREENS order), the inbox, and
    the back office for staff accounts."""
    roles = roles_of(user)
    entries = [Entry(home_label(user), reverse("home"), "house")]
    entries += [entry(screen) for screen in SCREENS if screen.roles & roles and screen.shows(user)]
    entries.append(entry(INBOX))
    if user.is_staff:
        entries.append(entry(CONFIGURATION))
    return entries
