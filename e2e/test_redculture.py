"""红色文化地图 in a real browser: an anonymous visitor on a phone opens the map (the sites,
blocks and flag streets drawn, the list beside it), opens a route and walks its stops in order,
each stop's page opening from the route."""

from e2e.conftest import PHONE, horizontal_overflow, shot

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
