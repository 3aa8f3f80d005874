"""A resident gets in on a phone: registers with a texted code (read from the file backend),
lands on the resident home, reports a problem with the pin placed by tapping the self-drawn map,
enters their real-name details when an activity asks for them, logs out through the
confirmation, and logs back in with a code."""

import json
import random
import re

from e2e.conftest import PHONE, horizontal_overflow, shot
from meihao.core.idcard import check_digit


def _last_code(server, phone: str) -> str:
    lines = (server["var"] / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if json.loads(line)["phone"] == phone]
    assert texts, f"no code was texted to {phone}"
    return re.search(r"(?<![0-9])([0-9]{6})(?![0-9])", texts[-1])[1]


def test_a_resident_registers_by_sms_code_reports_and_logs_out(server, new_page):
    phone = f"199{random.randrange(10**8):08d}"  # noqa: S311 - a test number, not a secret
    password = "Meihao-e2e-resident-7"  # noqa: S105
    page = new_page(PHONE, has_touch=True)
    page.goto(server["url"] + "/accounts/login/")
    assert page.locator("[data-tab=password].active").count() == 1
    assert "验证码登录" in page.content()
    shot(page, "accounts-login-phone")

    page.click("[data-link=register]")
    page.wait_for_url("**/accounts/register/")
    page.fill("input[name=phone]", phone)
    page.click("[data-send-code]")
    page.wait_for_selector("[data-code-sent]")
    assert f"{phone[:3]}****{phone[-4:]}" in page.locator("[data-code-sent]").inner_text()
    page.fill("input[name=code]", _last_code(server, phone))
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    shot(page, "accounts-register-phone")
    page.click("form.card [type=submit]:not([data-send-code])")

    page.wait_for_url(server["url"] + "/")
    card = page.locator("[data-role=resident]")
    assert card.count() == 1
    assert "欢迎" in page.content()
    assert horizontal_overflow(page) <= 0, "phone viewport scrolls sideways"
    shot(page, "accounts-resident-home-phone")

    card.locator("a[href='/cases/report/']").click()
    page.wait_for_url("**/cases/report/")
    page.wait_for_selector("#report-map .leaflet-meihao-base-pane path")
    assert page.locator("#report-map .leaflet-tile").count() == 0  # the map draws itself
    box = page.locator("#report-map").bounding_box()
    page.locator("#report-map").tap(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    page.wait_for_selector("#grid-name:has-text('网格')")
    page.wait_for_function(
        "() => document.querySelector('#report-map img.leaflet-marker-icon').naturalWidth > 0"
    )
    grid = page.inner_text("#grid-name").split("：", 1)[-1].strip()
    page.fill("#category-search", "垃圾")
    page.locator(".category-option", has_text="垃圾").first.click()
    page.fill("#id_description", "新注册居民：小区门口垃圾满溢")
    shot(page, "accounts-resident-report-phone")
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/cases/report/done/[A-Z]+\d+/$"))
    number = page.inner_text("#case-number").strip()
    page.goto(server["url"] + f"/cases/{number}/")
    assert grid in page.inner_text("main")

    # Real-name details later, from the profile: the community then confirms them.
    page.goto(server["url"] + "/people/me/")
    page.locator("#no-real-name a").click()
    page.wait_for_url("**/people/me/details/")
    first17 = f"45040319900307{random.randrange(1000):03d}"  # noqa: S311 - a test number
    page.fill("input[name=real_name]", "李美好")
    page.fill("input[name=id_number]", first17 + check_digit(first17))
    page.select_option("select[name=community]", index=1)
    shot(page, "accounts-real-name-phone")
    page.click("#own-details-form [type=submit]")
    page.wait_for_url("**/people/me/")
    assert page.locator("#home-waiting").count() == 1
    assert horizontal_overflow(page) <= 0

    page.click(".navbar-toggler")
    page.click(".navbar button.menu-link:has-text('退出登录')")
    page.wait_for_selector("[data-confirm-logout]")
    assert "确定要退出登录吗" in page.content()
    shot(page, "accounts-logout-confirm-phone")
    page.click("[data-confirm-logout]")
    page.wait_for_url("**/accounts/logged-out/")
    assert "您已退出登录" in page.content()
    shot(page, "accounts-logged-out-phone")

    page.goto(server["url"] + "/")  # logged out for real: the log-in page
    page.wait_for_url("**/accounts/login/**")
    page.click("[data-tab=code]")
    page.fill("input[name=phone]", phone)
    page.click("[data-send-code]")
    page.wait_for_selector("[data-code-sent]")
    page.fill("input[name=code]", _last_code(server, phone))
    shot(page, "accounts-login-code-phone")
    page.click("form.card [type=submit]:not([data-send-code])")
    page.wait_for_url(server["url"] + "/")
    assert page.locator("[data-role=resident]").count() == 1
