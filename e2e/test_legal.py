"""一社区一法律顾问 in a real browser: a resident on a phone books a place at her advisor's next
duty session and asks her community's legal advisor a question; the advisor, at a desk, finds
the question waiting, answers it with the minutes it took; the resident reads the answer and
confirms it. The street sees an advisor short of the month's hours, and the reminder reaches
her."""

from e2e.conftest import DESKTOP, PHONE, log_in, run_shell, shot

QUESTION = "楼上邻居装修漏水，把我家厨房天花板泡坏了，物业说他们不管，我该找谁赔？"
ANSWER = "先拍照留存，请物业出具漏水原因说明，再与邻居协商；协商不成可申请社区人民调解。"


def test_a_resident_asks_the_advisor_answers_and_she_confirms(server, new_page):
    resident = new_page(PHONE)
    log_in(resident, server, "resident")
    resident.goto(server["url"] + "/legal/")
    assert resident.locator("#my-advisors [data-advisor]").count() >= 1
    # The next duty session: she books a place there.
    resident.click("#duty-sessions a")
    resident.click("#signup-form [type=submit]")
    resident.wait_for_selector("#my-signup")
    shot(resident, "legal-duty-booked-phone")
    resident.goto(server["url"] + "/legal/")
    resident.select_option("#id_topic", "0104")
    resident.fill("#id_question", QUESTION)
    shot(resident, "legal-ask-phone")
    resident.click("#ask-form button[type=submit]")
    assert QUESTION in resident.locator("#question").inner_text()
    number = resident.locator("#case-number").inner_text().strip()
    assert number.startswith("FL")
    assert resident.locator("#case-status").inner_text() == "待解答"

    advisor = new_page(DESKTOP)
    log_in(advisor, server, "legal_advisor")
    advisor.goto(server["url"] + "/legal/")
    advisor.click(f'#waiting [data-number="{number}"]')
    assert QUESTION in advisor.locator("#question").inner_text()
    advisor.fill("#id_answer", ANSWER)
    advisor.fill("#id_minutes", "20")
    shot(advisor, "legal-answer-desktop")
    advisor.click('[data-action="answer"]')
    advisor.wait_for_selector("#minutes")
    assert "20" in advisor.locator("#minutes").inner_text()
    assert advisor.locator("#case-status").inner_text() == "已反馈"

    resident.reload()
    assert resident.locator("#case-status").inner_text() == "已解答"
    assert ANSWER in resident.locator("#timeline").inner_text()
    resident.click('[data-action="confirm"]')
    resident.wait_for_selector("#rating")
    assert resident.locator("#case-status").inner_text() == "已完成"
    shot(resident, "legal-confirmed-phone")


REMIND_AT_MONTH_END = """
import calendar, json
from django.utils import timezone
from meihao.legal.services import advisors_remind_short_hours
today = timezone.localdate()
last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
print(json.dumps({"told": advisors_remind_short_hours(today=last)}))
"""


def test_the_street_sees_an_advisor_short_of_hours_and_the_reminder_reaches_her(server, new_page):
    chief = new_page(DESKTOP)
    log_in(chief, server, "street_chief")
    chief.goto(server["url"] + "/legal/compliance/")
    advisor_row = chief.locator("#compliance tr", has_text="莫文静")
    assert advisor_row.get_attribute("data-met") == "0"
    assert "小时" in advisor_row.inner_text()
    shot(chief, "legal-compliance-desktop")
    with chief.expect_download() as download:
        chief.click("#compliance-export")
    assert download.value.suggested_filename.endswith(".xlsx")

    assert run_shell(server, REMIND_AT_MONTH_END)["told"] >= 1
    advisor = new_page(PHONE)
    log_in(advisor, server, "legal_advisor")
    advisor.goto(server["url"] + "/inbox/")
    assert "法律服务时长：还差" in advisor.locator("main").inner_text()
    shot(advisor, "legal-reminder-phone")
