"""The cultural calendar in a real browser: a month grid on a desktop, a list by day on a
phone, a festival season's events by themselves; the public showcases without a log-in."""

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot


def test_the_calendar_on_desktop_and_phone_and_the_public_showcases(server, new_page):
    desk = new_page(DESKTOP)
    log_in(desk, server, "community_staff")
    desk.goto(server["url"] + "/culture/")
    # The month with the most events of the year behind: step back until one has some.
    for _ in range(12):
        if desk.locator("#month-view").count():
            break
        desk.click("nav[aria-label='月份'] a >> nth=0")
    assert desk.locator("#month-view").is_visible()
    assert not desk.locator("#list-view").is_visible()
    assert desk.locator("#month-view a[href*='/activities/']").count() >= 1
    shot(desk, "culture-1-month-desktop")

    phone = new_page(PHONE)
    log_in(phone, server, "resident")
    phone.goto(desk.url)
    assert phone.locator("#list-view").is_visible()
    assert not phone.locator("#month-view").is_visible()
    assert horizontal_overflow(phone) <= 0
    shot(phone, "culture-2-list-phone")

    # A festival's season: only its events, each with its badge.
    phone.select_option("#id_festival", "mid_autumn")
    phone.click("#calendar-filter [type=submit]")
    phone.wait_for_selector("#calendar-month")
    for badge in phone.locator("#list-view li .badge").all():
        assert badge.inner_text() == "中秋"

    visitor = new_page(PHONE)
    visitor.goto(server["url"] + "/culture/showcases/")
    assert visitor.locator("[data-showcase]").count() >= 1
    assert horizontal_overflow(visitor) <= 0
    shot(visitor, "culture-3-showcases-phone")
