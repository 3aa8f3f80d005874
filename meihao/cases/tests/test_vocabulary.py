"""Citizens read a case in its type's words (cases.vocabulary), with offices, not staff names,
on its timeline; the staff keep the engine's words and names."""

import pytest
from django.utils import translation

from meihao.cases import services
from meihao.cases.extensions import vocabulary_of
from meihao.cases.models import Status
from meihao.cases.states import TRANSITIONS
from meihao.cases.tests.reporter_helpers import close_case
from meihao.cases.vocabulary import REPORT
from meihao.notify.models import Message

ENGINE_WORDS = ("立案", "派遣")
TYPES = ["GRID", "WISH", "TIMEBANK", "VISIT"]


def _citizen_text(html: str) -> str:
    """What a citizen reads of a page: the engine's words must not be in it. The navigation
    (web/_nav.html) is the same on every page and names staff pages the citizen cannot open."""
    return html.split("<main", 1)[-1]


def assert_no_engine_words(text: str) -> None:
    for word in ENGINE_WORDS:
        assert word not in text, word


def test_the_report_words_name_every_state_and_action():
    assert set(REPORT.statuses) == set(Status.values)
    assert set(TRANSITIONS) <= set(REPORT.events)


@pytest.mark.parametrize("code", TYPES)
def test_no_citizen_word_is_an_engine_word(db, code):
    words = vocabulary_of(code)
    with translation.override("zh-hans"):
        labels = [words.status_label(s) for s in Status.values]
        labels += [words.event_label(a) for a in TRANSITIONS]
        for message in filter(None, (words.message(a) for a in TRANSITIONS)):
            labels += [str(message.subject), str(message.body)]
    for label in labels:
        assert_no_engine_words(label)
    assert len(set(labels)) > 10  # translated, not the action codes


@pytest.fixture
def reported(personas, new_case):
    """Resident A's report, dispatched by street chief A to the department and started."""
    case = new_case(actor=personas.resident_a)
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    services.case_start(case=case, actor=personas.department_staff)
    return case


def test_the_reporter_reads_the_state_and_the_offices(client, personas, reported):
    client.force_login(personas.resident_a)
    html = client.get(f"/cases/{reported.number}/").content.decode()
    text = _citizen_text(html)
    assert_no_engine_words(text)
    assert 'id="case-status">处理中<' in html
    # The offices that acted, the reporter's own step as 您, never a staff member's name.
    assert "城东街道办事处" in text and "万秀区城市管理局" in text
    assert '<span class="timeline-who">您</span>' in text
    for name in ("街长甲", "城管队员"):
        assert name not in text
    assert "提交了报告" in text and "转交办理" in text and "开始处理" in text


def test_the_staff_read_the_engine_words_and_names(client, personas, reported):
    client.force_login(personas.street_chief_a)
    html = client.get(f"/cases/{reported.number}/").content.decode()
    assert 'id="case-status">处置中<' in html
    assert "街长甲" in html and "城管队员" in html
    assert "派遣" in html


@pytest.mark.parametrize(
    "steps, label",
    [
        (0, "已提交"),
        (1, "已转交办理"),
        (2, "处理中"),
        (3, "待核实"),
        (4, "已办结"),
    ],
)
def test_my_cases_list_each_state_in_the_reporters_words(client, personas, new_case, steps, label):
    case = new_case(actor=personas.resident_a)
    staff = personas.department_staff
    walk = [
        lambda: services.case_dispatch(
            case=case, actor=personas.street_chief_a, organisation=personas.department
        ),
        lambda: services.case_start(case=case, actor=staff),
        lambda: services.case_report_back(case=case, actor=staff, note="已清理"),
        lambda: services.case_verify_close(case=case, actor=personas.grid_worker_a),
    ]
    for step in walk[:steps]:
        step()
    client.force_login(personas.resident_a)
    text = _citizen_text(client.get("/cases/mine/").content.decode())
    assert f">{label}</span>" in text
    assert_no_engine_words(text)


def test_the_public_reads_the_reporters_words(client, personas, reported):
    html = client.get(f"/cases/public/{reported.number}/").content.decode()
    text = _citizen_text(html)
    assert_no_engine_words(text)
    assert 'id="case-status">处理中<' in html
    assert "转交办理" in text


def test_the_reporter_is_told_in_their_words(personas, new_case):
    case = close_case(new_case(actor=personas.resident_a), personas)
    message = Message.objects.get(recipient=personas.resident_a, kind="case_closed")
    assert message.subject.startswith("已办结")
    assert case.number in message.body
    assert_no_engine_words(message.subject + message.body)
