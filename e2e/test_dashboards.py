"""Role dashboards in a real browser: the district leader's on a desktop, a drill-down from a
rate to the records behind it and their Excel export (written by the worker); the street
chief's on a phone, cards stacked, no horizontal scroll."""

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
    page.wait_for_selector("#dashboard-heatmap svg")
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
