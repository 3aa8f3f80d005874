"""长辈模式 (large-text mode): offered to elders on first log-in, one switch in every page's header,
stored on the account (it follows the person to another phone), 18 px text and 48 px targets,
and a resident's home reduced to a few big tiles. Plus the menu at 320, 390 and 1366 px."""

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot

NARROW_PHONE = {"width": 320, "height": 640}

SIZES = """() => {
    const visible = el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
    const targets = Array.from(document.querySelectorAll(
        'button, .btn, .menu-link, .tile, input:not([type=hidden]), select')).filter(visible);
    return {
        body: parseFloat(getComputedStyle(document.body).fontSize),
        paragraph: Math.min(...Array.from(document.querySelectorAll('main p')).filter(visible)
            .map(p => parseFloat(getComputedStyle(p).fontSize))),
        short: targets.filter(el => el.getBoundingClientRect().height < 48)
            .map(el => el.outerHTML.slice(0, 120)),
        targets: targets.length,
    };
}"""


def _assert_large(page):
    sizes = page.evaluate(SIZES)
    assert sizes["body"] >= 18, sizes
    assert sizes["paragraph"] >= 18, sizes
    assert sizes["targets"] > 3, sizes
    assert not sizes["short"], sizes["short"]


def test_an_elder_is_offered_large_text_and_it_follows_her_to_another_phone(server, new_page):
    # The demo volunteer was born in 1958.
    page = new_page(PHONE)
    log_in(page, server, "volunteer")
    offer = page.locator("#large-text-offer")
    assert offer.count() == 1
    shot(page, "large-text-offer-volunteer-phone")
    offer.get_by_role("button", name="打开长辈模式").click()
    page.wait_for_load_state("networkidle")
    assert "large-text" in page.locator("body").get_attribute("class")
    assert page.locator("#large-text-offer").count() == 0
    assert page.locator(".large-text-switch").get_attribute("aria-pressed") == "true"
    _assert_large(page)
    shot(page, "large-text-home-volunteer-phone")

    other_phone = new_page(PHONE)
    log_in(other_phone, server, "volunteer")
    assert "large-text" in other_phone.locator("body").get_attribute("class")
    assert other_phone.locator("#large-text-offer").count() == 0
    # The switch is on every page, and it switches back.
    other_phone.goto(server["url"] + "/activities/")
    _assert_large(other_phone)
    other_phone.locator(".large-text-switch").click()
    other_phone.wait_for_load_state("networkidle")
    assert other_phone.url.endswith("/activities/")
    assert "large-text" not in (other_phone.locator("body").get_attribute("class") or "")
    assert other_phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 18


def test_a_resident_in_large_text_mode_gets_a_few_big_tiles(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "resident")
    # Under 60: not offered, but the switch is there.
    assert page.locator("#large-text-offer").count() == 0
    assert page.locator("h1").inner_text() == "首页"
    page.locator(".large-text-switch").click()
    page.wait_for_load_state("networkidle")
    tiles = page.locator("[data-tiles] a.tile")
    labels = [text.strip() for text in tiles.all_inner_texts()]
    assert {"我要上报", "时间银行", "微心愿", "我的积分"} <= set(labels), labels
    assert len(labels) <= 8, labels
    # The role cards are gone: the tiles are the home page.
    assert page.locator("[data-role]").count() == 0
    _assert_large(page)
    assert horizontal_overflow(page) <= 0
    shot(page, "large-text-home-resident-phone")

    page.set_viewport_size(NARROW_PHONE)
    _assert_large(page)
    assert horizontal_overflow(page) <= 0, "320 px scrolls sideways in large-text mode"
    shot(page, "large-text-home-resident-320")
    page.locator(".menu-toggler").click()
    page.locator("#mainnav.show").wait_for()
    _assert_large(page)
    shot(page, "large-text-menu-resident-320")
    page.locator(".large-text-switch").click()
    page.wait_for_load_state("networkidle")


def _menu_labels(page) -> list[str]:
    page.locator(".menu-toggler").click()
    page.locator("#mainnav.show").wait_for()
    return [t.strip() for t in page.locator("#mainnav .menu-link span").all_inner_texts()]


def test_each_role_finds_its_tools_and_messages_in_the_menu(server, new_page):
    expected = {
        "resident": ["首页", "时间银行", "微心愿", "我的积分", "消息"],
        "grid_worker": ["我的工作", "巡查", "待核查", "消息"],
        "community_staff": ["我的工作", "派遣台", "组织活动", "案件统计", "消息"],
    }
    for role, labels in expected.items():
        for name, viewport in (("phone", PHONE), ("320", NARROW_PHONE), ("desktop", DESKTOP)):
            page = new_page(viewport)
            log_in(page, server, role)
            menu = _menu_labels(page)
            assert set(labels) <= set(menu), (role, menu)
            assert horizontal_overflow(page) <= 0, (role, name)
            shot(page, f"menu-{role}-{name}")
            page.context.close()


def test_the_verification_queue_has_one_name_in_menu_title_and_card(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "grid_worker")
    card = page.locator("[data-role=grid_worker] a[href='/cases/verify/']")
    assert card.inner_text().split()[0] == "待核查"
    assert "待核查" in _menu_labels(page)
    page.goto(server["url"] + "/cases/verify/")
    assert page.title().startswith("待核查")
