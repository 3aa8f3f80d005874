"""The wall screen (数据大屏) in a real browser at 1920×1080 (issue 16): the district admin
issues a screen address on /wall/tokens/, a kiosk opens it without a log-in, a grid worker's new
case appears on it within seconds without a reload (today's count goes up, a pulsing point), a
network blip keeps the last data and says so, and revoking the address turns the screen into
the full-screen "no longer authorised" state. Screenshots: e2e/artifacts/wall-*."""

import re

from e2e.conftest import file_grid_case, log_in, shot

WALL = {"width": 1920, "height": 1080}


def _number(page, selector) -> int:
    return int(re.sub(r"\\D", "", page.text_content(selector)) or 0)


def test_the_wall_screen_updates_live_survives_a_blip_and_stops_when_revoked(server, new_page):
    admin = new_page(viewport={"width": 1366, "height": 900})
    log_in(admin, server, "district_admin")
    admin.goto(server["url"] + "/wall/tokens/")
    admin.fill("#id_name", "指挥中心大屏")
    admin.select_option("#id_place", index=0)
    admin.click("#issue-form [type=submit]")
    url = admin.input_value("#issued-url")
    assert "/wall/t/" in url
    shot(admin, "wall-tokens-desktop")

    wall = new_page(viewport=WALL)
    navigations = []
    wall.on("framenavigated", lambda frame: navigations.append(frame.url))
    wall.goto(url)
    wall.wait_for_selector(".wall-pillar >> nth=4")
    wall.wait_for_function("() => document.getElementById('today-cases').textContent !== '–'")
    wall.evaluate("window.__wallMarker = 'still here'")
    loaded = len(navigations)
    before = _number(wall, "#today-cases")
    pulses = wall.locator(".wall-pulse").count()
    assert wall.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight")
    assert wall.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert "治理" in wall.text_content("#wall-pillars")
    shot(wall, "wall-screen-1920")

    number = file_grid_case(server, category="0401", description="E2E：大屏测试，井盖缺失")
    wall.wait_for_function(
        f"() => Number(document.getElementById('today-cases').textContent) === {before + 1}",
        timeout=20000,
    )
    wall.wait_for_function(
        f"() => document.querySelectorAll('.wall-pulse').length > {pulses}", timeout=10000
    )
    assert len(navigations) == loaded
    assert wall.evaluate("window.__wallMarker") == "still here"
    assert number not in wall.content()
    assert "大屏测试" not in wall.content()
    shot(wall, "wall-screen-new-case-1920")

    wall.context.set_offline(True)
    wall.wait_for_selector("#wall-status.is-stale", timeout=20000)
    assert "网络中断，显示" in wall.text_content("#wall-status")
    assert _number(wall, "#today-cases") == before + 1  # the last data kept
    shot(wall, "wall-screen-offline-1920")
    wall.context.set_offline(False)
    wall.wait_for_selector("#wall-status:not(.is-stale)", timeout=30000)

    admin.goto(server["url"] + "/wall/tokens/")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.click("#tokens tbody tr >> nth=0 >> button:has-text('撤销')")
    admin.wait_for_selector("#tokens tbody tr >> nth=0 >> text=已撤销")

    wall.wait_for_selector("#wall-refused:not([hidden])", timeout=20000)
    assert "该大屏的授权已撤销" in wall.text_content("#wall-refused")
    assert len(navigations) == loaded
    shot(wall, "wall-screen-revoked-1920")
    # Polling has stopped: no further request to the data address.
    requests = []
    wall.on("request", lambda request: requests.append(request.url))
    wall.wait_for_timeout(7000)
    assert not [r for r in requests if "data.json" in r]
