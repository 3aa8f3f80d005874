"""The street chief's first screen and push (issue 10): the late section (at a department, at
verification; red and amber, urgent first) above the incoming cases; urging (督办) as an engine
step — event, counter, messages to whoever holds the case — refused out of scope and on closed
cases with nothing changed; the urgent mark (加急) sorting first on every work list and
filtering them; the home page's counts, each a link to its filtered list.

The clock is pinned (a Monday morning); deadlines are set relative to it on the rows.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meihao.cases import services
from meihao.cases.models import Case, CaseEvent, Status
from meihao.cases.tests.conftest import local
from meihao.core.models import AuditEvent
from meihao.notify.models import Message

MONDAY = local(2024, 5, 20, 9, 0)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(MONDAY, tick=False):
        yield


def dispatched(case, personas, **assignment):
    return services.case_dispatch(
        case=case,
        actor=personas.street_chief_a,
        organisation=personas.department,
        **assignment,
    )


def due(case, *, warn_hours: float, due_hours: float) -> Case:
    """Set the handling clock's amber and due instants relative to now."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        resolve_warn_at=now + timedelta(hours=warn_hours),
        resolve_by=now + timedelta(hours=due_hours),
    )
    return Case.objects.get(pk=case.pk)


def reported_back(case, personas):
    dispatched(case, personas)
    services.case_start(case=case, actor=personas.department_staff)
    return services.case_report_back(case=case, actor=personas.department_staff, note="已清理")


def snapshot(case) -> tuple:
    row = Case.objects.values("status", "version", "urge_count", "urgent").get(pk=case.pk)
    return (
        row,
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
        Message.objects.count(),
    )


def numbers(rows) -> list[str]:
    return [row["case"].number for row in rows]


# ---------------------------------------------------------------------------------------------
# The first screen


def test_first_screen_shows_late_cases_anywhere_above_the_incoming_ones(client, personas, new_case):
    incoming = new_case(description="刚上报的乱摆卖")
    road_collapse = dispatched(new_case(description="路面塌陷"), personas)
    red_at_department = due(road_collapse, warn_hours=-19 * 24, due_hours=-18 * 24)
    amber_at_department = due(
        dispatched(new_case(description="占道经营"), personas), warn_hours=-1, due_hours=2
    )
    green_at_department = due(
        dispatched(new_case(description="乱堆杂物"), personas), warn_hours=3, due_hours=5
    )
    red_at_verification = due(
        reported_back(new_case(description="井盖缺失"), personas), warn_hours=-30, due_hours=-24
    )
    other_street = new_case(lat=23.41, lon=111.305)  # grid B1, street B
    services.case_dispatch(
        case=other_street, actor=personas.district_admin, organisation=personas.department
    )
    other_street = due(other_street, warn_hours=-30, due_hours=-24)
    client.force_login(personas.street_chief_a)
    response = client.get(reverse("cases:board"))
    late = response.context["late"]
    # Red before amber (the earliest deadline first); green and incoming cases are not late.
    assert numbers(late["rows"]) == [
        red_at_department.number,
        red_at_verification.number,
        amber_at_department.number,
    ]
    assert late["count"] == 3
    assert numbers(response.context["rows"]) == [incoming.number]
    body = response.content.decode()
    assert green_at_department.number not in body
    assert other_street.number not in body
    # The late section comes first, each late case offering the push in words.
    assert body.index('data-section="late"') < body.index('data-section="incoming"')
    assert body.index(red_at_department.number) < body.index(incoming.number)
    assert "督办 万秀区城市管理局" in body
    assert "立案并派遣给" in body


def test_first_screen_puts_urgent_cases_first_and_links_to_the_whole_late_list(
    client, personas, new_case
):
    red = due(dispatched(new_case(), personas), warn_hours=-30, due_hours=-24)
    amber = due(dispatched(new_case(), personas), warn_hours=-1, due_hours=2)
    services.case_mark_urgent(case=amber, actor=personas.street_chief_a)
    client.force_login(personas.street_chief_a)
    response = client.get(reverse("cases:board"))
    assert numbers(response.context["late"]["rows"]) == [amber.number, red.number]
    assert response.context["late"]["all_url"] == reverse("cases:board") + "?status=late"
    everything = client.get(reverse("cases:board") + "?status=late")
    assert numbers(everything.context["rows"]) == [amber.number, red.number]
    assert "late" not in everything.context


# ---------------------------------------------------------------------------------------------
# Urging (督办 / 催办)


@pytest.fixture
def team_with_leader(personas, street_team):
    from meihao.core.testing import make_user
    from meihao.people.models import TeamMember

    leader = make_user("13800000091", "城管队长")
    member = make_user("13800000092", "城管队员")
    TeamMember.objects.create(
        team=street_team, person=leader.person, position=TeamMember.Position.LEADER
    )
    TeamMember.objects.create(team=street_team, person=member.person)
    TeamMember.objects.create(team=street_team, person=personas.department_staff.person)
    return street_team, leader, member


def test_urging_records_the_event_counts_and_tells_the_handler_and_the_team_leader(
    client, personas, new_case, team_with_leader
):
    team, leader, member = team_with_leader
    case = due(
        dispatched(new_case(), personas, team=team, user=personas.department_staff),
        warn_hours=-30,
        due_hours=-24,
    )
    before = Message.objects.count()
    client.force_login(personas.street_chief_a)
    url = reverse("cases:case_action", args=[case.number, "urge"])
    response = client.post(url, {"list": "board", "note": "今天下班前处理"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-urge-count="1"' in body and "已督办 1 次" in body
    case.refresh_from_db()
    assert (case.urge_count, case.last_urged_at, case.status) == (1, timezone.now(), "dispatched")
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.actor) == ("urge", personas.street_chief_a)
    assert event.note == "今天下班前处理"
    assert event.data == {"count": 1}
    messages = Message.objects.filter(kind="case_urged").order_by("recipient_id")
    assert {m.recipient for m in messages} == {personas.department_staff, leader}
    assert Message.objects.count() == before + 2
    text = messages[0].subject + messages[0].body
    # The problem in the reader's words: the class by name, the place, the description.
    assert "乱摆卖" in text and "骑楼社区第1网格" in text and "流动摊贩" in text
    assert "今天下班前处理" in messages[0].body
    # Again: the counter goes on, the timeline has both, a second message each.
    client.post(url, {"list": "board"}, HTTP_HX_REQUEST="true")
    case.refresh_from_db()
    assert case.urge_count == 2
    assert CaseEvent.objects.filter(case=case, action="urge").count() == 2
    assert Message.objects.filter(kind="case_urged").count() == 4
    assert member not in {m.recipient for m in Message.objects.filter(kind="case_urged")}
    # The case page's timeline shows the step.
    detail = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-action="urge"' in detail and "督办" in detail


def test_urging_a_case_at_verification_tells_the_grid_workers(personas, new_case):
    case = reported_back(new_case(), personas)
    services.case_urge(case=case, actor=personas.street_chief_a)
    recipients = {m.recipient for m in Message.objects.filter(kind="case_urged")}
    assert recipients == {personas.grid_worker_a}


@pytest.mark.parametrize(("persona", "status"), [("grid_worker_b", 404), ("department_staff", 403)])
def test_urging_out_of_scope_is_refused_with_nothing_changed(
    client, personas, new_case, persona, status
):
    case = dispatched(new_case(), personas)
    before = snapshot(case)
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("cases:case_action", args=[case.number, "urge"]))
    assert response.status_code == status
    assert snapshot(case) == before


def test_urging_a_closed_case_is_refused_with_nothing_changed(client, personas, new_case):
    case = reported_back(new_case(), personas)
    services.case_verify_close(case=case, actor=personas.grid_worker_a)
    before = snapshot(case)
    client.force_login(personas.street_chief_a)
    response = client.post(reverse("cases:case_action", args=[case.number, "urge"]))
    assert response.status_code == 409
    assert snapshot(case) == before


# ---------------------------------------------------------------------------------------------
# The urgent mark (加急)


def test_urgent_cases_sort_first_and_filter_the_board(client, personas, new_case):
    first_due, later_due = new_case(), new_case()
    later = first_due.respond_by + timedelta(hours=1)
    Case.objects.filter(pk=later_due.pk).update(respond_by=later)
    client.force_login(personas.street_chief_a)
    client.post(reverse("cases:case_action", args=[later_due.number, "mark_urgent"]))
    later_due.refresh_from_db()
    assert later_due.urgent
    board = client.get(reverse("cases:board") + "?status=incoming")
    assert numbers(board.context["rows"]) == [later_due.number, first_due.number]
    assert "加急" in board.content.decode()
    only = client.get(reverse("cases:board") + "?status=incoming&urgent=1")
    assert numbers(only.context["rows"]) == [later_due.number]
    client.post(reverse("cases:case_action", args=[later_due.number, "unmark_urgent"]))
    board = client.get(reverse("cases:board") + "?status=incoming")
    assert numbers(board.context["rows"]) == [first_due.number, later_due.number]


def test_only_a_supervisor_marks_a_case_urgent(client, personas, new_case):
    case = new_case()
    before = snapshot(case)
    client.force_login(personas.community_staff_a)
    response = client.post(reverse("cases:case_action", args=[case.number, "mark_urgent"]))
    assert response.status_code == 403
    assert snapshot(case) == before


def test_urgent_cases_sort_first_and_filter_the_queue(client, personas, new_case):
    early = due(dispatched(new_case(), personas), warn_hours=1, due_hours=2)
    late = due(dispatched(new_case(), personas), warn_hours=5, due_hours=6)
    services.case_mark_urgent(case=late, actor=personas.street_chief_a)
    client.force_login(personas.department_staff)
    queue = client.get(reverse("cases:queue"))
    assert numbers(queue.context["rows"]) == [late.number, early.number]
    assert "data-urgent-badge" in queue.content.decode()
    only = client.get(reverse("cases:queue") + "?urgent=1")
    assert numbers(only.context["rows"]) == [late.number]


def test_urgent_cases_sort_first_and_filter_the_verification_list(client, personas, new_case):
    waiting_longer = reported_back(new_case(), personas)
    urgent = reported_back(new_case(), personas)
    services.case_mark_urgent(case=urgent, actor=personas.street_chief_a)
    client.force_login(personas.grid_worker_a)
    verify = client.get(reverse("cases:verify"))
    assert numbers(verify.context["rows"]) == [urgent.number, waiting_longer.number]
    only = client.get(reverse("cases:verify") + "?urgent=1")
    assert numbers(only.context["rows"]) == [urgent.number]


def pushed(case, personas) -> Case:
    """Marked urgent (加急) and urged twice (督办) by the street chief."""
    services.case_mark_urgent(case=case, actor=personas.street_chief_a)
    services.case_urge(case=Case.objects.get(pk=case.pk), actor=personas.street_chief_a)
    return services.case_urge(case=Case.objects.get(pk=case.pk), actor=personas.street_chief_a)


def push_badges(html: str) -> tuple[bool, str | None]:
    """(whether the 加急 badge is shown, the 督办 count shown) in a piece of a page."""
    urgent = re.search(r"data-urgent-badge>加急<", html) is not None
    urged = re.search(r'data-urge-count="(\d+)">已督办 (\d+) 次<', html)
    if urged:
        assert urged.group(1) == urged.group(2)
    return urgent, urged.group(1) if urged else None


def test_the_case_page_header_shows_the_urgent_mark_and_the_urge_count_to_staff(
    client, personas, new_case
):
    plain = dispatched(new_case(), personas)
    case = pushed(dispatched(new_case(), personas), personas)
    for persona in (personas.street_chief_a, personas.department_staff, personas.grid_worker_a):
        client.force_login(persona)
        page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
        header = page.split('id="case-status"')[0]
        assert push_badges(header) == (True, "2"), persona
        page = client.get(reverse("cases:detail", args=[plain.number])).content.decode()
        assert push_badges(page) == (False, None), persona


def test_the_case_page_keeps_the_push_from_the_resident_who_reported_it(client, personas, new_case):
    case = pushed(dispatched(new_case(actor=personas.resident_a), personas), personas)
    client.force_login(personas.resident_a)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert page.context["citizen"]
    assert push_badges(page.content.decode()) == (False, None)


def test_the_verification_list_shows_the_urgent_mark_and_the_urge_count(client, personas, new_case):
    plain = reported_back(new_case(), personas)
    case = pushed(reported_back(new_case(), personas), personas)
    client.force_login(personas.grid_worker_a)
    html = client.get(reverse("cases:verify")).content.decode()
    rows = {chunk.split('"', 1)[0]: chunk for chunk in html.split('data-case="')[1:]}
    assert push_badges(rows[case.number]) == (True, "2")
    assert push_badges(rows[plain.number]) == (False, None)
    # The rows the filter swaps in (htmx) carry them too.
    one = client.get(reverse("cases:verify") + "?urgent=1", HTTP_HX_REQUEST="true")
    assert push_badges(one.content.decode()) == (True, "2")


# ---------------------------------------------------------------------------------------------
# Home counts


def test_home_shows_the_chiefs_counts_each_linking_to_its_filtered_list(client, personas, new_case):
    incoming = new_case()
    at_department = due(dispatched(new_case(), personas), warn_hours=-30, due_hours=-24)
    at_verification = due(reported_back(new_case(), personas), warn_hours=-30, due_hours=-24)
    due(dispatched(new_case(), personas), warn_hours=-1, due_hours=2)  # amber: not overdue
    services.case_urge(case=at_department, actor=personas.street_chief_a)
    client.force_login(personas.street_chief_a)
    home = client.get(reverse("home"))
    card = next(c for c in home.context["cards"] if c.role == "street_chief")
    board = reverse("cases:board")
    counts = {
        link.url: link.count
        for link in card.links
        if link.count is not None and link.url.startswith(board)
    }
    assert counts == {
        f"{board}?status=incoming": 1,
        f"{board}?status=open&overdue=1": 2,
        f"{board}?status=open&overdue=1&urged=1": 1,
    }
    expected = {
        f"{board}?status=incoming": [incoming.number],
        f"{board}?status=open&overdue=1": [at_department.number, at_verification.number],
        f"{board}?status=open&overdue=1&urged=1": [at_department.number],
    }
    for url, shown in expected.items():
        assert sorted(numbers(client.get(url).context["rows"])) == sorted(shown), url
    body = home.content.decode()
    assert f'href="{board}?status=open&amp;overdue=1&amp;urged=1"' in body


def test_home_counts_nothing_late_for_the_department(client, personas, new_case):
    due(dispatched(new_case(), personas), warn_hours=-30, due_hours=-24)
    client.force_login(personas.department_staff)
    card = next(
        c for c in client.get(reverse("home")).context["cards"] if c.role == "department_staff"
    )
    assert [(link.url, link.count) for link in card.links if link.count is not None] == [
        (reverse("cases:queue"), 1)
    ]
    assert Case.objects.get().status == Status.DISPATCHED
