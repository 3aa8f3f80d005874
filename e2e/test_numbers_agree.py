"""The volunteer's numbers agree in a real browser, on a phone: after a redemption at a partner
merchant, the open pass page, the home page and the points page all show the same balance (the
unit-level version is meihao/rewards/tests/test_numbers_agree.py). Also on a phone: the points
supermarket searched by typing, and the check-in code typed on the scanner page when the
browser has no camera."""

import re

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot
from e2e.test_volunteer_flow import _publish_activity


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _redeem(merchant, server, code: str) -> int:
    """The merchant's staff type the resident's code and redeem the first item offered."""
    merchant.goto(server["url"] + "/rewards/merchant/")
    merchant.fill("#code-input", code)
    merchant.click("#code-submit")
    merchant.wait_for_selector("#customer-items")
    merchant.locator("#customer-items [type=submit]").first.click()
    merchant.wait_for_selector("#confirm-page")
    cost = _number(merchant.inner_text("#confirm-points"))
    merchant.click("#confirm-submit")
    merchant.wait_for_selector("#redemption-done")
    return cost


def test_after_a_redemption_the_pass_home_and_points_pages_agree(server, new_page):
    volunteer = new_page(PHONE)
    log_in(volunteer, server, "volunteer")
    volunteer.goto(server["url"] + "/rewards/pass/")
    volunteer.click("#pass-new")
    volunteer.wait_for_selector("#pass-short-code")
    code = volunteer.inner_text("#pass-short-code").strip().replace(" ", "")
    before = _number(volunteer.inner_text("#pass-balance"))

    merchant = new_page(PHONE)
    log_in(merchant, server, "merchant_staff")
    cost = _redeem(merchant, server, code)
    assert cost > 0
    expected = before - cost

    # The pass page, left open, learns of the redemption by itself (it polls) and redraws the
    # balance at its top as well as in the receipt.
    volunteer.wait_for_selector("#pass-status[data-state=used]", timeout=15000)
    assert _number(volunteer.inner_text("#pass-status-balance")) == expected
    assert _number(volunteer.inner_text("#pass-balance")) == expected
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "numbers-1-pass-after-redemption")

    volunteer.goto(server["url"] + "/volunteers/")
    assert _number(volunteer.inner_text("#home-points-balance .fw-semibold")) == expected
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "numbers-2-home")

    volunteer.goto(server["url"] + "/ledger/")
    assert _number(volunteer.inner_text("#balance-points .fw-semibold")) == expected
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "numbers-3-points-page")

    volunteer.goto(server["url"] + "/rewards/")
    assert _number(volunteer.inner_text("#catalogue-balance-points")) == expected


def test_the_points_supermarket_is_searched_as_one_types(server, new_page):
    volunteer = new_page(PHONE)
    log_in(volunteer, server, "volunteer")
    volunteer.goto(server["url"] + "/rewards/")
    names = volunteer.locator("#catalogue-merchants h2").all_inner_texts()
    assert names, "the demo district has partner merchants"
    distances = [
        int(d)
        for d in volunteer.locator("[data-distance]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.distance)"
        )
    ]
    assert distances == sorted(distances)  # nearest first
    shot(volunteer, "numbers-4-catalogue-nearest-first")
    wanted = names[-1]
    volunteer.fill("#catalogue-q", wanted)
    volunteer.wait_for_function(
        "name => [...document.querySelectorAll('#catalogue-merchants h2')]"
        ".every(h => h.textContent.includes(name))",
        arg=wanted,
    )
    assert wanted in volunteer.locator("#catalogue-merchants h2").all_inner_texts()
    assert "q=" in volunteer.url  # the search is in the address, for back and reload
    volunteer.fill("#catalogue-q", "没有这样的商家")
    volunteer.wait_for_selector("#catalogue-empty")
    assert "没有这样的商家" in volunteer.inner_text("#catalogue-empty")
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "numbers-5-catalogue-searched")


def test_without_a_camera_the_code_on_the_screen_is_typed(server, new_page):
    staff = new_page(DESKTOP)
    log_in(staff, server, "community_staff")
    detail_url = _publish_activity(staff, server)
    activity_id = re.search(r"/activities/(\d+)/$", detail_url).group(1)

    volunteer = new_page(PHONE)  # a browser with no camera at all
    log_in(volunteer, server, "volunteer")
    volunteer.goto(server["url"] + "/activities/scan/")
    volunteer.wait_for_selector("#scan-code-form:not([hidden])", timeout=10000)
    assert "输入签到码" in volunteer.inner_text("#scanner-status")
    assert horizontal_overflow(volunteer) <= 0
    shot(volunteer, "numbers-6-scan-without-camera")

    volunteer.fill("#scan-code", "ZZZZZZ")
    volunteer.click("#scan-code-form [type=submit]")
    volunteer.wait_for_selector("#scan-code-error")
    assert "签到码错误或已过期" in volunteer.inner_text("#scan-code-error")
    assert volunteer.is_visible("#scan-code")  # the form stays, the camera is not asked again
    shot(volunteer, "numbers-7-scan-wrong-code")

    staff.goto(f"{server['url']}/activities/{activity_id}/qr/")
    staff.wait_for_selector("#qr-code-text")
    code = staff.inner_text("#qr-code-text").strip()
    volunteer.fill("#scan-code", code.lower())
    volunteer.click("#scan-code-form [type=submit]")
    volunteer.wait_for_url(re.compile(rf".*/activities/{activity_id}/$"))
    volunteer.wait_for_selector("#my-attendance")
    assert "签到" in volunteer.inner_text("#my-attendance")
    shot(volunteer, "numbers-8-checked-in-by-typed-code")
