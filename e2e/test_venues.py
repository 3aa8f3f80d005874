"""Venue booking in a real browser: a department's staff book a community venue for a time slot
on a phone; the community's staff, trying the same slot, are refused with the time it is taken,
and nothing is booked twice."""

import datetime
from zoneinfo import ZoneInfo

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_a_unit_books_and_the_same_slot_is_refused(server, new_page):
    day = (datetime.datetime.now(SHANGHAI) + datetime.timedelta(days=3)).replace(
        hour=20, minute=40, second=0, microsecond=0
    )
    unit = new_page(PHONE)
    log_in(unit, server, "department_staff")
    unit.goto(server["url"] + "/venues/")
    assert horizontal_overflow(unit) <= 0
    shot(unit, "venues-1-list-phone")
    unit.locator("a[data-venue]").first.click()
    unit.wait_for_selector("#book-form")
    venue_url = unit.url
    unit.select_option("#id_holder", index=0)
    unit.fill("#id_purpose", "城管执法进社区宣传")
    unit.fill("#id_starts_at", _local(day))
    unit.fill("#id_ends_at", _local(day + datetime.timedelta(minutes=40)))
    unit.click("#book-form [type=submit]")
    unit.wait_for_selector(".alert-success")
    shot(unit, "venues-2-booked-phone")

    staff = new_page(DESKTOP)
    log_in(staff, server, "community_staff")
    staff.goto(venue_url)
    slots = staff.inner_text("#slots")
    assert "城管执法进社区宣传" in slots and "空闲" in slots  # staff see the holder; free days
    staff.fill("#id_purpose", "社区议事会")
    staff.fill("#id_starts_at", _local(day + datetime.timedelta(minutes=20)))
    staff.fill("#id_ends_at", _local(day + datetime.timedelta(minutes=50)))
    staff.click("#book-form [type=submit]")
    alert = staff.locator("#book-form .alert-danger")
    alert.wait_for()
    assert "20:40" in alert.inner_text()
    shot(staff, "venues-3-refused-desktop")

    unit.goto(server["url"] + "/venues/bookings/mine/")
    assert unit.locator("text=城管执法进社区宣传").count() == 1
