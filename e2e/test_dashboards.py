"""Role dashboards in a real browser: the district leader's on a desktop, a drill-down from a
rate to the records behind it and their Excel export (written by the worker); the heat map of
cases per grid on the district's own base map, a grid's polygon filled by its count, named with
it in a tooltip and opening its cases on a click; the street chief's on a phone, cards stacked,
the map usable, no horizontal scroll."""

import json
import subprocess
import sys
import time
from datetime import date, timedelta

from e2e.conftest import PHONE, ROOT, horizontal_overflow, log_in, shot

WIDE = {"width": 1920, "height": 1080}


def _worker(server):
    """The export worker (run_huey) on the test server's database, for one test."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--quiet"],
        cwd=ROOT,
        env=server["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_the_district_leader_drills_from_a_rate_to_its_records_and_exports_them(
    server, new_page, tmp_path
):
    page = new_page(WIDE)
    log_in(page, server, "district_admin")
    page.goto(server["url"] + "/dashboard/?period=last_month")
    page.wait_for_selector("#dashboard-heatmap path.dashboard-grid")
    page.wait_for_selector("#dashboard-funnel svg")
    assert page.locator('[data-board="district"]').count() == 1
    assert page.locator("[data-tile]").count() >= 8
    assert page.locator("[data-attention]").count() >= 3
    assert horizontal_overflow(page) <= 0
    shot(page, "dashboard-district-desktop")

    # A rate that counted something: its number opens the records behind it.
    tile = page.locator('[data-tile][data-rate="1"]:not([data-counted="0"])').first
    code = tile.get_attribute("data-tile")
    value = tile.locator("[data-value]").inner_text().strip()
    tile.locator("a[data-records-link]").click()
    page.wait_for_selector("[data-records]")
    assert f"/insights/indicators/{code}/" in page.url
    assert "start=" in page.url and "end=" in page.url
    assert page.locator("#indicator-value").inner_text().strip() == value
    assert page.locator("[data-records] tbody tr").count() >= 1
    shot(page, "dashboard-drilldown-records-desktop")

    worker = _worker(server)
    try:
        page.click("#indicator-export")
        page.wait_for_selector('#export-status[data-state="done"]', timeout=60000)
        with page.expect_download() as download_info:
            page.click("#export-download")
        download = download_info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert target.suffix == ".xlsx"
    assert target.read_bytes()[:2] == b"PK"  # a zip: the workbook
    shot(page, "dashboard-export-done-desktop")


def _heatmap(page) -> dict:
    return json.loads(page.text_content("#dashboard-data"))["heatmap"]


def _point_inside(page, selector: str) -> dict:
    """A point of the screen where the element itself is hit (not its bounding box's centre,
    which a concave grid may not cover, nor a neighbour's polygon)."""
    page.locator(selector).scroll_into_view_if_needed()
    point = page.eval_on_selector(
        selector,
        """path => {
            const box = path.getBoundingClientRect();
            for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
                const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
                if (document.elementFromPoint(x, y) === path) return { x, y };
            }
            return null;
        }""",
    )
    assert point, f"{selector} is covered"
    return point


def _check_the_heat_map(page, name: str) -> None:
    """The grids are drawn on the district's own base map, filled on the legend's scale; the
    busiest grid's tooltip names it with its count, and a click opens its cases."""
    page.wait_for_selector("#dashboard-heatmap path.dashboard-grid")
    page.wait_for_function(
        "() => Number(document.getElementById('dashboard-heatmap').dataset.baseMapFeatures) > 0"
    )
    heatmap = _heatmap(page)
    features = heatmap["grids"]["features"]
    drawn = page.eval_on_selector_all(
        "#dashboard-heatmap path.dashboard-grid",
        "paths => paths.map(p => [p.dataset.grid, p.getAttribute('fill')])",
    )
    colours = {f["properties"]["code"]: f["properties"]["colour"] for f in features}
    assert sorted(code for code, _fill in drawn) == sorted(colours)
    assert all(fill == colours[code] for code, fill in drawn)
    legend = page.eval_on_selector_all(
        "#heatmap-legend [data-legend-colour]", "steps => steps.map(s => s.dataset.legendColour)"
    )
    assert legend == [step["colour"] for step in heatmap["legend"]]
    assert set(colours.values()) <= set(legend)
    busiest = max(features, key=lambda f: f["properties"]["cases"])["properties"]
    assert busiest["cases"] > 0
    selector = f'#dashboard-heatmap path.dashboard-grid[data-grid="{busiest["code"]}"]'
    point = _point_inside(page, selector)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.wait_for_selector(".leaflet-tooltip")
    assert tooltip.inner_text().strip() == busiest["label"]
    assert busiest["name"] in busiest["label"] and str(busiest["cases"]) in busiest["label"]
    shot(page, name)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("[data-records]")
    assert "/insights/indicators/cases_reported/" in page.url
    assert "by=grid" in page.url and "group=" in page.url
    # The grid's own cases: its name over the records, as many as the polygon said.
    heading = page.locator("#records h2")
    assert busiest["name"] in heading.inner_text()
    assert heading.locator(".badge").inner_text().strip() == str(busiest["cases"])
    assert page.locator("[data-records] tbody tr").count() == min(busiest["cases"], 25)


def test_the_heat_map_fills_the_grids_on_the_base_map_and_opens_their_cases(server, new_page):
    page = new_page(WIDE)
    log_in(page, server, "district_admin")
    page.goto(server["url"] + "/dashboard/?period=last_month")
    _check_the_heat_map(page, "dashboard-heatmap-desktop")


def test_the_street_chief_reads_the_dashboard_on_a_phone(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "street_chief")
    page.goto(server["url"] + "/dashboard/")
    page.wait_for_selector("[data-tile]")
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)
    assert page.locator('[data-board="street"]').count() == 1
    assert horizontal_overflow(page) <= 0
    # Cards stack: each tile spans the phone's width.
    widths = page.eval_on_selector_all(
        "[data-tile]", "cards => cards.map(c => c.getBoundingClientRect().width)"
    )
    assert widths and min(widths) > PHONE["width"] * 0.8
    shot(page, "dashboard-street-phone")
    # Picking a first day of one's own selects the custom period, which the page then shows.
    end = date.fromisoformat(page.locator("#dashboard-end").input_value())
    start = (end.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()
    page.fill("#dashboard-start", start)
    assert page.locator("#dashboard-period").input_value() == "custom"
    page.locator("#dashboard-period").evaluate("select => select.form.requestSubmit()")
    page.wait_for_selector("[data-tile]")
    assert "period=custom" in page.url and f"start={start}" in page.url
    assert page.locator("#dashboard-start").input_value() == start
    # A number leads to its records for the street and the period.
    page.locator("[data-tile] a[data-records-link][href*='/insights/indicators/']").first.click()
    page.wait_for_selector("[data-records]")
    assert "/insights/indicators/" in page.url
    # Last month's heat map of the street: it fits the phone and a tap on a grid opens its cases.
    page.goto(server["url"] + "/dashboard/?period=last_month")
    box = page.locator("#dashboard-heatmap").bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] >= 240
    assert horizontal_overflow(page) <= 0
    _check_the_heat_map(page, "dashboard-heatmap-phone")
