"""承责团队 in a real browser: a project officer on a phone opens her team's renovation project,
records households signed from the households list, and the project page's figures and chart
move with them; the site is drawn on the map with its buildings; her team's page."""

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot


def _signed(page) -> tuple[int, int]:
    page.wait_for_selector("#project-chart svg")
    return int(page.inner_text("#signed")), int(page.get_attribute("#project-chart", "data-signed"))


def test_a_project_officer_records_households_signed_and_the_chart_moves(server, new_page):
    officer = new_page(PHONE)
    log_in(officer, server, "project_officer")
    officer.goto(server["url"] + "/projects/")
    officer.click(".list-group a >> nth=0")
    project_url = officer.url
    figure, charted = _signed(officer)
    assert figure == charted
    shot(officer, "projects-1-project-phone")

    officer.click("text=入户进度登记")
    officer.select_option("#id_status", "visited")
    officer.click("#household-filter [type=submit]")
    officer.wait_for_selector("[data-household]")
    assert horizontal_overflow(officer) <= 0
    for _ in range(2):
        row = officer.locator('[data-household][data-status="visited"]').first
        row.locator("select[name=step]").select_option("signed")
        row.locator("[type=submit]").click()
        officer.wait_for_selector(".alert-success")
    shot(officer, "projects-2-households-phone")

    officer.goto(project_url)
    assert _signed(officer) == (figure + 2, charted + 2)
    shot(officer, "projects-3-chart-moved-phone")

    desk = new_page(DESKTOP)
    log_in(desk, server, "project_officer")
    desk.goto(project_url)
    desk.wait_for_selector("#project-chart svg")
    shot(desk, "projects-4-project-desktop")

    # The site on the map: its outline and a dot per building, green once all have signed.
    desk.wait_for_selector("#project-map path.leaflet-interactive")
    shapes = desk.locator("#project-map path.leaflet-interactive")
    assert shapes.count() >= 2  # the site and at least one building
    assert desk.locator("#project-map").bounding_box()["height"] >= 200
    box = shapes.first.bounding_box()
    assert box["width"] > 20 and box["height"] > 20  # fitted to the site, not a speck
    shot(desk, "projects-5-site-map-desktop")

    desk.click("a[href*='/projects/teams/']")
    desk.wait_for_selector("#units")
    assert "承责团队" in desk.inner_text("h1")
    assert desk.locator("#team-projects a").count() >= 1
    shot(desk, "projects-6-team-desktop")
