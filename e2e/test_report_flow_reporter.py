"""A resident reports from a phone: with a photo and the phone's location → the case number →
"my cases"; and a report made without signal is queued on the phone and sent exactly once when
the signal returns."""

import io
import re

import pytest
from PIL import Image

from e2e.conftest import PHONE, horizontal_overflow, log_in, shot


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "pavement.jpg"
    image = Image.new("RGB", (640, 480), (200, 80, 60))
    for x in range(0, 640, 40):  # a few stripes, so the preview is visibly a picture
        image.paste((250, 220, 90), (x, 0, x + 20, 480))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return path


def _grid_point(server, browser):
    """A point inside the resident's home grid, from the places API and checked by locate."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, server, "resident")
    grids = page.request.get(server["url"] + "/api/v1/places?level=grid&limit=5").json()["items"]
    for grid in grids:
        if not grid["centroid"]:
            continue
        lat, lon = grid["centroid"]["lat"], grid["centroid"]["lon"]
        located = page.request.get(
            server["url"] + f"/cases/report/locate/?lat={lat}&lon={lon}"
        ).json()
        if located["grid"] and located["grid"]["code"] == grid["code"]:
            context.close()
            return {"latitude": lat, "longitude": lon, "accuracy": 10}, grid["name"]
    context.close()
    pytest.fail("no demo grid with a centroid inside it")


@pytest.fixture
def phone(server, browser):
    point, grid_name = _grid_point(server, browser)
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        device_scale_factor=1,
        geolocation=point,
        permissions=["geolocation"],
        has_touch=True,
    )
    page = context.new_page()
    log_in(page, server, "resident")
    yield context, page, grid_name
    context.close()


def _choose_class(page, word="摆卖", name="乱摆卖"):
    page.fill("#category-search", word)
    page.locator(".category-option", has_text=name).first.click()
    page.wait_for_selector(f"#chosen-category:has-text('{name}')")


def test_resident_reports_with_a_photo_then_sees_it_in_my_cases(server, phone, photo_file):
    context, page, grid_name = phone
    page.goto(server["url"] + "/cases/report/")
    page.wait_for_selector(f"#grid-name:has-text('{grid_name}')")
    page.wait_for_selector(".meihao-map-label-grid > span")  # the base map's grids, named
    assert horizontal_overflow(page) == 0
    shot(page, "reporter-01-form")

    page.set_input_files("#id_photos", str(photo_file))
    page.wait_for_selector("#photo-previews img")
    _choose_class(page)
    page.fill("#id_description", "骑楼街口有流动摊贩占道摆卖，行人无法通过")
    assert horizontal_overflow(page) == 0
    shot(page, "reporter-02-filled")

    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/cases/report/done/[A-Z]+\d+/$"))
    number = page.inner_text("#case-number").strip()
    assert re.fullmatch(r"WG\d{12}", number)
    assert horizontal_overflow(page) == 0
    shot(page, "reporter-03-case-number")

    page.goto(server["url"] + "/cases/mine/")
    card = page.locator(".case-card", has_text=number)
    assert card.count() == 1
    assert card.locator("img.case-thumb").count() == 1
    assert horizontal_overflow(page) == 0
    shot(page, "reporter-04-my-cases")

    card.click()
    page.wait_for_selector("#timeline")
    assert page.inner_text("#case-number").strip() == number
    assert page.locator("#case-photos img").count() == 1
    assert horizontal_overflow(page) == 0
    shot(page, "reporter-05-case-page")

    # The same class at the same spot now shows the case as a nearby duplicate.
    page.goto(server["url"] + "/cases/report/")
    page.wait_for_selector(f"#grid-name:has-text('{grid_name}')")
    _choose_class(page)
    page.wait_for_selector(f"#nearby-cases:has-text('{number}')")
    shot(page, "reporter-06-nearby-duplicate")

    # Published once reviewed (审核后公开): the district admin accepts it and shows its photo.
    staff = context.browser.new_context(viewport=PHONE, locale="zh-CN")
    admin = staff.new_page()
    log_in(admin, server, "district_admin")
    admin.goto(server["url"] + f"/cases/{number}/")
    admin.click('[data-action="accept"]')
    admin.wait_for_selector('[data-action="photo-publication"]')
    admin.click('[data-action="photo-publication"]')
    admin.wait_for_selector("#case-photos .badge")
    staff.close()

    # The public page then shows it to anyone, without the reporter's name.
    anonymous = context.browser.new_context(viewport=PHONE, locale="zh-CN")
    public = anonymous.new_page()
    public.goto(server["url"] + f"/cases/public/{number}/")
    public.wait_for_selector(".leaflet-interactive")
    assert "林晓梅" not in public.content()
    assert public.locator("#public-photos img").count() == 1
    assert horizontal_overflow(public) == 0
    shot(public, "reporter-07-public-case")
    anonymous.close()


def test_offline_report_is_queued_and_sent_once_when_back_online(server, phone):
    context, page, grid_name = phone
    page.goto(server["url"] + "/cases/report/")
    page.wait_for_selector(f"#grid-name:has-text('{grid_name}')")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    # Without signal the page itself still opens: the service worker keeps its shell.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#report-form")
    shot(page, "reporter-08-offline-page")

    _choose_class(page)
    page.fill("#id_description", "离线上报：小巷里堆放陈年垃圾")
    page.click("#submit-report")
    page.wait_for_selector("#queue-status:has-text('无网络')")
    page.wait_for_selector("#queued-list li")
    item = page.locator("#queued-list li")
    assert item.count() == 1
    key = item.first.get_attribute("data-key")
    assert re.fullmatch(r"[0-9a-f-]{36}", key)
    assert horizontal_overflow(page) == 0
    shot(page, "reporter-09-queued")

    context.set_offline(False)
    page.wait_for_selector("#queue-status:has-text('已发送')", timeout=30000)
    page.wait_for_selector("#queued-reports.d-none", state="attached")
    shot(page, "reporter-10-sent")

    # Sending again (another retry, another tab) never files a second case.
    sent = page.request.get(server["url"] + f"/cases/report/sent/?key={key}").json()
    assert sent["count"] == 1
    number = sent["numbers"][0]
    page.evaluate(
        """async (key) => {
            const body = new FormData();
            body.append("idempotency_key", key);
            const form = document.getElementById("report-form");
            for (const name of ["lat", "lon", "description"]) {
                body.append(name, form.elements[name].value || "重发");
            }
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const r = await fetch("/cases/report/", {method: "POST", body,
                headers: {"Accept": "application/json", "X-CSRFToken": token}});
            return r.status;
        }""",
        key,
    )
    sent = page.request.get(server["url"] + f"/cases/report/sent/?key={key}").json()
    assert sent == {"count": 1, "numbers": [number]}

    page.goto(server["url"] + "/cases/mine/")
    assert page.locator(".case-card", has_text=number).count() == 1
    shot(page, "reporter-11-offline-case-in-my-cases")
