"""A department head's and a volunteer-team leader's dashboards in a real browser: the 城管
member on a desktop sees the department's figures, ranked among the district's departments,
and follows a tile to the cases it counted (narrowed to the department); the team leader, whose
home is her team's dashboard, reads it on a phone and follows the service hours to the team's
records."""

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot


def test_the_department_reads_its_own_cases(server, new_page):
    page = new_page(DESKTOP)
    log_in(page, server, "department_staff")
    page.goto(server["url"] + "/dashboard/?period=this_year")
    page.wait_for_selector('[data-board="department"]')
    page.wait_for_selector("#dashboard-ranking svg, #dashboard-ranking canvas")
    assert "城市管理" in page.inner_text("#dashboard-scope")
    assert page.locator('[data-tile="cases_dispatched"]').count() == 1
    assert page.locator("#dashboard-heatmap").count() == 0
    assert page.locator('[data-attention="queue_overdue"]').count() == 1
    assert horizontal_overflow(page) <= 0
    shot(page, "dashboard-department-desktop")

    tile = page.locator('[data-tile="cases_dispatched"]')
    value = tile.locator("[data-value]").inner_text().strip()
    tile.locator("a[data-records-link]").click()
    page.wait_for_selector("[data-records]")
    assert "department=" in page.url
    assert "城市管理" in page.inner_text("#indicator-narrowing")
    # The page says the count with its unit (24 个), the tile the bare number.
    assert page.locator("#indicator-value").inner_text().split()[0] == value
    shot(page, "dashboard-department-records")


def test_the_team_leader_reads_her_team_on_a_phone(server, new_page):
    page = new_page(PHONE)
    account = log_in(page, server, "team_leader")
    assert account["home"] == "/dashboard/"
    page.goto(server["url"] + "/dashboard/?period=this_year")
    page.wait_for_selector('[data-board="team"]')
    assert "志愿服务队" in page.inner_text("#dashboard-scope")
    assert page.locator('[data-tile="service_hours"]').count() == 1
    assert page.locator('[data-tile="grade"]').count() == 0
    assert page.locator("#dashboard-funnel").count() == 0
    assert horizontal_overflow(page) <= 0
    shot(page, "dashboard-team-phone")

    page.locator('[data-tile="service_hours"] a[data-records-link]').click()
    page.wait_for_selector("[data-records]")
    assert "team=" in page.url
    assert "志愿服务队" in page.inner_text("#indicator-narrowing")
    assert horizontal_overflow(page) <= 0
    shot(page, "dashboard-team-records-phone")
