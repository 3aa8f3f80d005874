"""宣讲点单 in a real browser: a resident orders two topics on her phone; the community's staff
ask for one of them; the lecture teams' desk (the district's administrator) schedules it with a
livestream; the resident is told, joins online, and her attendance counts as the lecture's."""

import datetime
from zoneinfo import ZoneInfo

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Topics given online too, not ordered by her yet.
OPEN_ONLINE = '#topics .list-group-item:not(:has(.badge)):has-text("线上")'


def _local(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_ordered_requested_scheduled_and_joined_online(server, new_page):
    resident = new_page(PHONE)
    log_in(resident, server, "resident")
    resident.goto(server["url"] + "/lectures/")
    assert horizontal_overflow(resident) <= 0
    shot(resident, "lectures-1-menu-phone")
    ordered = []
    for n in range(2):
        resident.goto(server["url"] + "/lectures/")
        topic = resident.locator(OPEN_ONLINE).first
        link = topic.locator("a").first
        ordered.append(link.inner_text())
        link.click()
        resident.fill("#id_note", "想带家里老人一起听" if n == 0 else "")
        resident.click("#order-form [type=submit]")
        resident.wait_for_selector(".alert-success")
    topic_url = resident.url
    shot(resident, "lectures-2-ordered-phone")
    resident.goto(server["url"] + "/lectures/mine/")
    mine = resident.inner_text("#orders")
    assert all(title in mine for title in ordered)

    staff = new_page(DESKTOP)
    log_in(staff, server, "community_staff")
    staff.goto(topic_url)
    staff.click("#request-form [type=submit]")
    staff.wait_for_selector(".alert-success")

    desk = new_page(DESKTOP)
    log_in(desk, server, "district_admin")
    desk.goto(server["url"] + "/lectures/desk/")
    card = desk.locator("[data-request]", has_text=ordered[1]).first
    card.locator("summary").first.click()
    now = datetime.datetime.now(SHANGHAI)
    card.locator("input[name=starts_at]").fill(_local(now - datetime.timedelta(minutes=5)))
    card.locator("input[name=ends_at]").fill(_local(now + datetime.timedelta(minutes=55)))
    card.locator("input[name=venue]").fill("骑楼讲堂（社区党群服务中心）")
    card.locator("input[name=online_url]").fill(server["url"] + "/healthz")
    shot(desk, "lectures-3-desk-desktop")
    card.locator(".schedule-form [type=submit]").click()
    desk.wait_for_selector(".alert-success")
    activity_url = desk.url
    assert "/activities/" in activity_url and ordered[1] in desk.inner_text("h1")

    # She is told; she signs up and joins the livestream through the platform.
    resident.goto(server["url"] + "/inbox/")
    assert ordered[1] in resident.inner_text("main")
    resident.goto(activity_url)
    resident.click("#signup-form [type=submit]")
    resident.wait_for_selector("#join-online")
    shot(resident, "lectures-4-join-online-phone")
    resident.click("#join-online [type=submit]")
    resident.wait_for_url(server["url"] + "/healthz")

    desk.goto(activity_url.rstrip("/") + "/attendance/")
    row = desk.locator("#attendance-list li, #attendance-list tr", has_text="林晓梅").first
    assert "线上" in row.inner_text()
    shot(desk, "lectures-5-attendance-desktop")
