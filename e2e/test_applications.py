"""Online applications in a real browser: a resident on a phone finds 低保 by typing "db",
applies from the guide with the materials attached, is asked once for a missing one and hands it
in; the street takes it in, reviews it and puts it under public notice, which the public page
shows with the family name only; once the notice has run the street passes it on and the
district's civil affairs bureau approves it and issues the electronic document; the resident
downloads the PDF, whose QR code (read from the rendered page) opens the public verify page
showing it valid; the bureau revokes it and the page says so."""

import pypdfium2
import zxingcpp

from e2e.conftest import ARTIFACTS, DESKTOP, PHONE, log_in, photo_file, run_shell, shot

CLERK_PHONE = "13900000099"
CLERK_PASSWORD = "Meihao-e2e-clerk-2026"
# A civil affairs clerk of the demo district (the demo's department persona works for 城管).
MAKE_CLERK = f"""
import json
from meihao.core.roles import Role
from meihao.people.models import Organisation, Person, RoleAssignment, User
user, created = User.objects.get_or_create(phone="{CLERK_PHONE}", defaults={{"name": "民政科员"}})
user.set_password("{CLERK_PASSWORD}")
user.save()
Person.objects.get_or_create(user=user, defaults={{"real_name": "民政科员", "phone": user.phone}})
bureau = Organisation.objects.get(name="万秀区民政局")
RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_STAFF, organisation=bureau)
print(json.dumps({{"user": user.pk}}))
"""


def end_the_notice(server, number: str) -> dict:
    """The public notice runs 7 days; move it back so that it has run."""
    return run_shell(
        server,
        f"""
import json, datetime
from meihao.egov.models import Application
a = Application.objects.get(case__number="{number}")
week = datetime.timedelta(days=8)
Application.objects.filter(pk=a.pk).update(
    publicity_from=a.publicity_from - week, publicity_until=a.publicity_until - week
)
print(json.dumps({{"ok": True}}))
""",
    )


def pdf_file(tmp_path):
    path = tmp_path / "申请书.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def test_a_resident_applies_for_dibao_and_the_street_and_district_decide(
    server, new_page, tmp_path
):
    resident = new_page(PHONE)
    log_in(resident, server, "resident")
    resident.goto(server["url"] + "/services/?q=db")
    resident.locator("#service-list a").first.click()
    resident.click("#apply-online")
    assert "在线申办" in resident.locator("h1").inner_text()
    required = resident.locator("#apply-form input[type=file][required]")
    needed = required.count()
    assert needed >= 2
    for index in range(needed):
        file = pdf_file(tmp_path) if index % 2 == 0 else photo_file(tmp_path)
        required.nth(index).set_input_files(str(file))
    assert resident.is_checked("#id_consent")
    # The item's own questions: household, income and why.
    resident.fill("#id_answer-household", "3")
    resident.fill("#id_answer-income", "900")
    resident.fill("#id_answer-reason", "因病导致家庭生活困难")
    shot(resident, "applications-apply-dibao-phone")
    resident.click("#apply-form button[type=submit]")
    assert resident.locator("#case-status").inner_text() == "待受理"
    assert "家庭月收入合计（元）" in resident.locator("dl").first.inner_text()
    number = resident.locator("#case-number").inner_text().strip()
    assert resident.locator("#attachments li").count() == needed

    chief = new_page(DESKTOP)
    log_in(chief, server, "street_chief")
    chief.goto(server["url"] + "/applications/work/")
    row = chief.locator(f'#applications a[data-number="{number}"]')
    assert "林**" in row.inner_text()  # the list masks the applicant's name
    row.click()
    chief.fill("#id_missing", "最低生活保障申请书未签字，请签字后重新上传")
    chief.click('[data-action="ask-supplement"]')
    assert chief.locator("#case-status").inner_text() == "待补正"

    resident.reload()
    assert "未签字" in resident.locator("#supplement").inner_text()
    resident.locator("#actions input[type=file]").first.set_input_files(str(pdf_file(tmp_path)))
    shot(resident, "applications-supplement-phone")
    resident.click('[data-action="supplement"]')
    assert resident.locator("#case-status").inner_text() == "待受理"

    chief.reload()
    chief.click('[data-action="take-in"]')
    assert chief.locator("#case-status").inner_text() == "办理中"
    chief.fill("#id_note", "入户调查属实")
    chief.click('[data-action="pass-on"]')
    chief.fill("#id_note", "审核通过，予以公示")
    chief.click('[data-action="pass-on"]')
    assert chief.locator("#publicity-dates").count() == 1

    public = new_page(PHONE)  # anyone, not logged in
    public.goto(server["url"] + "/applications/publicity/")
    table = public.locator("#publicity").inner_text()
    assert "林**" in table and "林晓梅" not in table and number not in table
    shot(public, "applications-publicity-phone")

    end_the_notice(server, number)
    chief.reload()
    chief.fill("#id_note", "公示期满无异议")
    chief.click('[data-action="pass-on"]')
    shot(chief, "applications-at-department-desktop")

    run_shell(server, MAKE_CLERK)
    clerk = new_page(DESKTOP)
    clerk.goto(server["url"] + "/accounts/login/")
    clerk.fill("input[name=username]", CLERK_PHONE)
    clerk.fill("input[name=password]", CLERK_PASSWORD)
    clerk.click("form [type=submit]")
    clerk.goto(server["url"] + "/applications/work/")
    clerk.click(f'#applications a[data-number="{number}"]')
    clerk.fill("#id_reasons", "经审核，符合最低生活保障条件，自次月起发放。")
    clerk.click('[data-action="approve"]')
    assert clerk.locator("#case-status").inner_text() == "已办结"

    resident.reload()
    assert "批准" in resident.locator("#decision").inner_text()
    assert resident.locator("#case-status").inner_text() == "已办结"
    shot(resident, "applications-decided-phone")

    # The bureau issues the electronic document; the resident downloads it.
    clerk.fill("#id_purpose", "申请公共租赁住房")
    clerk.fill("#id_valid_days", "90")
    clerk.click('[data-action="issue-document"]')
    assert clerk.locator("#documents [data-standing=issued]").count() == 1
    resident.reload()
    shot(resident, "applications-document-phone")
    with resident.expect_download() as downloading:
        resident.click('[data-action="download-document"]')
    saved = tmp_path / "document.pdf"
    downloading.value.save_as(saved)
    page = pypdfium2.PdfDocument(saved.read_bytes())[0]
    image = page.render(scale=2).to_pil()
    image.save(ARTIFACTS / "applications-document-pdf.png")
    text = page.get_textpage().get_text_range()
    assert "仅用于申请公共租赁住房" in text and "林晓梅" in text
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text.startswith(server["url"] + "/d/")

    checker = new_page(PHONE)  # whoever is shown the paper, not logged in
    checker.goto(code.text)
    assert checker.locator("#document-standing").get_attribute("data-standing") == "valid"
    facts = checker.locator("#document-facts").inner_text()
    assert "林**" in facts and "林晓梅" not in facts
    shot(checker, "applications-document-verify-phone")

    clerk.fill("#documents input[name=reason]", "申请人家庭收入情况发生变化")
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.click('[data-action="revoke-document"]')
    assert clerk.locator("#documents [data-standing=revoked]").count() == 1
    checker.reload()
    assert checker.locator("#document-standing").get_attribute("data-standing") == "revoked"
    shot(checker, "applications-document-revoked-phone")
