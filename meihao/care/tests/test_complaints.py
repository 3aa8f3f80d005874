"""What went wrong with an order: the provider came late or not at all, and 黄阿婆's daughter
complains. The complaint is a case the community's staff take up on the engine; the figures
count no-shows and complaints by provider."""

import datetime
import html
import re

import pytest

from meihao.care import services
from meihao.care.models import CareOrder, Complaint
from meihao.care.selectors import provider_record
from meihao.care.tests.conftest import HOME, NOW, TOMORROW_NOON
from meihao.cases.models import Case, CaseEvent, Status
from meihao.cases.services import case_claim, case_report_back, case_verify_close
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.testing import make_user
from meihao.insights.registry import REGISTRY, Span, ranked

DECEMBER = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


@pytest.fixture
def taken(elder, meal, canteen, cook, grandma_user):
    order = services.order_place(
        actor=grandma_user, elder=elder, service=meal, starts_at=TOMORROW_NOON
    )
    return services.order_take(actor=cook, order=order)


def test_the_daughter_complains_the_community_looks_into_it_and_she_accepts_the_answer(
    client, personas, taken, daughter, cook, time_machine
):
    # The cook arrives 40 minutes late.
    time_machine.move_to(TOMORROW_NOON + datetime.timedelta(minutes=40), tick=False)
    services.order_check_in(actor=cook, order=taken, lat=HOME[0], lon=HOME[1])
    assert CareOrder.objects.get(pk=taken.pk).minutes_late == 40

    client.force_login(daughter)
    page = client.get(f"/care/orders/{taken.case.number}/")
    assert 'id="order-late"' in page.text and "迟到40分钟" in page.text
    assert 'id="complaint-form"' in page.text
    response = client.post(
        f"/care/orders/{taken.case.number}/complain/",
        {"text": "午饭晚到四十分钟，饭菜都凉了", "key": "abc123"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(order=taken)
    case = complaint.case
    assert case.case_type.code == "COMPLAINT" and case.number.startswith("TS")
    assert case.reporter == taken.elder.person and case.place == taken.case.place
    assert complaint.provider == taken.provider and "饭菜都凉了" in case.description
    assert CaseEvent.objects.filter(case=taken.case, action="complain", note=case.number).exists()
    # The same form sent twice files one complaint.
    client.post(
        f"/care/orders/{taken.case.number}/complain/", {"text": "再说一次", "key": "abc123"}
    )
    assert Complaint.objects.filter(order=taken).count() == 1
    page = client.get(f"/care/orders/{taken.case.number}/")
    assert case.number in page.text and 'id="complaint-form"' not in page.text

    # The community's staff take it up, look into it and answer; the daughter accepts it.
    staff = personas.community_staff_a
    case_claim(case=case, actor=staff)
    case_report_back(case=case, actor=staff, note="已约谈食堂，送餐改为提前半小时出发")
    detail = client.get(f"/cases/{case.number}/")
    assert detail.status_code == 200
    assert 'id="complaint"' in detail.text and taken.case.number in detail.text
    assert "迟到40分钟" in detail.text and "骑楼长者食堂" in detail.text
    case_verify_close(case=Case.objects.get(pk=case.pk), actor=daughter)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    record = provider_record(taken.provider, today=TOMORROW_NOON.date())
    assert (record.served, record.late, record.minutes_late, record.on_time_percent) == (
        1,
        1,
        40,
        0,
    )
    # Settled: another complaint may be made.
    page = client.get(f"/care/orders/{taken.case.number}/")
    assert 'id="complaint-form"' in page.text


def test_the_provider_never_reads_the_complaint_about_it(client, personas, taken, daughter, cook):
    complaint = services.order_complain(actor=daughter, order=taken, text="态度不好")
    client.force_login(cook)
    assert client.get(f"/cases/{complaint.case.number}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.order_complain(actor=cook, order=taken, text="自己投诉自己")


def test_bad_complaints_are_refused_and_change_nothing(
    personas, elder, meal, grandma_user, taken, daughter, time_machine
):
    untaken = services.order_place(
        actor=grandma_user,
        elder=elder,
        service=meal,
        starts_at=TOMORROW_NOON + datetime.timedelta(days=1),
    )
    stranger = make_user("13900009999", "路人", home=personas.tree.grid_b1)
    cases = Case.objects.count()
    refusals = [
        (untaken, daughter, "没人接单", ValidationFailed, "not_taken"),
        (taken, daughter, "   ", ValidationFailed, "required"),
        (taken, daughter, "长" * 501, ValidationFailed, "max_length"),
        (taken, stranger, "路人投诉", NotFound, "not_found"),
        (taken, personas.grid_worker_b, "别的社区", NotFound, "not_found"),
    ]
    for order, actor, text, error, code in refusals:
        with pytest.raises(error) as raised:
            services.order_complain(actor=actor, order=order, text=text)
        assert raised.value.code == code
    services.order_complain(actor=daughter, order=taken, text="第一次")
    with pytest.raises(ValidationFailed) as raised:
        services.order_complain(actor=grandma_user, order=taken, text="第二次")
    assert raised.value.code == "complaint_open"
    # A month after the service, complaints are no longer taken.
    time_machine.move_to(taken.ends_at + datetime.timedelta(days=31), tick=False)
    Case.objects.filter(care_complaint__order=taken).update(status=Status.CLOSED)
    with pytest.raises(ValidationFailed) as raised:
        services.order_complain(actor=daughter, order=taken, text="太晚了")
    assert raised.value.code == "too_late"
    assert Case.objects.count() == cases + 1 and Complaint.objects.count() == 1


def test_bad_complaints_on_the_page_say_why_in_chinese(client, taken, daughter):
    client.force_login(daughter)
    response = client.post(f"/care/orders/{taken.case.number}/complain/", {"text": ""})
    assert response.status_code == 400 and "请说明" in response.text
    assert not Complaint.objects.exists()


def test_a_provider_that_never_came_is_a_no_show_a_cancellation_ahead_is_not(
    client, personas, elder, meal, canteen, cook, grandma_user, daughter, time_machine
):
    def lunch(day):
        order = services.order_place(
            actor=grandma_user,
            elder=elder,
            service=meal,
            starts_at=datetime.datetime.combine(
                day, datetime.time(11, 30), tzinfo=TOMORROW_NOON.tzinfo
            ),
        )
        return services.order_take(actor=cook, order=order)

    forgotten = lunch(datetime.date(2026, 12, 6))
    cancelled_ahead = lunch(datetime.date(2026, 12, 7))
    cancelled_waiting = lunch(datetime.date(2026, 12, 8))
    services.order_cancel(actor=daughter, order=cancelled_ahead)
    time_machine.move_to(cancelled_waiting.starts_at + datetime.timedelta(minutes=45), tick=False)
    services.order_cancel(actor=daughter, order=cancelled_waiting, reason="等了45分钟没人来")
    time_machine.move_to(datetime.datetime(2026, 12, 9, 9, 0, tzinfo=NOW.tzinfo), tick=False)

    now = datetime.datetime(2026, 12, 9, 9, 0, tzinfo=NOW.tzinfo)
    states = {
        o.pk: CareOrder.objects.get(pk=o.pk).is_no_show(now)
        for o in (forgotten, cancelled_ahead, cancelled_waiting)
    }
    assert states == {forgotten.pk: True, cancelled_ahead.pk: False, cancelled_waiting.pk: True}
    client.force_login(daughter)
    page = client.get(f"/care/orders/{forgotten.case.number}/")
    assert 'id="order-no-show"' in page.text and "服务商未上门" in page.text
    assert "<details" in page.text and 'id="complaint-form" open' in page.text

    services.order_complain(actor=daughter, order=forgotten, text="约好的午饭没送来")
    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    no_shows = REGISTRY["care_no_shows"]
    assert no_shows.measure(span).value == 2
    assert {o.pk for o in no_shows.records(span)} == {forgotten.pk, cancelled_waiting.pk}
    by_provider = ranked(no_shows, no_shows.ranking("provider"), span)
    assert [(r["key"], r["name"], r["measure"].value) for r in by_provider] == [
        (str(canteen.pk), "骑楼长者食堂", 2)
    ]
    record = provider_record(canteen, today=now.date())
    assert (record.served, record.no_shows, record.complaints) == (0, 2, 1)
    complaints = REGISTRY["care_complaints"]
    assert complaints.measure(span).value == 1
    record = complaints.records(span).get()
    assert complaints.link(record) == f"/cases/{record.case.number}/"
    assert [c.value(record) for c in complaints.columns][2] == forgotten.case.number
    other = Span.of(personas.tree.community_b.path, *DECEMBER)
    assert no_shows.measure(other).value == 0 and complaints.measure(other).value == 0

    # The provider's page shows its record to the officials, each figure a link to its records.
    client.force_login(personas.community_staff_a)
    page = client.get(f"/care/providers/{canteen.pk}/")
    found = re.search(
        r'id="record-no-shows" href="([^"]+)"><div class="fs-4[^"]*">(\d+)<', page.text
    )
    assert found and found.group(2) == "2"
    listed = client.get(html.unescape(found.group(1)))
    assert listed.status_code == 200
    assert forgotten.case.number in listed.text and cancelled_waiting.case.number in listed.text
    assert cancelled_ahead.case.number not in listed.text
    assert re.search(r'id="record-complaints"[^>]*><div class="fs-4[^"]*">1<', page.text)
    # Its own staff read the page without the record.
    client.force_login(cook)
    assert 'id="provider-record"' not in client.get(f"/care/providers/{canteen.pk}/").text
