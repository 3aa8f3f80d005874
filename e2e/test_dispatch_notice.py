"""A department member hears of a case dispatched to them: the street chief dispatches it on the
board (desktop), the 城管 member logs in, sees it on the bell and in the inbox, and follows the
message to the case, which is in their queue. Screenshots land in e2e/artifacts/."""

import pytest

from e2e.conftest import (
    DESKTOP,
    PHONE,
    act_on_row,
    file_grid_case,
    horizontal_overflow,
    log_in,
    open_as,
    shot,
)

# The 城管 persona joins the department's teams covering the case (the suggestion the board
# dispatches to is a street team): a team's members are who hear of a case dispatched to it.
JOIN_TEAMS = """
from meihao.people.models import Team, TeamMember
staff = User.objects.get(phone=STAFF_PHONE)
department = staff.role_assignments.get(role="department_staff").organisation
for team in Team.objects.filter(kind="department", organisation=department):
    if case.place_path.startswith(team.place_path):
        TeamMember.objects.get_or_create(team=team, person=staff.person)
"""


@pytest.fixture(scope="module")
def filed_case(server):
    staff_phone = server["accounts"]["department_staff"]["username"]
    return file_grid_case(
        server,
        category="0501",
        description="E2E通知：流动摊贩堵住校门，影响学生进出",
        then=f"STAFF_PHONE = {staff_phone!r}\n" + JOIN_TEAMS,
    )


def test_department_member_reads_the_dispatch_message_and_opens_the_case(
    server, new_page, filed_case
):
    number = filed_case
    row = f"#case-{number}"

    # The street chief dispatches the new report from the board, on a desktop.
    page = open_as(new_page(DESKTOP), server, "street_chief", "/cases/board/?sort=-created_at", row)
    act_on_row(page, row, "accept_dispatch", "dispatched")
    shot(page, "notice-1-dispatched-on-board")

    # The 城管 member logs in: the bell counts the unread message.
    page = new_page(DESKTOP)
    log_in(page, server, "department_staff")
    bell = page.locator("#inbox-bell")
    assert int(bell.locator("[data-unread]").get_attribute("data-unread")) >= 1
    shot(page, "notice-2-bell")
    bell.click()
    page.wait_for_selector("#inbox-list")
    newest = page.locator("#inbox-list > li").first
    text = newest.inner_text()
    assert newest.get_attribute("data-unread") == "true"
    assert "派遣给您" in text and number in text and "E2E通知" in text, text
    assert "0501" not in text  # the class by its name, never its code
    shot(page, "notice-3-inbox")

    # Following the message opens the case; it is read now, and the case is in their queue.
    newest.locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/cases/{number}/"), page.url
    assert number in page.inner_text("main")
    shot(page, "notice-4-case")
    page.goto(server["url"] + "/inbox/")
    assert page.locator("#inbox-list > li").first.get_attribute("data-unread") == "false"
    page.goto(server["url"] + "/cases/queue/?size=100")
    page.wait_for_selector(row)
    assert page.locator(row).get_attribute("data-status") == "dispatched"
    shot(page, "notice-5-queue")


def test_notification_settings_from_the_inbox_on_a_phone(server, new_page):
    page = open_as(new_page(PHONE), server, "street_chief", "/inbox/")
    page.click("#inbox-preferences")
    page.wait_for_selector("#preferences-form")
    assert horizontal_overflow(page) <= 0
    row = page.locator("#row-kind_case_new_in_area")
    assert "辖区新案件" in row.inner_text()
    row.locator("label", has_text="不接收").click()
    page.click("#preferences-save")
    page.wait_for_selector("#preferences-form")
    assert "通知设置已保存" in page.inner_text("body")
    assert page.locator("#row-kind_case_new_in_area input[value=off]").is_checked()
    shot(page, "notice-6-settings-phone")
