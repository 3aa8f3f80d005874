"""红色文化地图 in a real browser: an anonymous visitor on a phone opens the map (the sites,
blocks and flag streets drawn, the list beside it), opens a route and walks its stops in order,
each stop's page opening from the route; a community's staff schedule a guided visit from the
route's page on a desktop, and the route's page on a phone lists it for a resident to sign up;
a site whose name is markup shows it as text on the map's tooltip and its own page."""

import datetime
import re
from zoneinfo import ZoneInfo

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, run_shell, shot

# The red-culture layers: the base map draws in a pane of its own.
OURS = "#redculture-map .leaflet-overlay-pane path.leaflet-interactive"


def test_a_visitor_opens_the_map_and_walks_a_route_stop_by_stop(server, new_page):
    page = new_page(PHONE)
    page.goto(server["url"] + "/red-culture/")
    assert "/accounts/login" not in page.url  # public: no log-in
    page.wait_for_selector(f"{OURS} >> nth=0")
    assert page.locator("#redculture-map").bounding_box()["height"] >= 300
    # Blocks and flag streets are paths, sites circle markers (paths too): 6 + 10 + 30, over
    # the base map's own pane.
    assert page.locator(OURS).count() == 46
    assert page.locator("#site-list li").count() == 30
    assert horizontal_overflow(page) <= 0
    shot(page, "redculture-1-map-phone")

    page.click("#route-list a >> nth=0")
    page.wait_for_selector("#route-stops")
    route_url = page.url
    names = page.locator("#route-stops .stop-link").all_inner_texts()
    assert 4 <= len(names) <= 7
    assert page.locator("#route-stops .leg-distance").count() == len(names) - 1
    assert "公里" in page.inner_text("#route-total")
    page.wait_for_selector(f"{OURS} >> nth=0")
    assert page.locator(OURS).count() == len(names) + 1  # the stops and the line joining them
    shot(page, "redculture-2-route-phone")

    for n, name in enumerate(names):
        page.goto(route_url)
        page.locator("#route-stops .stop-link").nth(n).click()
        page.wait_for_selector("#site-name")
        assert page.inner_text("#site-name") == name
        page.wait_for_selector(f"{OURS} >> nth=0")
        assert page.locator(OURS).count() == 1
        if n == 0:
            shot(page, "redculture-3-first-stop-phone")
    shot(page, "redculture-4-last-stop-phone")


def test_staff_schedule_a_guided_visit_and_a_resident_finds_it_on_a_phone(server, new_page):
    # On a desktop, the community's staff open a route and schedule a visit from its page.
    page = new_page(DESKTOP)
    log_in(page, server, "community_staff")
    page.goto(server["url"] + "/red-culture/")
    page.click("#route-list a >> nth=1")
    page.wait_for_selector("#route-stops")
    route_url = page.url
    route_name = page.inner_text("#route-name")
    first_stop = page.locator("#route-stops .stop-link").first.inner_text()
    before = page.locator("#route-visits [data-visit]").count()
    page.click("#visit-new")
    page.wait_for_selector("#visit-form")
    assert page.locator("#id_route option:checked").inner_text() == route_name
    # A time already gone is refused in words, and the form comes back as typed.
    zone = ZoneInfo("Asia/Shanghai")
    day = datetime.datetime.now(zone).date() + datetime.timedelta(days=4)
    yesterday = day - datetime.timedelta(days=5)
    page.fill("#id_starts_at", f"{yesterday:%Y-%m-%d}T09:00")
    page.fill("#id_ends_at", f"{yesterday:%Y-%m-%d}T11:00")
    page.fill("#id_capacity", "25")
    # Her own community: the route may start in another.
    page.select_option("#id_place", index=1)
    community = page.locator("#id_place option:checked").inner_text()
    page.fill("#id_note", "讲解员：梁老师。请穿舒适的鞋。")
    page.click("#visit-submit")
    page.wait_for_selector("#visit-form .invalid-feedback")
    assert "导览时间须晚于现在" in page.inner_text("#visit-form")
    assert page.input_value("#id_note") == "讲解员：梁老师。请穿舒适的鞋。"
    shot(page, "redculture-5-schedule-refused-desktop")
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T09:00")
    page.fill("#id_ends_at", f"{day:%Y-%m-%d}T11:00")
    page.click("#visit-submit")
    page.wait_for_selector("#route-visits")
    assert page.url == route_url
    assert "导览已发布" in page.inner_text("body")
    assert page.locator("#route-visits [data-visit]").count() == before + 1
    shot(page, "redculture-6-scheduled-desktop")

    # On a phone, a resident opens the route's page: the visit with its time, meeting point
    # and places, and the way to sign up.
    phone = new_page(PHONE)
    phone.goto(route_url)
    visit = phone.locator("#route-visits [data-visit]").filter(has_text=f"{day:%Y-%m-%d}")
    assert visit.count() == 1
    assert route_name in visit.inner_text()
    assert visit.locator(".visit-when").inner_text().endswith("09:00–11:00")
    assert visit.locator(".visit-venue").inner_text() == first_stop
    assert visit.locator(".visit-places").inner_text() == "余 25 个名额"
    assert phone.locator("#visit-new").count() == 0  # not for the public
    assert horizontal_overflow(phone) <= 0
    shot(phone, "redculture-7-route-visits-phone")
    log_in(phone, server, "resident")
    phone.goto(route_url)
    assert phone.locator("#visit-new").count() == 0  # nor for residents
    visit.get_by_role("link", name="报名").click()
    phone.wait_for_selector("#signup-form")
    detail = phone.inner_text("main")
    assert route_name in detail and community in detail
    phone.click("#signup-form [type=submit]")
    phone.wait_for_selector("#my-signup")
    phone.goto(route_url)
    assert visit.locator(".visit-places").inner_text() == "余 24 个名额"


XSS_NAME = "<img src=x onerror=window.__xss=1>"
SITE_RED = "#dc3545"  # a site's dot (redculture/map.js)


def test_a_site_named_in_markup_shows_its_name_as_text(server, new_page):
    # A published site whose name is markup, where no other site is near: written through the
    # services as the map's keepers write them (the admin's forms save through them).
    admin = server["accounts"]["district_admin"]["username"]
    made = run_shell(
        server,
        f"""
import json
from shapely.geometry import Point, shape
from meihao.people.models import User
from meihao.places.models import Place
from meihao.redculture import services
from meihao.redculture.models import Site
admin = User.objects.get_by_natural_key({admin!r})
sites = [Point(s.lon, s.lat) for s in Site.objects.all()]
communities = Place.objects.filter(level="community", boundary__isnull=False).order_by("code")
spots = [shape(c.boundary).representative_point() for c in communities]
spot = max(spots, key=lambda p: min(p.distance(s) for s in sites))
site = services.site_create(
    actor=admin, name={XSS_NAME!r}, kind="landmark", description={XSS_NAME!r},
    lat=spot.y, lon=spot.x, published=True,
)
print(json.dumps({{"code": site.code}}))
""",
    )
    page = new_page(PHONE)
    page.goto(server["url"] + "/red-culture/")
    page.wait_for_selector(f"{OURS} >> nth=0")
    assert page.locator("#site-list li").filter(has_text=XSS_NAME).count() == 1
    # Point at each site's dot (a red circle; blocks and flag streets are other colours) until
    # the tooltip names ours.
    tooltip = ours = None
    for dot in page.locator(f'{OURS}[fill="{SITE_RED}"]').all():
        box = dot.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        shown = page.locator(".leaflet-tooltip")
        if shown.count() and XSS_NAME in shown.last.inner_text():
            tooltip, ours = shown.last, box
            break
    assert tooltip is not None, "no dot shows the site's name"
    assert tooltip.inner_text() == f"{XSS_NAME} · 红色地标"
    assert tooltip.locator("img").count() == 0
    assert page.locator("#redculture-map img[src=x]").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    shot(page, "redculture-8-markup-name-tooltip-phone")
    page.mouse.click(ours["x"] + ours["width"] / 2, ours["y"] + ours["height"] / 2)
    page.wait_for_url(re.compile(rf"/red-culture/sites/{made['code']}/$"))
    page.wait_for_selector(f"{OURS} >> nth=0")
    assert page.inner_text("#site-name") == XSS_NAME
    assert page.inner_text("#site-description") == XSS_NAME
    assert page.locator("main img[src=x]").count() == 0
    box = page.locator(OURS).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".leaflet-tooltip")
    assert page.inner_text(".leaflet-tooltip") == f"{XSS_NAME} · 红色地标"
    assert page.evaluate("typeof window.__xss") == "undefined"
    shot(page, "redculture-9-markup-name-site-phone")
