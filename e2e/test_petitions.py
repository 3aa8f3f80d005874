"""网络问政 and 好差评 in a real browser: a resident on a phone sends a petition anonymous toward
the public and follows it by its query code without logging in; the 城管 department replies;
the community calls back, closes it and publishes the question and answer, which the public
answers page finds without the petitioner's name; the resident rates it 不满意, which opens a
rectification for the department; the department reports the fix and the community closes it
after a call-back."""

from e2e.conftest import DESKTOP, PHONE, log_in, run_shell, shot

TITLE = "骑楼街口傍晚占道经营"
CLOSE_NOTE = 'form:has([data-action="verify_close"]) input[name="note"]'
RECTIFICATION_OF = """
import json
from meihao.ratings.models import Rectification
r = Rectification.objects.select_related("case").get(rated_case__number="{number}")
print(json.dumps({{"number": r.case.number, "status": r.case.status}}))
"""


def test_a_petition_is_answered_published_rated_poorly_and_rectified(server, new_page):
    resident = new_page(PHONE)
    log_in(resident, server, "resident")
    resident.goto(server["url"] + "/petitions/")
    resident.click("#new-petition")
    resident.check("#kind-complaint")
    resident.select_option("#id_topic", "0101")
    resident.fill("#id_title", TITLE)
    resident.fill("#id_body", "骑楼街口每天傍晚有摊贩占用人行道，行人只能走机动车道，很危险。")
    resident.check("#id_anonymous")
    resident.check("#id_publish_consent")
    shot(resident, "petitions-new-phone")
    resident.click("#petition-form button[type=submit]")
    assert resident.locator("#petition-title").inner_text() == TITLE
    number = resident.locator("#case-number").inner_text().strip()
    assert number.startswith("WZ")
    code = resident.locator("#query-code .font-monospace").inner_text().strip()
    assert len(code) == 10

    # Anyone holding the code follows it without logging in; nothing says who sent it.
    anyone = new_page(PHONE)
    anyone.goto(server["url"] + "/petitions/track/")
    anyone.fill("#id_code", code.lower())
    anyone.click("form button[type=submit]")
    assert anyone.locator("#tracked-status").inner_text() == "办理中"
    assert "林晓梅" not in anyone.content()
    shot(anyone, "petitions-track-phone")

    department = new_page(DESKTOP)
    log_in(department, server, "department_staff")
    department.goto(f"{server['url']}/cases/{number}/")
    department.fill(
        "#act-rb-note", "经核查，已安排城管中队每日17时至20时在骑楼街口值守，劝离占道摊贩。"
    )
    department.click('[data-action="report_back"]')
    assert "status-reported_back" in department.locator("#case-status").get_attribute("class")

    community = new_page(DESKTOP)
    log_in(community, server, "community_staff")
    community.goto(f"{server['url']}/cases/{number}/")
    community.fill(CLOSE_NOTE, "回访：居民表示已知悉答复")
    community.click('[data-action="verify_close"]')
    community.fill("#id_question", "骑楼街口傍晚有摊贩占用人行道，行人只能走机动车道。")
    community.click('[data-action="publish"]')
    assert community.locator("#petition [data-published]").count() == 1
    shot(community, "petitions-closed-published-desktop")

    anyone.goto(server["url"] + "/petitions/?q=占道")
    answers = anyone.locator("#answers").inner_text()
    assert TITLE in answers and "城管中队" in answers and "林晓梅" not in answers
    assert "匿名网友" in answers and "林**" not in answers  # anonymous toward the public
    shot(anyone, "petitions-answers-phone")

    # The resident is not satisfied: 不满意 opens a rectification for the department.
    resident.reload()
    resident.click('label[for="score-2"]')
    resident.fill("#id_comment", "晚上八点以后还是有人占道")
    resident.click("#rate-form button[type=submit]")
    assert resident.locator('[data-rating="2"]').count() == 1
    rectification = run_shell(server, RECTIFICATION_OF.format(number=number))
    assert rectification["status"] == "dispatched"
    zg = rectification["number"]

    department.goto(f"{server['url']}/cases/{zg}/")
    assert number in department.locator("#rectification").inner_text()
    shot(department, "petitions-rectification-desktop")
    department.fill("#act-rb-note", "已将值守时间延长至22时，并在街口设置提示牌。")
    department.click('[data-action="report_back"]')

    community.goto(f"{server['url']}/cases/{zg}/")
    community.fill(CLOSE_NOTE, "回访：居民确认整改到位")
    community.click('[data-action="verify_close"]')
    assert "status-closed" in community.locator("#case-status").get_attribute("class")
    shot(community, "petitions-rectification-closed-desktop")
