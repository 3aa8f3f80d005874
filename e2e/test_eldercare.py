"""云家庭 in a real browser: community staff on a phone register a resident of 60 or more into the
community's care, record her health notes and an emergency contact, assess her ability on the
26 items of the national table, and read and download the report."""

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, run_shell, shot
from meihao.eldercare.tests.test_scoring import answers_totalling

FIND_CANDIDATE = """
import json
from django.utils import timezone
from meihao.eldercare.selectors import candidates
from meihao.people.models import User
staff = User.objects.get(phone="13900000003")
person = candidates(staff, "", timezone.localdate()).exclude(real_name="").first()
print(json.dumps({"name": person.real_name, "id": person.pk}))
"""


def test_staff_register_an_elder_assess_her_and_download_the_report(server, new_page):
    candidate = run_shell(server, FIND_CANDIDATE)
    page = new_page(PHONE)
    log_in(page, server, "community_staff")
    page.click(".menu-toggler")
    page.click("#mainnav a:has-text('居家养老对象')")
    assert page.locator("h1").inner_text() == "居家养老对象"
    assert page.locator("#elders a").count() > 0  # the demo's elders, names masked
    assert "*" in page.locator("#elders a").first.inner_text()
    shot(page, "elders-list-phone")

    page.click("#register-elder")
    page.fill("#id_q", candidate["name"])
    page.click("button:has-text('查找')")
    page.click(f"#candidates a[data-person='{candidate['id']}']")
    page.check("#living-alone")
    page.fill("#id_health_notes", "高血压，每日早晚服药")
    page.fill("#contact-0-name", "李小红")
    page.fill("#contact-0-relation", "女儿")
    page.fill("#contact-0-phone", "13900005678")
    shot(page, "elders-register-phone")
    page.click("button[data-action=save-elder]")
    assert candidate["name"] in page.locator("#elder-name").inner_text()
    assert "高血压" in page.locator("#health-notes").inner_text()
    assert "独居" in page.locator("#elder-living").inner_text()
    assert horizontal_overflow(page) <= 0
    shot(page, "elders-record-phone")

    page.click("#assess")
    # (A full-page shot resizes the page: taken before filling in, not just before the tap.)
    shot(page, "elders-assess-phone")
    answers = answers_totalling(58)
    for code, score in answers.items():
        page.check(f"#item-{code}-{score}")
    page.fill("#id_risk_events", "2")  # two falls this month: one level worse
    page.click("button[data-action=assess]")
    assert page.locator("#total").inner_text() == "58"
    assert page.locator("#level").inner_text() == "能力重度受损（重度失能）"
    assert "能力中度受损" in page.locator("#summary").inner_text()  # by the score alone
    assert horizontal_overflow(page) <= 0
    shot(page, "elders-report-phone")
    with page.expect_download() as download:
        page.click("#report-pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    desk = new_page(DESKTOP)
    log_in(desk, server, "community_staff")
    desk.goto(server["url"] + "/elders/?living=alone")
    rows = desk.locator("#elders a")
    assert rows.count() > 0 and all("独居" in t for t in rows.all_inner_texts())
    shot(desk, "elders-list-alone-desktop")
