"""A volunteer's day in a real browser, each person on their own device: community staff publish
an activity on a desktop → the volunteer signs up on a phone → checks in by pointing the phone's
camera at the rotating QR code on the organiser's screen (a fake camera fed the screen's
picture, decoded by the page's own jsQR) → the organiser finishes the activity → the volunteer
sees the hours and points → shows a redemption code that the merchant's staff type in on their
own phone and redeem a reward."""

import datetime
import re
import time
from zoneinfo import ZoneInfo

from e2e.conftest import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    log_in,
    qr_video,
    scan_with_the_camera,
    shot,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "浏览器测试：清扫骑楼老街"


def _local(moment: datetime.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _publish_activity(staff, server) -> str:
    """Create and publish an activity that began ten minutes ago; returns its detail URL."""
    now = datetime.datetime.now(SHANGHAI)
    staff.goto(server["url"] + "/activities/new/")
    staff.select_option("#id_kind", "volunteer_service")
    staff.fill("#id_title", TITLE)
    place = staff.locator("#id_place option[value]:not([value=''])").first.get_attribute("value")
    staff.select_option("#id_place", place)
    staff.fill("#id_venue", "骑楼社区服务中心")
    staff.fill("#id_address", "骑楼街1号")
    staff.fill("#id_starts_at", _local(now - datetime.timedelta(minutes=10)))
    staff.fill("#id_ends_at", _local(now + datetime.timedelta(minutes=50)))
    staff.fill("#id_capacity", "5")
    staff.fill("#id_attendance_percent", "1")
    shot(staff, "volunteer-1-staff-new-activity")
    staff.click("#activity-form [type=submit]")
    staff.wait_for_url(re.compile(r".*/activities/\d+/$"))
    detail = staff.url
    staff.click("#organiser-actions form[action$='/publish/'] [type=submit]")
    staff.wait_for_load_state("networkidle")
    return detail


def test_volunteer_signs_up_checks_in_by_qr_and_redeems_at_a_merchant(
    server, browser, new_page, tmp_path
):
    staff = new_page(DESKTOP)
    log_in(staff, server, "community_staff")
    detail_url = _publish_activity(staff, server)
    activity_id = re.search(r"/activities/(\d+)/$", detail_url).group(1)

    # The volunteer signs up on the phone.
    volunteer = new_page(PHONE)
    log_in(volunteer, server, "volunteer")
    volunteer.goto(server["url"] + "/volunteers/")
    hours_before = float(volunteer.inner_text("#volunteer-hours").strip())
    volunteer.goto(server["url"] + "/activities/")
    volunteer.click(f"a[href='/activities/{activity_id}/']")
    volunteer.click("#signup-form [type=submit]")
    volunteer.wait_for_selector("#my-signup")
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "volunteer-2-signed-up")

    # The organiser shows the rotating QR code; the volunteer's camera sees it.
    staff.goto(f"{server['url']}/activities/{activity_id}/qr/")
    staff.wait_for_selector(".qr-svg svg")
    shot(staff, "volunteer-3-organiser-qr")
    staff.locator(".qr-svg").screenshot(path=str(tmp_path / "qr.png"))
    qr_video(tmp_path / "qr.png", tmp_path / "qr.y4m")
    checked_in_at = time.monotonic()
    scan_with_the_camera(
        browser,
        server,
        volunteer.context.cookies(),
        tmp_path / "qr.y4m",
        "volunteer-4-checked-in-by-camera",
    )

    # Meanwhile: the volunteer shows the redemption code; the merchant's staff redeem.
    volunteer.goto(server["url"] + "/rewards/pass/")
    volunteer.click("#pass-new")
    volunteer.wait_for_selector("#pass-short-code")
    code = volunteer.inner_text("#pass-short-code").strip().replace(" ", "")
    points_before = int(re.sub(r"\D", "", volunteer.inner_text("#pass-balance")))
    shot(volunteer, "volunteer-5-redemption-code")
    merchant = new_page(PHONE)
    log_in(merchant, server, "merchant_staff")
    merchant.goto(server["url"] + "/rewards/merchant/")
    merchant.fill("#code-input", code)
    merchant.click("#code-submit")
    merchant.wait_for_selector("#customer-items")
    assert "*" in merchant.inner_text("#customer-name")  # a masked name, nothing more
    merchant.locator("#customer-items [type=submit]").first.click()
    merchant.wait_for_selector("#confirm-page")
    cost = int(re.sub(r"\D", "", merchant.inner_text("#confirm-points")))
    merchant.click("#confirm-submit")
    merchant.wait_for_selector("#redemption-done")
    assert horizontal_overflow(merchant) <= 0
    shot(merchant, "volunteer-6-merchant-redeemed")

    # A minute on site, then the organiser finishes: the volunteer's service is recorded.
    time.sleep(max(0.0, 62 - (time.monotonic() - checked_in_at)))
    staff.goto(f"{server['url']}/activities/{activity_id}/finish/")
    staff.click("#finish-form [type=submit]")
    staff.wait_for_load_state("networkidle")
    shot(staff, "volunteer-7-organiser-finished")

    volunteer.goto(server["url"] + "/volunteers/")
    hours_after = float(volunteer.inner_text("#volunteer-hours").strip())
    assert hours_after >= hours_before
    volunteer.goto(server["url"] + "/activities/mine/")
    assert TITLE in volunteer.content()
    volunteer.goto(server["url"] + "/ledger/")
    balance = int(re.sub(r"\D", "", volunteer.inner_text("#balance-points")))
    assert balance == points_before - cost
    assert volunteer.locator("#statement-entries [data-amount]").count() >= 1
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "volunteer-8-points-statement")
