"""The service catalogue in a real browser: a resident on a phone finds 低保 by typing its
initials, reads the guide and the poster's QR link; the district administrator edits a guide
(a new version) and is told why a community may not issue a listed certificate."""

import re

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, shot


def test_a_resident_finds_dibao_by_its_initials_and_reads_the_guide(server, new_page):
    page = new_page(PHONE)
    log_in(page, server, "resident")
    page.click(".menu-toggler")
    page.click("#mainnav a:has-text('政务服务')")
    page.fill("#service-q", "db")
    page.click("#service-search button:has-text('搜索')")
    first = page.locator("#service-list a").first
    assert first.locator(".fw-semibold").inner_text() == "最低生活保障申请"
    assert "线上" in first.inner_text()
    shot(page, "services-search-db-phone")
    first.click()
    guide = page.locator("#guide")
    assert page.locator("h1").inner_text() == "最低生活保障申请"
    for text in ("万秀区民政局", "申请条件", "社会救助暂行办法", "公示", "可免交"):
        assert text in guide.inner_text(), text
    # The route, named for the resident's own street: taken in and reviewed there, decided by
    # the district's civil affairs bureau.
    route = page.locator("#guide-route").inner_text()
    assert re.search(r"受理\s*\S+街道办事处", route) and route.rstrip().endswith("万秀区民政局")
    assert horizontal_overflow(page) <= 0
    shot(page, "services-guide-dibao-phone")

    page.click("a:has-text('二维码海报')")
    assert page.locator("#poster svg").count() == 1
    short = re.search(r"https?://\S+/s/\w+/", page.locator("#poster").inner_text()).group(0)
    shot(page, "services-poster-dibao-phone")
    visitor = new_page(PHONE)  # a passer-by scanning the poster, not logged in
    visitor.goto(short)
    assert visitor.locator("h1").inner_text() == "最低生活保障申请"


def test_the_district_admin_edits_a_guide_and_meets_the_certificate_rule(server, new_page):
    page = new_page(DESKTOP)
    log_in(page, server, "district_admin")
    page.goto(server["url"] + "/services/manage/?q=婚育情况")
    page.click("#managed-items a:has-text('编辑')")
    page.select_option("#id_level", "community")
    page.click("#item-form button[type=submit]")
    error = page.locator("#item-form .invalid-feedback").first.inner_text()
    assert "民发〔2020〕20号" in error and "婚育状况证明" in error
    shot(page, "services-editor-certificate-refused-desktop")

    page.select_option("#id_level", "district")
    page.fill("#id_promised_days", "2")
    page.click("#item-form button[type=submit]")
    assert "已保存为指南第2版" in page.locator(".alert-success").inner_text()
    page.click("a:has-text('版本记录')")
    assert "承诺办结时限（工作日）" in page.locator("#item-versions").inner_text()
    page.click("a:has-text('婚育情况证明')")
    page.click("a:has-text('查看办事指南')")
    assert "承诺2个工作日内办结" in page.locator("#guide").inner_text()
