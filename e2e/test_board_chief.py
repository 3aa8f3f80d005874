"""The street chief's board in a real browser (issue 10): on a phone, one card per case with the
late section first — a road collapse 18 days overdue at the department — and 督办 on it: the
counter appears on the card and the step on the case's timeline. On a desktop, the same screen
as a table. Screenshots land in e2e/artifacts/ (board-chief-*)."""

import pytest

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, open_as, run_shell, shot

LATE_CASE = """
import io, json
from datetime import timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from meihao.cases.models import Case, CaseType
from meihao.cases.services import case_dispatch, case_submit
from meihao.core.scoping import scopes_of
from meihao.people.models import Organisation, User
from meihao.places.models import Place

worker = User.objects.get(phone="13900000002")
chief = User.objects.get(phone="13900000004")
grid_path = next(s.place_path for s in scopes_of(worker) if s.role == "grid_worker")
grid = Place.objects.get(path=grid_path)
grid_type = CaseType.objects.get(code="GRID")
buffer = io.BytesIO()
Image.new("RGB", (640, 480), (120, 90, 60)).save(buffer, "JPEG")
case = case_submit(
    actor=worker,
    case_type=grid_type,
    category=grid_type.categories.get(code="0401"),
    description="E2E：路面塌陷，坑深约半米，已有电动车陷入",
    place=grid,
    lat=grid.centroid_lat,
    lon=grid.centroid_lon,
    channel=Case.Channel.GRID_PATROL,
    photos=[SimpleUploadedFile("hole.jpg", buffer.getvalue(), content_type="image/jpeg")],
)
department = Organisation.objects.get(kind="department", short_name="城管")
case_dispatch(case=case, actor=chief, organisation=department)
now = timezone.now()
Case.objects.filter(pk=case.pk).update(
    resolve_warn_at=now - timedelta(days=19),
    resolve_by=now - timedelta(days=18),
    handling_sla="red",
    # An urgent mark sorts it first whatever else the demo left late.
    urgent=True,
)
print(json.dumps({"number": case.number}))
"""


@pytest.fixture(scope="module")
def late_case(server):
    return run_shell(server, LATE_CASE)["number"]


def test_chief_urges_a_late_case_from_the_board_on_a_phone(server, new_page, late_case):
    number = late_case
    card = f'[data-section="late"] #case-{number}'
    page = open_as(new_page(PHONE), server, "street_chief", "/cases/board/", card)
    # The late section comes before what waits to be dispatched, and holds the case.
    section = page.locator('section[data-section="late"]')
    assert section.locator(f"#case-{number}").count() == 1
    assert section.locator("tbody tr").first.get_attribute("data-case") == number
    # On a phone each case is a card: the table's head is hidden, the row is a block.
    assert page.locator("section[data-section=late] thead").first.is_hidden()
    row = section.locator(f"#case-{number}")
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    assert row.locator("img.board-thumb").count() == 1
    assert row.locator(".countdown").get_attribute("data-state") == "red"
    assert "路面塌陷" in row.inner_text()
    assert horizontal_overflow(page) <= 0
    urge = row.locator('[data-action="urge"]')
    assert "督办" in urge.inner_text() and "城市管理局" in urge.inner_text()
    shot(page, "board-chief-1-phone")
    urge.click()
    page.wait_for_selector(f'#case-{number}[data-urged="1"]')
    counter = page.locator(f"#case-{number} [data-urge-count]")
    assert counter.inner_text().strip() == "已督办 1 次"
    shot(page, "board-chief-2-phone-urged")
    page.goto(server["url"] + f"/cases/{number}/")
    event = page.locator('#timeline [data-action="urge"]')
    assert event.count() == 1
    assert "督办" in event.inner_text()
    event.scroll_into_view_if_needed()
    shot(page, "board-chief-3-phone-timeline")


def test_chief_board_on_a_desktop_is_a_table(server, new_page, late_case):
    page = open_as(new_page(DESKTOP), server, "street_chief", "/cases/board/", f"#case-{late_case}")
    assert page.locator("section[data-section=late] thead").first.is_visible()
    # No column so narrow that its text stands one character per line.
    narrowest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('.board-table th')]"
        ".filter(th => th.textContent.trim()).map(th => th.getBoundingClientRect().width))"
    )
    assert narrowest >= 48
    assert horizontal_overflow(page) <= 0
    shot(page, "board-chief-4-desktop")
