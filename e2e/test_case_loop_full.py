"""The whole loop in a real browser, each person on their own device: a resident reports with a
photo on a phone → the street chief dispatches from the board on a desktop → 城管 reports back
with a photo → the grid worker verifies and closes → the resident rates the service."""

import re

from e2e.conftest import (
    DESKTOP,
    PHONE,
    act_on_row,
    fill_report_back,
    horizontal_overflow,
    log_in,
    open_as,
    photo_file,
    shot,
)


def _grid_worker_grid_centre(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, server, "grid_worker")
    grid = page.request.get(server["url"] + "/api/v1/places?level=grid&limit=1").json()["items"][0]
    context.close()
    return {"latitude": grid["centroid"]["lat"], "longitude": grid["centroid"]["lon"]}


def test_resident_to_rating_through_every_hand(server, browser, new_page, tmp_path):
    point = _grid_worker_grid_centre(server, browser)
    resident = browser.new_context(
        viewport=PHONE, locale="zh-CN", geolocation=point, permissions=["geolocation"]
    )
    page = resident.new_page()
    log_in(page, server, "resident")

    # 1. The resident reports with a photo.
    page.goto(server["url"] + "/cases/report/")
    page.wait_for_selector("#grid-name:not(:empty)")
    page.set_input_files("#id_photos", str(photo_file(tmp_path)))
    page.fill("#category-search", "摆卖")
    page.locator(".category-option", has_text="乱摆卖").first.click()
    page.fill("#id_description", "全流程：菜市场门口流动摊贩占道摆卖")
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/cases/report/done/[A-Z]+\d+/$"))
    number = page.inner_text("#case-number").strip()
    shot(page, "loop-1-resident-reported")
    row = f"#case-{number}"

    # 2. The street chief accepts and dispatches it to the suggested 城管 team in one click.
    chief = open_as(
        new_page(DESKTOP), server, "street_chief", "/cases/board/?sort=-created_at", row
    )
    act_on_row(chief, row, "accept_dispatch", "dispatched")
    shot(chief, "loop-2-chief-dispatched")

    # 3. 城管 reports back with a photo.
    department = open_as(new_page(PHONE), server, "department_staff", "/cases/queue/?size=100", row)
    fill_report_back(department, row, "摊贩已劝离，地面已清扫", tmp_path)
    act_on_row(department, row, "report_back-submit", "reported_back")
    shot(department, "loop-3-department-reported-back")

    # 4. The grid worker verifies on the spot and closes it.
    worker = open_as(new_page(PHONE), server, "grid_worker", "/cases/verify/?size=100", row)
    # The report's photo and the report-back's, side by side.
    assert worker.locator(f'{row} [data-photos="before"] img').count() == 1
    assert worker.locator(f'{row} [data-photos="after"] img').count() == 1
    # The thumbnails load lazily: bring the row into view and wait until both have loaded (a
    # broken image never does, and the wait fails).
    worker.locator(row).scroll_into_view_if_needed()
    worker.wait_for_function(
        "selector => [...document.querySelectorAll(selector)]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        arg=f"{row} [data-photos] img",
        timeout=15000,
    )
    assert horizontal_overflow(worker) <= 0
    worker.locator(row).screenshot(path=str(tmp_path / "verify-row.png"))
    shot(worker, "loop-4a-grid-worker-before-after")
    act_on_row(worker, row, "verify_close", "closed")
    shot(worker, "loop-4-grid-worker-closed")

    # 5. The resident sees it closed and rates the service.
    page.goto(server["url"] + f"/cases/{number}/")
    page.wait_for_selector("#rate-form")
    # Five stars: the keyboard reaches them as one radio group, the arrows choose.
    page.focus("#score-1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#score-3").is_checked()
    page.click("#rate-form label[for=score-4]")  # a tap on the fourth star
    assert page.locator("#score-4").is_checked()
    lit = page.locator("#rate-stars .star-label").evaluate_all(
        "labels => labels.map(l => getComputedStyle(l).color)"
    )
    assert len(set(lit[:4])) == 1 and lit[4] != lit[0], lit  # stars 1–4 lit, the fifth not
    page.fill("#rate-form textarea[name=comment]", "处理很及时，谢谢！")
    page.mouse.move(0, 0)
    shot(page, "loop-5a-resident-rating-stars")
    page.click("#rate-form [type=submit]")
    page.wait_for_selector("#rating:has-text('处理很及时')")
    assert page.locator("#rating [data-rating='4'] .bi-star-fill").count() == 4
    assert page.locator("#rate-form").count() == 0, "one rating per case"
    assert horizontal_overflow(page) <= 0
    shot(page, "loop-5-resident-rated")
    resident.close()
