"""A resident reports a problem on a phone with the pin placed on the self-drawn map: no tile
server, yet the map shows the district's streets, communities and grids with their names, and
its buildings; the pin moves by "my location", by searching a building, and by tapping the map,
and the report is filed in the grid that was tapped."""

import re

from playwright.sync_api import expect

from e2e.conftest import PHONE, horizontal_overflow, log_in, shot

LABELS = "#report-map .meihao-map-label"


def _grid_centroid(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, server, "resident")
    grids = page.request.get(server["url"] + "/api/v1/places?level=grid&limit=5").json()["items"]
    context.close()
    return next(g["centroid"] for g in grids if g["centroid"])


def _pin(page) -> tuple[float, float]:
    return (
        float(page.input_value("input[name=lat]")),
        float(page.input_value("input[name=lon]")),
    )


def _zoom(page, direction: str, steps: int):
    """Zoom with the map's buttons, one step at a time (a click during the animation is lost)."""
    for _ in range(steps):
        page.locator(f"#report-map .leaflet-control-zoom-{direction}").click()
        page.wait_for_timeout(400)


def test_resident_places_the_pin_by_tapping_the_self_drawn_map_and_reports(server, browser):
    centre = _grid_centroid(server, browser)
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        device_scale_factor=1,
        geolocation={"latitude": centre["lat"], "longitude": centre["lon"], "accuracy": 10},
        permissions=["geolocation"],
        has_touch=True,
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    log_in(page, server, "resident")
    page.goto(server["url"] + "/cases/report/")

    # "My location": the phone's position, inside a grid.
    page.wait_for_selector("#grid-name:has-text('网格')")
    assert _pin(page) == (round(centre["lat"], 6), round(centre["lon"], 6))

    # The map draws itself: no tile service, no image from elsewhere, yet outlines and names.
    page.wait_for_selector(f"{LABELS}-grid > span")
    page.wait_for_selector(f"{LABELS}-community > span")
    assert page.locator("#report-map .leaflet-tile").count() == 0
    assert page.locator("#report-map .leaflet-meihao-base-pane path").count() >= 10
    grid_names = [t.strip() for t in page.locator(f"{LABELS}-grid").all_text_contents()]
    community_names = [t.strip() for t in page.locator(f"{LABELS}-community").all_text_contents()]
    assert all(re.fullmatch(r".+社区第\d+网格", name) for name in grid_names), grid_names
    assert all(name.endswith("社区") for name in community_names), community_names
    assert page.locator(f"{LABELS} *:not(span)").count() == 0  # names are text, not markup
    assert horizontal_overflow(page) == 0
    shot(page, "pin-01-self-drawn-map")

    # Zoomed out, the streets and their names (and the communities' outlines).
    _zoom(page, "out", 4)
    page.wait_for_selector(f"{LABELS}-street > span")
    street_names = [t.strip() for t in page.locator(f"{LABELS}-street").all_text_contents()]
    assert street_names and all(name.endswith("街道") for name in street_names), street_names
    shot(page, "pin-02-streets")
    _zoom(page, "in", 4)
    page.wait_for_selector(f"{LABELS}-grid > span")

    # Searching a building moves the pin to it.
    page.fill("#place-search", "号")
    page.wait_for_selector("#place-search-results .map-search-result")
    first = page.locator("#place-search-results .map-search-result").first
    building = first.locator(".fw-semibold").inner_text().strip()
    shot(page, "pin-03-search")
    first.click()
    expect(page.locator("#place-search")).to_have_value(building)
    searched = _pin(page)
    assert searched != (round(centre["lat"], 6), round(centre["lon"], 6))

    # Tapping the map puts the pin where the tap was, and names the grid there.
    box = page.locator("#report-map").bounding_box()
    page.locator("#report-map").tap(position={"x": box["width"] * 0.3, "y": box["height"] * 0.7})
    expect(page.locator("input[name=lat]")).not_to_have_value(str(searched[0]))
    tapped = _pin(page)
    assert tapped != searched
    # The pin is drawn (its image found under the static files' hashed names, DEBUG off).
    page.wait_for_function(
        "() => document.querySelector('#report-map img.leaflet-marker-icon').naturalWidth > 0"
    )
    marker = page.locator("#report-map img.leaflet-marker-icon").bounding_box()
    tip = (marker["x"] + marker["width"] / 2, marker["y"] + marker["height"])
    assert abs(tip[0] - (box["x"] + box["width"] * 0.3)) <= 2
    assert abs(tip[1] - (box["y"] + box["height"] * 0.7)) <= 2
    # The name shown is the tapped point's grid (the searched building's stays on screen until
    # the page's own lookup answers: wait for it, not for any grid name).
    located = page.request.get(
        server["url"] + f"/cases/report/locate/?lat={tapped[0]}&lon={tapped[1]}"
    ).json()
    grid = located["grid"]["name"]
    expect(page.locator("#grid-name")).to_contain_text(grid)
    shot(page, "pin-04-tapped")

    page.fill("#category-search", "垃圾")
    page.locator(".category-option", has_text="垃圾").first.click()
    page.fill("#id_description", "路口垃圾堆放多日，无人清理")
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/cases/report/done/[A-Z]+\d+/$"))
    number = page.inner_text("#case-number").strip()
    shot(page, "pin-05-filed")

    page.goto(server["url"] + f"/cases/{number}/")
    assert grid in page.inner_text("main")
    assert errors == []
    context.close()
