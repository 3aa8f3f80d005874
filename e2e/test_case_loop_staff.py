"""The staff side of the case loop in a real browser: the street chief dispatches a grid report
from the board (desktop), the 城管 department reports back with a photo (phone), the grid worker
verifies and closes it (phone). Screenshots of each step land in e2e/artifacts/."""

import pytest

from e2e.conftest import (
    DESKTOP,
    PHONE,
    act_on_row,
    file_grid_case,
    fill_report_back,
    horizontal_overflow,
    open_as,
    shot,
)


@pytest.fixture(scope="module")
def filed_case(server):
    return file_grid_case(
        server, category="0501", description="E2E：流动摊贩在学校门口摆卖，影响学生进出"
    )


def test_street_chief_dispatches_department_reports_back_grid_worker_closes(
    server, new_page, filed_case, tmp_path
):
    number = filed_case
    row = f"#case-{number}"

    # 1. The street chief, on a desktop: the newest report is on the board with a countdown.
    page = open_as(new_page(DESKTOP), server, "street_chief", "/cases/board/?sort=-created_at", row)
    countdown = page.locator(f"{row} .countdown")
    assert countdown.get_attribute("data-state") in ("green", "yellow", "red")
    first = countdown.inner_text()
    page.wait_for_timeout(1100)
    assert countdown.inner_text() != first, "the countdown ticks every second"
    shot(page, "staff-1-board")
    act_on_row(page, row, "accept_dispatch", "dispatched")
    assert "城管" in page.inner_text(row)
    shot(page, "staff-2-dispatched")

    # 2. The department (城管), on a phone: start, then report back with a photo.
    page = open_as(new_page(PHONE), server, "department_staff", "/cases/queue/?size=100", row)
    assert horizontal_overflow(page) <= 0
    act_on_row(page, row, "start", "in_progress")
    fill_report_back(page, row, "已劝离摊贩，现场清理完毕", tmp_path)
    page.locator(row).scroll_into_view_if_needed()
    shot(page, "staff-3-report-back-form")
    act_on_row(page, row, "report_back-submit", "reported_back")
    shot(page, "staff-4-reported-back")

    # 3. The grid worker, on a phone: the report back is waiting for verification; close it.
    page = open_as(new_page(PHONE), server, "grid_worker", "/cases/verify/?size=100", row)
    assert "已劝离摊贩" in page.inner_text(row)
    assert horizontal_overflow(page) <= 0
    shot(page, "staff-5-verify")
    page.fill(f"{row} input[name=note]", "现场核查，已无摊贩")
    act_on_row(page, row, "verify_close", "closed")
    shot(page, "staff-6-closed")


def test_board_on_a_phone_does_not_scroll_sideways(server, new_page):
    page = open_as(new_page(PHONE), server, "street_chief", "/cases/board/", "#board-rows")
    assert horizontal_overflow(page) <= 0
    shot(page, "staff-board-phone")
