"""axe-core over every page of every demo role: log in, collect the pages the role's menu and
home page lead to, then one detail page of each known kind linked from those, and fail on any
serious or critical violation.

axe-core comes from the npm registry (package.json devDependencies). Injecting it is an inline
script, which the CSP forbids; the axe context alone bypasses the CSP (bypass_csp), every other
browser test runs under it."""

import re
from urllib.parse import urlsplit

import pytest

from e2e.conftest import ARTIFACTS, PHONE, ROOT, shot

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}

# Not pages to check: leaving, the back office (Django's admin, its own markup), the API, files,
# and links that act (open a message and mark it read).
SKIPPED = re.compile(
    r"^/(accounts/logout|admin/|api/|i18n/|static/|media/|inbox/\d+/)"
    r"|\.(xlsx|pdf|png|jpg|csv|json)$|/(download|qr/code|evidence)/$"
)
# Detail pages reached from the lists: the first link of each kind is checked too.
KNOWN_DETAIL_PAGES = {
    "case": re.compile(r"^/cases/[A-Z]{1,4}\d{12,16}/$"),
    "help request": re.compile(r"^/timebank/requests/[A-Z]{1,4}\d{12,16}/$"),
    "wish": re.compile(r"^/wishes/[A-Z]{1,4}\d{12,16}/$"),
    "activity": re.compile(r"^/activities/\d+/$"),
    "activity sign-ups": re.compile(r"^/activities/\d+/signups/$"),
    "activity attendance": re.compile(r"^/activities/\d+/attendance/$"),
    "place": re.compile(r"^/places/\d{12,15}/$"),
    "person": re.compile(r"^/people/\d+/$"),
    "volunteer": re.compile(r"^/volunteers/roster/\d+/$"),
    "team": re.compile(r"^/volunteers/teams/\d+/$"),
    "service post": re.compile(r"^/volunteers/(dual/)?posts/\d+/$"),
    "merchant": re.compile(r"^/rewards/manage/\d+/$"),
    "redemption": re.compile(r"^/rewards/redemptions/[A-Z0-9-]+/$"),
    "points statement": re.compile(r"^/ledger/accounts/[^/]+/$"),
    "indicator": re.compile(r"^/insights/indicators/[\w-]+/$"),
    "service guide": re.compile(r"^/services/[0-9A-Z]{25}/$"),
    "service item editor": re.compile(r"^/services/manage/\d+/$"),
    "service item versions": re.compile(r"^/services/manage/\d+/versions/$"),
    "consultation": re.compile(r"^/legal/consultations/[A-Z]{1,4}\d{12,16}/$"),
    "dispute": re.compile(r"^/legal/disputes/[A-Z]{1,4}\d{12,16}/$"),
    "tip": re.compile(r"^/police/tips/[A-Z]{1,4}\d{12,16}/$"),
    "police group": re.compile(r"^/police/groups/\d+/$"),
    "counselling request": re.compile(r"^/counselling/[A-Z]{1,4}\d{12,16}/$"),
    "supervision entry": re.compile(r"^/supervision/\d+/$"),
    "party organisation": re.compile(r"^/party/orgs/\d+/$"),
    "party meeting": re.compile(r"^/party/meetings/\d+/$"),
    "party member": re.compile(r"^/party/members/\d+/$"),
    "study material": re.compile(r"^/party/study/\d+/$"),
    "project": re.compile(r"^/projects/\d+/$"),
    "project households": re.compile(r"^/projects/\d+/households/$"),
    "responsibility teams": re.compile(r"^/projects/teams/$"),
    "lecture topic": re.compile(r"^/lectures/topics/\d+/$"),
    "my lecture orders": re.compile(r"^/lectures/mine/$"),
    "lecture team desk": re.compile(r"^/lectures/desk/$"),
    "lecture programme": re.compile(r"^/lectures/programme/$"),
    "venue": re.compile(r"^/venues/\d+/$"),
    "venue bookings": re.compile(r"^/venues/bookings/$"),
    "my venue bookings": re.compile(r"^/venues/bookings/mine/$"),
    "cultural showcases": re.compile(r"^/culture/showcases/$"),
    "red-culture route": re.compile(r"^/red-culture/routes/\d+/$"),
    "red-culture site": re.compile(r"^/red-culture/sites/[\w-]+/$"),
    "frontage pledge": re.compile(r"^/frontage/\d+/$"),
}

LINKS = """() => Array.from(document.querySelectorAll(
    '#mainnav a[href], main a[href]')).map(a => a.getAttribute('href'))"""
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: '
            + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
    }));
}"""


def _paths(page) -> list[str]:
    paths = []
    for href in page.evaluate(LINKS):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if SKIPPED.search(parts.path) or parts.path in paths:
            continue
        paths.append(parts.path)
    return paths


def _violations(page) -> list[dict]:
    # The menu is folded behind its button: unfold it, so that axe checks it on every page.
    page.evaluate("() => document.getElementById('mainnav')?.classList.add('show')")
    page.add_script_tag(content=AXE.read_text())
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING_IMPACTS]


def crawl(page, server) -> dict[str, list[dict]]:
    """Every page of the role: home, what its menu and home page link to, and one detail page
    of each known kind found there. Returns the serious or critical violations per path."""
    base = server["url"]
    found: dict[str, list[dict]] = {}

    def check(path: str) -> list[str]:
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        # Pages that redirect (a form step done, a role-less pool) are checked where they land.
        landed = urlsplit(page.url).path
        if landed in found or response is None or response.status >= 400:
            found.setdefault(landed, [])
            return []
        found[landed] = _violations(page)
        return _paths(page)

    menu_and_home = check("/")
    seen_kinds: set[str] = set()
    for path in menu_and_home:
        if path in found:
            continue
        for link in check(path):
            kind = next((k for k, rx in KNOWN_DETAIL_PAGES.items() if rx.match(link)), None)
            if kind and kind not in seen_kinds and link not in found:
                seen_kinds.add(kind)
                check(link)
    return found


@pytest.mark.parametrize(
    "role",
    [
        "resident",
        "grid_worker",
        "community_staff",
        "street_chief",
        "department_staff",
        "district_admin",
        "volunteer",
        "party_member",
        "legal_advisor",
        "police_officer",
        "merchant_staff",
        "care_provider",
        "counsellor",
        "branch_secretary",
    ],
)
def test_every_page_of_the_role_has_no_serious_accessibility_violation(server, browser, role):
    assert AXE.exists(), "npm install: axe-core is a devDependency in package.json"
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", device_scale_factor=1, bypass_csp=True
    )
    try:
        page = context.new_page()
        account = server["accounts"][role]
        page.goto(server["url"] + "/accounts/login/")
        assert not _violations(page), "the log-in page"
        page.fill("input[name=username]", account["username"])
        page.fill("input[name=password]", account["password"])
        page.click("form [type=submit]")
        page.wait_for_load_state("networkidle")
        found = crawl(page, server)
        shot(page, f"axe-last-page-{role}-phone")
    finally:
        context.close()
    # What the crawl covered, for the record (e2e/artifacts/axe-pages-<role>.txt).
    (ARTIFACTS / f"axe-pages-{role}.txt").write_text("\n".join(sorted(found)) + "\n")
    # The menu and the home page lead somewhere: the crawl saw more than the home page.
    assert len(found) > 3, found
    report = [
        f"{path}: [{v['impact']}] {v['id']} ({v['help']}) at {'; '.join(v['nodes'])}"
        for path, violations in sorted(found.items())
        for v in violations
    ]
    assert not report, "\n".join(report)
