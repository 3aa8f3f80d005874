"""Stored XSS, tried in a real browser: records whose text is script (an activity made through
its form, a case report, and the names the maps and charts show: case classes, merchants,
departments, grids) are shown on every map, chart and list, each as the role who sees it, with
the tooltips open. Nothing runs, no dialog opens, the text is shown as typed; and no page breaks
the Content-Security-Policy (a violation is logged to the console), so moving every script into
static files broke nothing."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from e2e.conftest import DESKTOP, PHONE, _manage, log_in, shot

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMG = '<img src=x onerror="window.__xss=1">'
BREAKOUT = '"><script>window.__xss=1</script>'
ALERT = "<img src=x onerror=alert(1)>"
SHORT = "<svg/onload=__xss=1>"  # an organisation's short name holds 20 characters

# Run in the server's database: every case class, merchant, department and grid gets a name
# that is script, every case description too; the old values go to a file for the restore.
PLANT = """
import json
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from django.utils import timezone
from meihao.cases.models import Case, CaseCategory
from meihao.people.models import Organisation
from meihao.places.models import Place

now = timezone.now()
saved = {
    "category": list(CaseCategory.objects.values("pk", "name_zh")),
    "organisation": list(Organisation.objects.values("pk", "name", "short_name")),
    "place": list(Place.objects.filter(level="grid").values("pk", "name")),
    "case": list(Case.objects.values("pk", "description")),
}
CaseCategory.objects.update(name_zh=Left(Concat(Value(IMG), F("name_zh")), 60), updated_at=now)
Organisation.objects.filter(kind__in=["merchant", "department"]).update(
    name=Concat(Value(BREAKOUT + " "), F("name"))
)
Organisation.objects.filter(kind="department").exclude(short_name="").update(short_name=SHORT)
Place.objects.filter(level="grid").update(name=Concat(Value(IMG), F("name")), updated_at=now)
Case.objects.update(description=Concat(Value(ALERT + " "), F("description")), updated_at=now)
open(SAVED, "w").write(json.dumps(saved))
"""

RESTORE = """
import json
from django.utils import timezone
from meihao.cases.models import Case, CaseCategory
from meihao.people.models import Organisation
from meihao.places.models import Place

now = timezone.now()
saved = json.load(open(SAVED))
for row in saved["category"]:
    CaseCategory.objects.filter(pk=row.pop("pk")).update(**row, updated_at=now)
for row in saved["organisation"]:
    Organisation.objects.filter(pk=row.pop("pk")).update(**row)
for row in saved["place"]:
    Place.objects.filter(pk=row.pop("pk")).update(**row, updated_at=now)
for row in saved["case"]:
    Case.objects.filter(pk=row.pop("pk")).update(**row, updated_at=now)
"""


def _shell(server, code: str) -> None:
    constants = (
        f"IMG = {IMG!r}\nBREAKOUT = {BREAKOUT!r}\nALERT = {ALERT!r}\nSHORT = {SHORT!r}\n"
        f"SAVED = {str(server['var'] / 'xss-saved.json')!r}\n"
    )
    _manage(server["env"], "shell", "-v", "0", "-c", constants + code)


@pytest.fixture(scope="module")
def planted(server):
    _shell(server, PLANT)
    yield
    # The server outlives this module: later tests see the demo's own names again.
    _shell(server, RESTORE)


class Watch:
    """A page's dialogs, script errors and Content-Security-Policy violations."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.confirmed: list[str] = []
        self.answer = False
        self.ran: list[str] = []  # pages where window.__xss was set
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog):
        # A confirmation is the page asking (data-confirm); anything else is script that ran.
        if dialog.type == "confirm":
            self.confirmed.append(dialog.message)
            if self.answer:
                dialog.accept()
            else:
                dialog.dismiss()
            return
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def _look(self):
        if self.page.url.startswith("http") and self.page.evaluate("typeof window.__xss") != (
            "undefined"
        ):
            self.ran.append(self.page.url)

    def open(self, url: str):
        self._look()  # before leaving the page, with whatever was opened on it
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, (url, policy)
        self.page.wait_for_load_state("networkidle")
        self._look()
        return response

    def assert_clean(self):
        self._look()
        assert self.ran == []
        assert self.dialogs == []
        assert self.violations == []
        assert self.errors == []


def _tooltips(page, map_selector: str) -> list[str]:
    """Open every marker's tooltip on the map and return the tooltips' texts."""
    page.wait_for_selector(f"{map_selector} .leaflet-interactive")
    shapes = page.locator(f"{map_selector} .leaflet-interactive")
    for index in range(shapes.count()):
        shapes.nth(index).dispatch_event("mouseover")
    return [t.strip() for t in page.locator(".leaflet-tooltip").all_inner_texts()]


def _no_markup_in_tooltips(page):
    assert (
        page.locator(".leaflet-tooltip img, .leaflet-tooltip script, .leaflet-tooltip svg").count()
        == 0
    )


def _local(moment: datetime.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _activity_through_its_form(server, staff) -> str:
    """Community staff create and publish an activity whose every text field is script."""
    now = datetime.datetime.now(SHANGHAI)
    staff.goto(server["url"] + "/activities/new/")
    staff.select_option("#id_kind", "volunteer_service")
    staff.fill("#id_title", IMG)
    staff.fill("#id_description", BREAKOUT + " " + ALERT)
    place = staff.locator("#id_place option[value]:not([value=''])").first.get_attribute("value")
    staff.select_option("#id_place", place)
    staff.fill("#id_venue", BREAKOUT)
    staff.fill("#id_address", ALERT)
    staff.fill("#id_lat", "23.4745")
    staff.fill("#id_lon", "111.2931")
    staff.fill("#id_starts_at", _local(now + datetime.timedelta(minutes=30)))
    staff.fill("#id_ends_at", _local(now + datetime.timedelta(minutes=90)))
    staff.fill("#id_capacity", "5")
    staff.click("#activity-form [type=submit]")
    staff.wait_for_url(re.compile(r".*/activities/\d+/$"))
    detail = staff.url
    staff.click("#organiser-actions form[action$='/publish/'] [type=submit]")
    staff.wait_for_load_state("networkidle")
    return detail


def test_script_in_stored_text_never_runs_on_maps_charts_and_lists(
    server, planted, browser, new_page
):
    base = server["url"]

    staff = new_page(DESKTOP)
    log_in(staff, server, "community_staff")
    staff_watch = Watch(staff)
    activity = _activity_through_its_form(server, staff)
    staff_watch.open(activity)
    assert IMG in staff.inner_text("h1")
    assert ALERT in staff.inner_text("main")
    # The community's grids on the place map, their names in the tooltips.
    staff_watch.open(base + "/places/")
    texts = _tooltips(staff, "#place-map")
    assert any(text.startswith(IMG) for text in texts), texts
    _no_markup_in_tooltips(staff)
    shot(staff, "xss-places-tooltips")
    staff_watch.assert_clean()

    # The volunteer's phone home: the activity on the map; the time bank's nearby requests; the
    # points supermarket's merchants.
    volunteer = new_page(PHONE)
    log_in(volunteer, server, "volunteer")
    watch = Watch(volunteer)
    watch.open(base + "/volunteers/")
    texts = _tooltips(volunteer, "#home-map")
    assert any(text.startswith(IMG + " · ") for text in texts), texts
    _no_markup_in_tooltips(volunteer)
    shot(volunteer, "xss-volunteer-home-tooltips")
    watch.assert_clean()
    watch.open(base + "/activities/")
    assert IMG in volunteer.inner_text("main")
    # data-confirm: refused, the sign-up stays; accepted, it is cancelled.
    watch.open(activity)
    volunteer.click("#signup-form [type=submit]")
    volunteer.wait_for_selector("#cancel-signup-button")
    watch.answer = False
    volunteer.click("#cancel-signup-button")
    volunteer.wait_for_timeout(300)
    assert volunteer.locator("#cancel-signup-button").count() == 1
    watch.answer = True
    volunteer.click("#cancel-signup-button")
    volunteer.wait_for_selector("#signup-form")
    assert len(watch.confirmed) == 2
    watch.open(base + "/timebank/nearby/?all=1")
    texts = _tooltips(volunteer, "[data-points-map]")
    assert any(text.startswith(IMG) for text in texts), texts
    _no_markup_in_tooltips(volunteer)
    shot(volunteer, "xss-timebank-nearby-tooltips")
    watch.assert_clean()
    watch.open(base + "/rewards/")
    texts = _tooltips(volunteer, "#catalogue-map")
    assert any(text.startswith(BREAKOUT) for text in texts), texts
    _no_markup_in_tooltips(volunteer)
    assert BREAKOUT in volunteer.inner_text("main")
    shot(volunteer, "xss-rewards-map-tooltips")
    watch.assert_clean()

    # The party member: wishes on the phone home's map and on the wall.
    party = new_page(PHONE)
    log_in(party, server, "party_member")
    watch = Watch(party)
    watch.open(base + "/volunteers/")
    texts = _tooltips(party, "#home-map")
    assert any(text.startswith(IMG) for text in texts), texts
    _no_markup_in_tooltips(party)
    watch.open(base + "/wishes/wall/")
    assert ALERT in party.inner_text("main")
    watch.assert_clean()

    # The public: the case map and a case's page.
    public = new_page(PHONE)
    watch = Watch(public)
    watch.open(base + "/cases/public/")
    texts = _tooltips(public, "#public-map")
    assert any(IMG in text for text in texts), texts
    _no_markup_in_tooltips(public)
    shot(public, "xss-public-map-tooltips")
    case = public.locator("main a[href^='/cases/public/']:not([href='/cases/public/'])").first
    watch.open(base + case.get_attribute("href"))
    assert IMG in public.inner_text("main")
    watch.assert_clean()

    # The street chief's statistics: class and department names on the axes and in the
    # tooltip of each chart.
    chief = new_page(DESKTOP)
    log_in(chief, server, "street_chief")
    watch = Watch(chief)
    today = datetime.datetime.now(SHANGHAI).date()
    year = f"start={today - datetime.timedelta(days=365)}&end={today}"
    watch.open(base + f"/insights/cases/?period=custom&{year}")
    for chart, names in (("#chart-by-class", (IMG,)), ("#chart-by-department", (SHORT, BREAKOUT))):
        chief.wait_for_selector(f"{chart} svg")
        assert any(name in chief.locator(f"{chart} svg").text_content() for name in names), chart
        chief.locator(chart).scroll_into_view_if_needed()
        box = chief.locator(chart).bounding_box()
        chief.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 40)
        chief.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 52, steps=4)
        tooltip = chief.locator(f"{chart} > div:not(:first-child)")
        tooltip.wait_for(state="visible")
        assert tooltip.locator("img, script, svg").count() == 0
        assert any(name in tooltip.inner_text() for name in names), chart
    shot(chief, "xss-insights-charts")
    watch.assert_clean()


def test_the_report_form_shows_script_in_nearby_cases_and_grid_names_as_text(
    server, planted, browser
):
    base = server["url"]
    probe = browser.new_context()
    page = probe.new_page()
    log_in(page, server, "resident")
    grids = page.request.get(base + "/api/v1/places?level=grid&limit=20").json()["items"]
    point = next(grid["centroid"] for grid in grids if grid["centroid"])
    probe.close()

    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        geolocation={"latitude": point["lat"], "longitude": point["lon"], "accuracy": 10},
        permissions=["geolocation"],
    )
    page = context.new_page()
    log_in(page, server, "resident")
    watch = Watch(page)

    def choose_class():
        page.wait_for_selector("#report-map .leaflet-marker-draggable")
        page.fill("#category-search", "摆卖")
        page.locator(".category-option", has_text="乱摆卖").first.click()

    # A report through the form whose description is script …
    watch.open(base + "/cases/report/")
    choose_class()
    page.fill("#id_description", BREAKOUT + " 占道摆卖 " + ALERT)
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/cases/report/done/(\w+)/$"))
    number = re.search(r"/done/(\w+)/$", page.url).group(1)
    watch.open(base + f"/cases/{number}/")
    assert BREAKOUT + " 占道摆卖 " + ALERT in page.inner_text("main")
    watch.assert_clean()
    # … then another of the same class at the same spot: the first is offered as nearby.
    watch.open(base + "/cases/report/")
    choose_class()
    page.wait_for_selector("#nearby-cases")
    assert ALERT in page.inner_text("#nearby-cases")
    # The grids' names on the self-drawn base map are written as text.
    page.wait_for_selector("#report-map .meihao-map-label-grid > span")
    labels = page.locator("#report-map .meihao-map-label-grid").all_text_contents()
    assert labels and all(text.strip().startswith(IMG) for text in labels), labels
    assert page.locator(".meihao-map-label img, .meihao-map-label script").count() == 0
    shot(page, "xss-report-nearby")
    watch.assert_clean()
    context.close()


ORDINARY_PAGES = {
    "street_chief": ["/", "/cases/board/", "/places/", "/people/", "/inbox/", "/insights/cases/"],
    "department_staff": ["/cases/queue/"],
    "grid_worker": ["/cases/verify/", "/patrols/", "/cases/report/"],
    "community_staff": ["/activities/organise/", "/volunteers/roster/", "/wishes/review/"],
    "volunteer": [
        "/volunteers/",
        "/activities/",
        "/activities/scan/",
        "/ledger/",
        "/rewards/pass/",
    ],
    "resident": ["/timebank/", "/wishes/", "/cases/mine/"],
    "merchant_staff": ["/rewards/merchant/"],
    "district_admin": ["/admin/", "/api/v1/docs", "/people/me/"],
}


@pytest.mark.parametrize("role", list(ORDINARY_PAGES))
def test_ordinary_pages_break_no_policy_and_their_scripts_run(server, new_page, role):
    page = new_page(DESKTOP)
    log_in(page, server, role)
    watch = Watch(page)
    for path in ORDINARY_PAGES[role]:
        watch.open(server["url"] + path)
        if path == "/cases/board/" and page.locator(".countdown[data-due]").count():
            assert page.locator(".countdown[data-due]").first.get_attribute("data-state")
        if path == "/api/v1/docs":
            page.wait_for_selector(".swagger-ui .info .title")
    watch.assert_clean()
