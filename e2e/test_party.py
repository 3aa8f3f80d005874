"""云上支部 in a real browser: the demo branch secretary calls a 支部委员会 at her desk with a
livestream; a committee member signs in on her phone by pointing its camera at the QR code on
the secretary's screen; a committee member working away joins online from his phone; the
secretary finishes the meeting, writes the minutes and approves them; the meeting is quorate and
her branch's 支部委员会 for the month turns green."""

import datetime
from zoneinfo import ZoneInfo

from e2e.conftest import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    log_in,
    qr_video,
    run_shell,
    scan_with_the_camera,
    shot,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTES = "会议传达学习了上级关于基层党建工作的部署，讨论了本月主题党日安排和困难党员走访名单。"

# The committee of the secretary's branch: the demo community staff member (on site) and the
# demo party member, working away in Guangzhou (online); everyone else of it signs in as the
# secretary marks them at the door, until more than half are present.
SETUP = """
import datetime, json
from meihao.party.models import PartyMember, PartyOrg, PartyPost
from meihao.people.models import Person
secretary = PartyPost.objects.get(person__phone="13900000016", post="secretary")
branch = secretary.org
for phone in ("13900000003", "13900000008"):
    person = Person.objects.get(phone=phone)
    PartyMember.objects.filter(person=person).update(branch=branch, org_path=branch.path)
    seat = {"post": "committee_member"}
    PartyPost.objects.update_or_create(org=branch, person=person, defaults=seat)
PartyMember.objects.filter(person__phone="13900000008").update(
    away=True, away_where="广东省广州市天河区", away_since=datetime.date(2025, 3, 1))
print(json.dumps({"branch": branch.pk, "committee": branch.posts.count()}))
"""


def _local(moment: datetime.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_a_secretary_holds_a_committee_meeting_and_compliance_turns_green(
    server, browser, new_page, tmp_path
):
    setup = run_shell(server, SETUP)
    branch_url = f"{server['url']}/party/orgs/{setup['branch']}/"
    secretary = new_page(DESKTOP)
    secretary.on("dialog", lambda dialog: dialog.accept())
    log_in(secretary, server, "branch_secretary")
    secretary.goto(server["url"] + "/party/")
    secretary.click("#my-branch a >> nth=0")
    secretary.wait_for_selector("#obligations")
    before = secretary.locator('#obligations td[data-type="committee"]').inner_text()
    shot(secretary, "party-1-branch-desktop")

    now = datetime.datetime.now(SHANGHAI)
    secretary.click("#meetings summary")
    secretary.select_option("#id_type", label="支部委员会")
    secretary.fill("#id_starts_at", _local(now - datetime.timedelta(minutes=5)))
    secretary.fill("#id_ends_at", _local(now + datetime.timedelta(minutes=55)))
    secretary.fill("#id_venue", "骑楼社区党群服务中心二楼会议室")
    secretary.fill("#id_online_url", server["url"] + "/healthz")
    secretary.fill("#id_agenda", "一、传达学习上级精神；二、研究本月主题党日安排。")
    secretary.click("#meeting-form [type=submit]")
    secretary.wait_for_selector("#roll-call")
    meeting_url = secretary.url
    assert "支部委员会" in secretary.inner_text("h1")
    shot(secretary, "party-2-meeting-called-desktop")

    # The QR code on the secretary's screen; the committee member's phone camera sees it.
    secretary.click("text=签到（扫码或线上参会）")
    secretary.click("text=显示签到二维码")
    secretary.wait_for_selector(".qr-svg svg")
    shot(secretary, "party-3-qr-desktop")
    secretary.locator(".qr-svg").screenshot(path=str(tmp_path / "qr.png"))
    qr_video(tmp_path / "qr.png", tmp_path / "qr.y4m")
    member = new_page(PHONE)
    log_in(member, server, "community_staff")
    scan_with_the_camera(
        browser, server, member.context.cookies(), tmp_path / "qr.y4m", "party-4-signed-in-phone"
    )

    # The committee member away was told; he joins the livestream through the platform.
    away = new_page(PHONE)
    log_in(away, server, "party_member")
    away.goto(server["url"] + "/inbox/")
    assert "支部委员会" in away.inner_text("main")
    away.goto(meeting_url)
    away.click("text=签到（扫码或线上参会）")
    assert horizontal_overflow(away) <= 0
    shot(away, "party-5-join-online-phone")
    away.click("#join-online [type=submit]")
    away.wait_for_url(server["url"] + "/healthz")

    # The secretary: the roll call; those who came without a phone are marked present at the
    # door until more than half of the committee is there.
    secretary.goto(meeting_url)
    assert secretary.locator('#roll-call li[data-present="1"]').count() == 2
    secretary.click("#meeting-actions a[href$='/attendance/']")
    needed = setup["committee"] // 2 + 1 - 2
    for _ in range(max(needed, 0)):
        secretary.locator("#attendance-list form[action*='/checkin/'] [type=submit]").first.click()
        secretary.wait_for_load_state("networkidle")
    shot(secretary, "party-6-attendance-desktop")

    secretary.goto(meeting_url)
    secretary.click("text=结束会议")
    secretary.wait_for_selector("#minutes-form")
    secretary.fill("#id_minutes", MINUTES)
    secretary.fill("#id_resolutions", "同意本月主题党日安排。")
    secretary.click("#minutes-form [type=submit]")
    secretary.wait_for_selector("#approve")
    shot(secretary, "party-7-minutes-desktop")
    secretary.click("#approve")
    secretary.wait_for_selector("#minutes-text")
    state = secretary.inner_text("#meeting-state")
    assert "纪要已审定" in state and "达到法定人数" in state and "计入" in state
    assert MINUTES in secretary.inner_text("#minutes-text")

    secretary.goto(branch_url)
    cell = secretary.locator('#obligations td[data-type="committee"]')
    assert cell.get_attribute("data-state") == "met"
    held_before, held_after = (int(text.split("/")[0]) for text in (before, cell.inner_text()))
    assert held_after == held_before + 1
    shot(secretary, "party-8-compliance-green-desktop")
