import pytest

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot
from meihao.core.roles import COMMUNITY_MEMBERS, Role


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_demo_role_logs_in_to_a_chinese_home_page_on_a_phone(server, new_page, role):
    page = new_page(PHONE)
    account = log_in(page, server, role)
    assert page.url.rstrip("/").endswith(account["home"].rstrip("/")), page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # Who lives in the community has a home page (首页); who works for it, a work page.
    expected = "首页" if role in COMMUNITY_MEMBERS else "我的工作"
    assert page.locator("h1").first.inner_text() == expected
    assert horizontal_overflow(page) <= 0, "phone viewport scrolls sideways"
    shot(page, f"home-{role}-phone")


@pytest.mark.parametrize(
    "role", ["grid_worker", "community_staff", "street_chief", "district_admin", "volunteer"]
)
def test_home_on_a_desktop(server, new_page, role):
    page = new_page(DESKTOP)
    log_in(page, server, role)
    expected = "首页" if role in COMMUNITY_MEMBERS else "我的工作"
    assert page.locator("h1").first.inner_text() == expected
    if role in ("community_staff", "street_chief"):  # dispatchers: new cases wait unread
        assert page.locator("#inbox-bell [data-unread]").count() == 1
    # The header's unread badge stays inside the page, however many messages wait.
    assert horizontal_overflow(page) <= 0, "desktop viewport scrolls sideways"
    shot(page, f"home-{role}-desktop")


def test_wrong_password_is_refused_in_chinese(server, new_page):
    page = new_page(PHONE)
    page.goto(server["url"] + "/accounts/login/")
    page.fill("input[name=username]", server["accounts"]["resident"]["username"])
    page.fill("input[name=password]", "not-the-password")
    page.click("form [type=submit]")
    assert "/accounts/login/" in page.url
    assert "密码" in page.content()
    shot(page, "login-refused-phone")


def test_an_unknown_page_is_the_products_chinese_404_with_its_styles(server, new_page):
    # The server runs with DEBUG off: Django's yellow debug page would say "Page not found (404)"
    # in English and list the URL patterns.
    page = new_page(PHONE)
    log_in(page, server, "resident")
    response = page.goto(server["url"] + "/no-such-page/")
    assert response.status == 404
    assert page.title().startswith("页面不存在")
    assert page.locator("h1").inner_text() == "页面不存在"
    assert "URLconf" not in page.content()
    # Static files come from WhiteNoise under their hashed names, so the page is styled.
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert stylesheet.startswith("/static/") and stylesheet.count(".") >= 2, stylesheet
    css = page.request.get(server["url"] + stylesheet)
    assert css.status == 200
    assert "immutable" in css.headers.get("cache-control", "")
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    shot(page, "not-found-phone")
