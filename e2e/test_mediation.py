"""Dispute mediation in a real browser: the community staff, at a desk, take in a neighbours'
dispute with its parties; the community's legal advisor takes it on, records a sitting and
concludes it with an agreement, which prints as 人民调解协议书; the staff record the follow-up
visit and the dispute closes."""

import pypdfium2

from e2e.conftest import ARTIFACTS, DESKTOP, PHONE, log_in, shot

FACTS = "楼上住户装修漏水，浸坏楼下厨房天花板，双方就维修费用争执不下。"
TERMS = "楼上住户承担维修费用1800元，并于本月底前修好防水层。"


def test_staff_take_a_dispute_in_the_advisor_mediates_and_prints_the_agreement(server, new_page):
    staff = new_page(DESKTOP)
    log_in(staff, server, "community_staff")
    staff.goto(server["url"] + "/legal/disputes/")
    staff.click("#take-in")
    staff.select_option("#id_kind", "0102")
    staff.fill("#id_facts", FACTS)
    staff.fill("#id_party_name_0", "梁秀英")
    staff.fill("#id_party_phone_0", "13712345678")
    staff.fill("#id_party_address_0", "骑楼街12号201")
    staff.fill("#id_party_name_1", "覃国强")
    staff.fill("#id_party_address_1", "骑楼街12号301")
    shot(staff, "dispute-intake-desktop")
    staff.click("#intake-form button[type=submit]")
    number = staff.locator("#case-number").inner_text().strip()
    assert number.startswith("TJ") and staff.locator("#case-status").inner_text() == "已上报"

    advisor = new_page(PHONE)
    log_in(advisor, server, "legal_advisor")
    advisor.goto(server["url"] + "/legal/disputes/")
    advisor.click(f'#waiting [data-number="{number}"]')
    assert FACTS in advisor.locator("#facts").inner_text()
    advisor.click('[data-action="take"]')
    advisor.fill("#id_minutes", "90")
    advisor.fill("#id_note", "分别听取双方陈述，查看漏水现场，双方同意按责任分担。")
    shot(advisor, "dispute-session-phone")
    advisor.click('[data-action="session"]')
    advisor.wait_for_selector("#sessions")
    advisor.check("#id_outcome_agreement")
    advisor.fill("#id_terms", TERMS)
    advisor.fill("#id_performance", "签订协议后七日内一次付清。")
    advisor.click('[data-action="conclude"]')
    advisor.wait_for_selector("#agreement-pdf")
    assert advisor.locator("#case-status").inner_text() == "已反馈"
    shot(advisor, "dispute-agreed-phone")
    pdf = advisor.request.get(server["url"] + f"/legal/disputes/{number}/agreement.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(pdf.body())
    text = "".join(page.get_textpage().get_text_range() for page in document)
    for printed in ("人民调解协议书", number, "梁秀英", "覃国强", "1800元", "人民调解委员会"):
        assert printed in text.replace("\r\n", "")
    # A picture of the agreement's first page, to look at.
    document[0].render(scale=1.2).to_pil().save(ARTIFACTS / "dispute-agreement-pdf.png")

    staff.reload()
    staff.fill("#id_follow_up", "已回访，费用已付清，双方和好。")
    staff.click('[data-action="follow-up"]')
    staff.wait_for_selector("#rating, #case-status")
    assert staff.locator("#case-status").inner_text() == "已结案"
    shot(staff, "dispute-followed-up-desktop")
