import re

from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot


def test_grid_worker_sees_own_grid_on_a_map_on_a_phone(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "grid_worker")
    page.goto(server["url"] + "/places/")
    page.wait_for_selector("#place-map path.leaflet-interactive")
    assert page.locator("#place-map path.leaflet-interactive").count() >= 1
    assert "网格" in page.locator("h1").inner_text()
    assert horizontal_overflow(page) <= 0
    shot(page, "places-grid_worker-phone")


def test_street_chief_walks_down_from_street_to_community(server, new_page):
    page = new_page(DESKTOP)
    log_in(page, server, "street_chief")
    page.goto(server["url"] + "/places/")
    page.wait_for_selector("#place-map path.leaflet-interactive")
    # Each community of the street is drawn and listed; follow the first one down.
    assert page.locator("#place-map path.leaflet-interactive").count() >= 2
    page.locator("#place-children a[href^='/places/']").first.click()
    page.wait_for_selector("#place-map path.leaflet-interactive")
    assert re.search(r"/places/\d{12}/$", page.url), page.url
    shot(page, "places-street_chief-community-desktop")


def test_community_staff_searches_residents_and_reveals_an_id_number(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "community_staff")
    page.goto(server["url"] + "/people/")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    first_name = rows.first.locator("td a").first.inner_text().strip()
    # Phone numbers are masked in the list: 138****5678.
    assert re.search(r"1\d\d\*\*\*\*\d{4}", page.content())
    assert horizontal_overflow(page) <= 0
    shot(page, "people-list-community_staff-phone")

    page.fill("#people-q", first_name)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert first_name in page.locator("table tbody").inner_text()
    page.locator("table tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    masked = page.locator("#id-number").inner_text()
    assert "*" in masked
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("显示身份证号|查看")).click()
    # Not wait_for_function: its string predicate is eval'd, which the CSP refuses.
    expect(page.locator("#id-number")).not_to_contain_text("*")
    revealed = page.locator("#id-number").inner_text()
    assert re.search(r"\d{17}[\dX]", revealed), revealed
    shot(page, "people-detail-revealed-community_staff-phone")


def test_resident_cannot_open_the_resident_list(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "resident")
    assert page.locator("#mainnav a[href='/people/']").count() == 0
    response = page.goto(server["url"] + "/people/")
    assert response.status == 404
    shot(page, "people-list-resident-404-phone")


def test_language_switch_to_english_and_back(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "grid_worker")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My work" in page.content()
    shot(page, "home-grid_worker-english-phone")
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state("networkidle")
    assert "我的工作" in page.content()
