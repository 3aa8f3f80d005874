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

from PIL import Image

from e2e.conftest import CHROMIUM, DESKTOP, PHONE, horizontal_overflow, log_in, shot

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "浏览器测试：清扫骑楼老街"


def _local(moment: datetime.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _y4m_of(png_path, y4m_path, frames: int = 20) -> None:
    """A still picture as a YUV4MPEG2 video, what chromium's fake camera plays in a loop."""
    image = Image.open(png_path).convert("RGB")
    side = max(image.size) + 80  # a white quiet zone around the code, even dimensions
    side += side % 2
    canvas = Image.new("RGB", (side, side), "white")
    canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (side // 2, side // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(y4m_path, "wb") as out:
        out.write(f"YUV4MPEG2 W{side} H{side} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)


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


def _scan_with_the_camera(browser, server, cookies, video) -> None:
    """The volunteer's phone, logged in, its camera pointed at the screen: a browser whose fake
    camera plays `video`. The scan page decodes it and follows the code to the check-in."""
    camera_phone = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_phone.new_context(viewport=PHONE, locale="zh-CN", permissions=["camera"])
        context.add_cookies(cookies)
        scanner = context.new_page()
        scanner.goto(server["url"] + "/activities/scan/")
        scanner.wait_for_selector("#my-attendance", timeout=15000)
        assert "签到" in scanner.inner_text("#my-attendance")
        shot(scanner, "volunteer-4-checked-in-by-camera")
    finally:
        camera_phone.close()


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
    _y4m_of(tmp_path / "qr.png", tmp_path / "qr.y4m")
    checked_in_at = time.monotonic()
    _scan_with_the_camera(browser, server, volunteer.context.cookies(), tmp_path / "qr.y4m")

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
