"""The staff pages: dispatch board, department queue, verification queue, and their actions.

Personas (core.testing): the case is filed by grid worker A in grid A1 (street A); 城管 is a
district department. A refused action changes nothing: status, version, events, audit rows.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meihao.cases import services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseEvent, Status
from meihao.core.models import AuditEvent
from meihao.core.testing import CASE_PERSONAS

PERSONAS = CASE_PERSONAS


def login(client, user):
    client.force_login(user)
    return client


def snapshot(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.version,
        case.assigned_organisation_id,
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
    )


def dispatched(case, personas):
    return services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )


def reported_back(case, personas):
    dispatched(case, personas)
    services.case_start(case=case, actor=personas.department_staff)
    return services.case_report_back(case=case, actor=personas.department_staff, note="已清理")


# ---------------------------------------------------------------------------------------------
# Who may open each page


PAGE_ACCESS = {
    # persona: (board, queue, verify)
    "grid_worker_a": (404, 404, 200),
    "grid_worker_b": (404, 404, 200),
    "community_staff_a": (200, 404, 200),
    "street_chief_a": (200, 404, 200),
    "department_staff": (404, 200, 404),
    "district_admin": (200, 404, 200),
    "resident_a": (404, 404, 404),
    "resident_b": (404, 404, 404),
    "outsider": (404, 404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(client, personas, persona):
    login(client, getattr(personas, persona))
    got = tuple(
        client.get(reverse(f"cases:{name}")).status_code for name in ("board", "queue", "verify")
    )
    assert got == PAGE_ACCESS[persona]


@pytest.mark.parametrize("name", ["board", "queue", "verify"])
def test_pages_need_a_log_in(client, db, name):
    response = client.get(reverse(f"cases:{name}"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# The board


@pytest.mark.parametrize(
    "query",
    ["size=²", f"size={2**63}", f"size={'9' * 5000}", "major=²", f"minor={2**63}", "grid=²"],
)
def test_board_reads_unreadable_filters_as_unset(client, personas, new_case, query):
    case = new_case()
    login(client, personas.street_chief_a)
    response = client.get(reverse("cases:board") + "?" + query)
    assert response.status_code == 200
    assert case.number in response.content.decode()


def test_board_lists_incoming_cases_in_scope_with_countdowns(client, personas, new_case):
    case = new_case()
    other = new_case(lat=23.41, lon=111.305)  # grid B1, street B
    login(client, personas.street_chief_a)
    response = client.get(reverse("cases:board"))
    body = response.content.decode()
    assert case.number in body
    assert other.number not in body
    assert f'data-due="{case.respond_by.isoformat()}"' in body
    assert f'data-warn="{case.respond_warn_at.isoformat()}"' in body
    login(client, personas.district_admin)
    body = client.get(reverse("cases:board")).content.decode()
    assert case.number in body and other.number in body


def test_board_pager_keeps_the_filters(client, personas, new_case):
    numbers = {new_case().number for _ in range(12)}
    login(client, personas.street_chief_a)
    first = client.get(reverse("cases:board") + "?size=10&view=incoming").content.decode()
    assert 'href="?size=10&amp;view=incoming&amp;page=2"' in first
    assert 'data-count="12"' in first
    second = client.get(reverse("cases:board") + "?size=10&view=incoming&page=2")
    shown = {n for n in numbers if n in second.content.decode()}
    assert len(shown) == 2


def test_board_offers_one_click_to_the_suggested_team(client, personas, new_case, street_team):
    case = new_case()
    login(client, personas.street_chief_a)
    body = client.get(reverse("cases:board")).content.decode()
    assert reverse("cases:case_action", args=[case.number, "accept_dispatch"]) in body
    assert f'name="team" value="{street_team.pk}"' in body
    assert street_team.name in body


def test_board_htmx_refresh_is_the_rows_fragment(client, personas, new_case):
    case = new_case()
    login(client, personas.street_chief_a)
    response = client.get(
        reverse("cases:board"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board-rows"
    )
    body = response.content.decode()
    assert case.number in body
    assert "<html" not in body and 'id="board-filters"' not in body


def test_accept_and_dispatch_in_one_click(client, personas, new_case, street_team):
    case = new_case()
    login(client, personas.street_chief_a)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "accept_dispatch"]),
        {"list": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.assigned_organisation == personas.department
    assert case.assigned_team == street_team
    assert case.responded_at is not None and case.resolve_by is not None
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["submit", "accept", "dispatch"]
    body = response.content.decode()
    assert f'id="case-{case.number}"' in body and 'data-status="dispatched"' in body


def test_accept_and_dispatch_without_a_suggestion_changes_nothing(client, personas, new_case):
    case = new_case()
    case.category.department = ""
    case.category.save()
    before = snapshot(case)
    login(client, personas.street_chief_a)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "accept_dispatch"]),
        {"list": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "data-error" in response.content.decode()
    assert snapshot(case) == before


# Persona × POST accept_dispatch on a submitted case in grid A1.
ACTION_ACCESS = {
    "grid_worker_a": 403,  # sees the case (its reporter, its grid) but does not dispatch
    "grid_worker_b": 404,
    "community_staff_a": 302,
    "street_chief_a": 302,
    "department_staff": 404,
    "district_admin": 302,
    "resident_a": 404,
    "resident_b": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_accept_dispatch_matrix(client, personas, new_case, persona):
    case = new_case()
    before = snapshot(case)
    login(client, getattr(personas, persona))
    response = client.post(reverse("cases:case_action", args=[case.number, "accept_dispatch"]))
    assert response.status_code == ACTION_ACCESS[persona]
    if response.status_code == 302:
        assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    else:
        assert snapshot(case) == before


def test_action_on_a_missing_case_or_unknown_action_is_404(client, personas, new_case):
    case = new_case()
    login(client, personas.street_chief_a)
    assert client.post(reverse("cases:case_action", args=["WG0", "accept"])).status_code == 404
    url = reverse("cases:case_action", args=[case.number, "explode"])
    assert client.post(url).status_code == 404
    assert client.get(reverse("cases:case_action", args=[case.number, "accept"])).status_code == 405


def test_illegal_transition_is_409_with_the_row_and_changes_nothing(client, personas, new_case):
    case = new_case()
    dispatched(case, personas)
    before = snapshot(case)
    login(client, personas.street_chief_a)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "reject"]),
        {"list": "board", "reason": "重复"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "data-error" in response.content.decode()
    assert snapshot(case) == before


def test_reject_needs_a_reason(client, personas, new_case):
    case = new_case()
    before = snapshot(case)
    login(client, personas.street_chief_a)
    url = reverse("cases:case_action", args=[case.number, "reject"])
    back = reverse("cases:board") + "?view=incoming"
    response = client.post(url, {"reason": " ", "next": back}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (response.status_code, response["Location"]) == (302, back)
    assert snapshot(case) == before
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    # Without a way back (no form sends that), the refusal is the error page, in Chinese.
    response = client.post(url, {"reason": " "}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "理由" in response.content.decode()
    assert snapshot(case) == before
    response = client.post(url, {"reason": "不属于受理范围"})
    assert Case.objects.get(pk=case.pk).status == Status.REJECTED


def test_merge_as_duplicate_by_number(client, personas, new_case):
    original = new_case()
    case = new_case(description="同一个摊贩")
    login(client, personas.street_chief_a)
    url = reverse("cases:case_action", args=[case.number, "merge"])
    response = client.post(
        url, {"original": "WG19990101" + "9999", "list": "board"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    client.post(url, {"original": original.number.lower()})
    case.refresh_from_db()
    assert case.status == Status.DUPLICATE and case.duplicate_of == original


def test_reassign_a_dispatched_case(client, personas, new_case, street_team):
    from meihao.people.models import Organisation

    sanitation = Organisation.objects.create(
        name="万秀区环境卫生管理站",
        short_name="环卫",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    case = new_case()
    dispatched(case, personas)
    login(client, personas.street_chief_a)
    form = client.get(
        reverse("cases:dispatch_form", args=[case.number]) + "?list=board",
        HTTP_HX_REQUEST="true",
    )
    assert form.status_code == 200 and sanitation.name in form.content.decode()
    client.post(
        reverse("cases:case_action", args=[case.number, "dispatch"]),
        {"organisation": sanitation.pk, "note": "改派环卫"},
    )
    case.refresh_from_db()
    assert case.assigned_organisation == sanitation and case.assigned_team is None
    assert case.events.filter(action="dispatch").count() == 2


def test_dispatch_form_is_404_for_who_may_not_dispatch(client, personas, new_case):
    case = new_case()
    login(client, personas.grid_worker_a)
    assert client.get(reverse("cases:dispatch_form", args=[case.number])).status_code == 404


def test_returned_case_shows_the_reason_and_can_be_dispatched_again(client, personas, new_case):
    case = new_case()
    dispatched(case, personas)
    services.case_return(case=case, actor=personas.department_staff, reason="应由环卫处理")
    login(client, personas.street_chief_a)
    body = client.get(reverse("cases:board")).content.decode()
    assert case.number in body and "应由环卫处理" in body
    client.post(
        reverse("cases:case_action", args=[case.number, "dispatch"]),
        {"organisation": personas.department.pk},
    )
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED


# ---------------------------------------------------------------------------------------------
# Bulk dispatch


def test_bulk_dispatch_sends_every_ticked_case_to_its_suggestion(
    client, personas, new_case, street_team
):
    cases = [new_case(description=f"摊贩{i}") for i in range(3)]
    login(client, personas.street_chief_a)
    response = client.post(reverse("cases:bulk_dispatch"), {"cases": [c.number for c in cases]})
    assert response.status_code == 302
    for case in cases:
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED and case.assigned_team == street_team


def test_bulk_dispatch_is_all_or_nothing(client, personas, new_case):
    good = new_case()
    bad = new_case(description="已不予受理")
    services.case_reject(case=bad, actor=personas.street_chief_a, reason="无效")
    before = snapshot(good)
    login(client, personas.street_chief_a)
    response = client.post(reverse("cases:bulk_dispatch"), {"cases": [good.number, bad.number]})
    assert response.status_code == 302
    assert snapshot(good) == before
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(text.startswith(bad.number + ":") for text in texts)
    assert not any(text.startswith(good.number + ":") for text in texts)


def test_bulk_dispatch_of_a_case_out_of_scope_changes_nothing(client, personas, new_case):
    mine = new_case()
    theirs = new_case(lat=23.41, lon=111.305)  # street B
    before = snapshot(mine), snapshot(theirs)
    login(client, personas.street_chief_a)
    response = client.post(reverse("cases:bulk_dispatch"), {"cases": [mine.number, theirs.number]})
    assert response.status_code == 302
    assert (snapshot(mine), snapshot(theirs)) == before


def test_bulk_dispatch_to_one_department(client, personas, new_case):
    cases = [new_case(description=f"摊贩{i}") for i in range(2)]
    login(client, personas.community_staff_a)
    client.post(
        reverse("cases:bulk_dispatch"),
        {"cases": [c.number for c in cases], "organisation": personas.department.pk},
    )
    assert set(Case.objects.values_list("status", flat=True)) == {Status.DISPATCHED}


@pytest.mark.parametrize("persona", ["grid_worker_a", "department_staff", "resident_a"])
def test_bulk_dispatch_is_404_for_non_dispatchers(client, personas, new_case, persona):
    case = new_case()
    before = snapshot(case)
    login(client, getattr(personas, persona))
    response = client.post(reverse("cases:bulk_dispatch"), {"cases": [case.number]})
    assert response.status_code == 404
    assert snapshot(case) == before


# ---------------------------------------------------------------------------------------------
# Extensions: asked for in the queue, decided on the board


def test_extension_request_then_approval_on_the_board(client, personas, new_case):
    case = new_case()
    dispatched(case, personas)
    login(client, personas.department_staff)
    until = timezone.localtime(case.resolve_by + timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "request_extension"]),
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "需协调市场搬迁", "list": "queue"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.extension_until == until
    login(client, personas.street_chief_a)
    body = client.get(reverse("cases:board") + "?status=extension").content.decode()
    assert case.number in body and 'data-action="approve_extension"' in body
    client.post(reverse("cases:case_action", args=[case.number, "approve_extension"]))
    case.refresh_from_db()
    assert case.resolve_by == until and case.extension_until is None


def test_extension_with_a_bad_date_changes_nothing(client, personas, new_case):
    case = new_case()
    dispatched(case, personas)
    before = snapshot(case)
    login(client, personas.department_staff)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "request_extension"]),
        {"until": "明天", "reason": "需协调", "list": "queue"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert snapshot(case) == before


def test_deny_extension_needs_a_reason_and_keeps_the_deadline(client, personas, new_case):
    case = new_case()
    dispatched(case, personas)
    services.case_request_extension(
        case=case,
        actor=personas.department_staff,
        until=case.resolve_by + timedelta(days=2),
        reason="需协调",
    )
    deadline = case.resolve_by
    login(client, personas.street_chief_a)
    url = reverse("cases:case_action", args=[case.number, "deny_extension"])
    client.post(url, {"reason": "时限足够"})
    case.refresh_from_db()
    assert case.extension_until is None and case.resolve_by == deadline


# ---------------------------------------------------------------------------------------------
# The department's queue


def test_queue_lists_cases_dispatched_to_the_department(client, personas, new_case):
    waiting = new_case()
    mine = new_case(description="占道经营")
    dispatched(mine, personas)
    login(client, personas.department_staff)
    body = client.get(reverse("cases:queue")).content.decode()
    assert mine.number in body and waiting.number not in body
    assert 'data-action="start"' in body


def png_bytes() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "fixed.png"
    return buffer


def test_queue_start_report_back_with_photo(client, personas, new_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = new_case()
    dispatched(case, personas)
    login(client, personas.department_staff)
    start = reverse("cases:case_action", args=[case.number, "start"])
    assert client.post(start, {"list": "queue"}, HTTP_HX_REQUEST="true").status_code == 200
    response = client.post(
        reverse("cases:case_action", args=[case.number, "report_back"]),
        {"list": "queue", "note": "摊贩已劝离，现场已清理", "photos": [png_bytes()]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.REPORTED_BACK
    event = case.events.get(action="report_back")
    assert list(case.photos.values_list("stage", "event_id")) == [("report_back", event.pk)]


def test_report_back_with_a_bad_photo_changes_nothing(
    client, personas, new_case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = new_case()
    dispatched(case, personas)
    services.case_start(case=case, actor=personas.department_staff)
    before = snapshot(case)
    fake = io.BytesIO(b"not an image")
    fake.name = "x.jpg"
    login(client, personas.department_staff)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "report_back"]),
        {"list": "queue", "note": "已处理", "photos": [fake]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert snapshot(case) == before and not case.photos.exists()


def test_queue_return_as_misrouted(client, personas, new_case):
    case = new_case()
    dispatched(case, personas)
    login(client, personas.department_staff)
    url = reverse("cases:case_action", args=[case.number, "return"])
    before = snapshot(case)
    assert (
        client.post(url, {"reason": "", "list": "queue"}, HTTP_HX_REQUEST="true").status_code == 400
    )
    assert snapshot(case) == before
    client.post(url, {"reason": "应由交警处理"})
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.assigned_organisation is None


def test_queue_shows_reported_back_on_request(client, personas, new_case):
    case = new_case()
    reported_back(case, personas)
    login(client, personas.department_staff)
    assert case.number not in client.get(reverse("cases:queue")).content.decode()
    body = client.get(reverse("cases:queue") + "?status=reported_back").content.decode()
    assert case.number in body


# ---------------------------------------------------------------------------------------------
# The verification queue


def test_verify_queue_is_the_grid_workers_reported_back_cases(client, personas, new_case):
    case = new_case()
    reported_back(case, personas)
    login(client, personas.grid_worker_a)
    body = client.get(reverse("cases:verify")).content.decode()
    assert case.number in body and "已清理" in body
    login(client, personas.grid_worker_b)
    assert case.number not in client.get(reverse("cases:verify")).content.decode()


def test_verify_and_close(client, personas, new_case):
    case = new_case()
    reported_back(case, personas)
    login(client, personas.grid_worker_a)
    response = client.post(
        reverse("cases:case_action", args=[case.number, "verify_close"]),
        {"list": "verify", "note": "现场已无摊贩"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None


def test_reopen_needs_a_reason(client, personas, new_case):
    case = new_case()
    reported_back(case, personas)
    before = snapshot(case)
    login(client, personas.grid_worker_a)
    url = reverse("cases:case_action", args=[case.number, "reopen"])
    response = client.post(url, {"list": "verify", "reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and snapshot(case) == before
    client.post(url, {"reason": "摊贩又回来了"})
    assert Case.objects.get(pk=case.pk).status == Status.REOPENED


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("grid_worker_a", 302),
        ("grid_worker_b", 404),
        ("department_staff", 403),
        ("resident_b", 404),
        ("outsider", 404),
    ],
)
def test_verify_close_matrix(client, personas, new_case, persona, expected):
    case = new_case()
    reported_back(case, personas)
    before = snapshot(case)
    login(client, getattr(personas, persona))
    url = reverse("cases:case_action", args=[case.number, "verify_close"])
    assert client.post(url).status_code == expected
    if expected != 302:
        assert snapshot(case) == before


# ---------------------------------------------------------------------------------------------
# The detail page's action forms


def render_actions(rf, personas, case, user):
    from django.template.loader import render_to_string

    case = Case.objects.get(pk=case.pk)
    request = rf.get("/")
    request.user = user
    return render_to_string(
        "cases/_actions.html",
        {"case": case, "abilities": case_abilities(case, user)},
        request=request,
    )


def test_actions_partial_follows_abilities(rf, personas, new_case):
    case = new_case()
    chief = render_actions(rf, personas, case, personas.street_chief_a)
    for action in ("accept_dispatch", "accept", "dispatch", "reject", "merge"):
        assert f'data-action="{action}"' in chief
    assert 'data-action="start"' not in chief
    assert render_actions(rf, personas, case, personas.resident_b).strip() == ""
    dispatched(case, personas)
    dept = render_actions(rf, personas, case, personas.department_staff)
    assert 'data-action="start"' in dept and 'data-action="return"' in dept
    assert 'data-action="reject"' not in dept


# ---------------------------------------------------------------------------------------------
# Home cards


@pytest.mark.parametrize(
    "persona,url_name,count",
    [
        ("street_chief_a", "cases:board?status=incoming", 1),
        ("community_staff_a", "cases:board?status=incoming", 1),
        ("department_staff", "cases:queue", 1),
        ("grid_worker_a", "cases:verify", 1),
        ("grid_worker_b", "cases:verify", 0),
    ],
)
def test_home_links_the_work_lists_with_counts(
    client, personas, new_case, persona, url_name, count
):
    new_case()  # waits on the board
    reported_back(new_case(description="占道经营"), personas)  # waits for verification
    dispatched(new_case(description="乱堆杂物"), personas)  # waits in the queue
    client.force_login(getattr(personas, persona))
    page = client.get(reverse("home")).content.decode()
    body = page[page.index("<main") :]  # the home cards, not the navigation bar
    name, _, query = url_name.partition("?")
    link = f'href="{reverse(name)}{"?" + query if query else ""}"'
    assert link in body
    after = body[body.index(link) :]
    assert f"data-count>{count}</span>" in after[: after.index("</a>") + 4]


@pytest.mark.parametrize("persona", ["resident_a", "outsider"])
def test_home_offers_no_case_work_lists_to_others(client, personas, persona):
    client.force_login(getattr(personas, persona))
    body = client.get(reverse("home")).content.decode()
    for name in ("board", "queue", "verify"):
        assert reverse(f"cases:{name}") not in body


@pytest.mark.parametrize(
    ("persona", "url_name", "prepare", "action", "placeholder"),
    [
        ("department_staff", "cases:queue", dispatched, "return", "不属于本部门"),
        ("grid_worker_a", "cases:verify", reported_back, "reopen", "仍存在"),
    ],
)
def test_work_list_rows_offer_reason_forms_that_act_on_the_row(
    client, personas, new_case, persona, url_name, prepare, action, placeholder
):
    case = prepare(new_case(), personas)
    client.force_login(getattr(personas, persona))
    page = client.get(reverse(url_name)).content.decode()
    form_url = reverse("cases:case_action", args=[case.number, action])
    assert f'hx-post="{form_url}"' in page
    assert f'data-action="{action}-submit"' in page
    row = client.post(
        form_url,
        {"reason": "现场" + placeholder, "list": url_name.split(":")[1]},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200
    case.refresh_from_db()
    assert case.status == {"return": "returned", "reopen": "reopened"}[action]
    # Again, without a reason: refused (a returned case has also left the department's hands,
    # so it is not found), and nothing changes.
    before = case.version
    refused = client.post(form_url, {"reason": "", "list": "queue"}, HTTP_HX_REQUEST="true")
    assert refused.status_code in (400, 404, 409)
    case.refresh_from_db()
    assert case.version == before
