"""Events fanned out by the worker: recorded with the change, told to everyone exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy

from meihao.notify import fanout, tasks
from meihao.notify.models import FanOut, Message
from meihao.notify.services import notify_enqueue, notify_later
from meihao.people.models import User

START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
EVENT = "tests.street_party"
FAILING = "tests.always_fails"


@fanout.fan_out_handler(EVENT, label="街坊联欢")
def tell_the_street(*, user_ids: list[int], street: str) -> None:
    notify_enqueue(
        recipients=User.objects.filter(pk__in=user_ids),
        kind="street_party",
        subject=gettext_lazy("Test message from Meihao"),
        body="{{ street }} 街坊联欢",
        context={"street": street},
        idempotency_key="party:" + "-".join(map(str, user_ids)),
    )


@fanout.fan_out_handler(FAILING, label="总是失败")
def always_fails(**payload) -> None:
    notify_enqueue(
        recipients=User.objects.all(),
        kind="street_party",
        subject="x",
        body="x",
        idempotency_key="never",
    )
    raise ConnectionError("the directory is down")


def record(personas, key="party:1", event=EVENT):
    notify_later(
        event=event,
        payload={"user_ids": [personas.resident_a.pk, personas.resident_b.pk], "street": "骑楼街"},
        idempotency_key=key,
    )


def test_a_committed_event_tells_everyone_once_the_change_commits(personas, committed):
    with committed():
        record(personas)
        assert Message.objects.count() == 0  # not in the request's transaction
    event = FanOut.objects.get()
    assert (event.status, event.attempts, event.done_at is not None) == ("done", 1, True)
    told = Message.objects.filter(kind="street_party")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [personas.resident_a.pk, personas.resident_b.pk]
    )
    assert told.first().body == "骑楼街 街坊联欢"
    # Running the sweep again writes nothing twice.
    FanOut.objects.update(status=FanOut.Status.PENDING, lease_until=None)
    assert tasks.fan_out_due.call_local() == {"done": 1}
    assert told.count() == 2


def test_a_rolled_back_change_records_no_event(personas, committed):
    with pytest.raises(RuntimeError), committed():
        record(personas)
        raise RuntimeError("the request failed after the change")
    assert FanOut.objects.count() == 0
    assert Message.objects.count() == 0


def test_the_same_event_twice_is_recorded_once(personas):
    with transaction.atomic():
        record(personas)
        record(personas)
    assert FanOut.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(personas):
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        record(personas)
    assert FanOut.objects.count() == 0


def test_recording_an_unknown_event_or_a_bad_key_is_refused(personas):
    with pytest.raises(ValueError), transaction.atomic():
        record(personas, event="tests.nobody_listens")
    with pytest.raises(ValueError), transaction.atomic():
        record(personas, key="has spaces")
    assert FanOut.objects.count() == 0


def test_a_second_handler_for_one_event_is_refused():
    with pytest.raises(ImproperlyConfigured):
        fanout.fan_out_handler(EVENT, label="again")(lambda **payload: None)


def test_a_failing_handler_writes_nothing_and_is_retried_then_given_up(personas, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    with time_machine.travel(START, tick=False) as clock:
        with transaction.atomic():
            record(personas, event=FAILING)
        assert fanout.fan_out_due() == {"pending": 1}
        event = FanOut.objects.get()
        assert event.attempts == 1
        assert "ConnectionError: the directory is down" in event.last_error
        assert event.next_attempt_at == START + timedelta(minutes=1)
        assert Message.objects.count() == 0  # the handler's messages rolled back with it
        assert fanout.fan_out_due() == {}  # not due during the back-off
        clock.shift(timedelta(minutes=1))
        assert fanout.fan_out_due() == {"dead": 1}
        assert FanOut.objects.get().status == FanOut.Status.DEAD
        clock.shift(timedelta(hours=1))
        assert fanout.fan_out_due() == {}


def test_worker_killed_mid_fan_out_is_run_again_after_the_lease(personas, settings):
    settings.NOTIFY_LEASE_SECONDS = 120
    with time_machine.travel(START, tick=False) as clock:
        with transaction.atomic():
            record(personas)
        # A worker claims the event and dies before writing anything.
        assert fanout.claim(FanOut.objects.get().pk)
        clock.shift(timedelta(seconds=119))
        assert tasks.fan_out_due.call_local() == {}
        assert Message.objects.count() == 0
        clock.shift(timedelta(seconds=2))
        assert tasks.fan_out_due.call_local() == {"done": 1}
        assert Message.objects.count() == 2
        assert FanOut.objects.get().attempts == 2


def test_a_worker_whose_lease_was_taken_over_commits_nothing(personas, monkeypatch):
    with transaction.atomic():
        record(personas)
    event = FanOut.objects.get()

    def slow_handler(**payload):
        # Meanwhile the lease ran out and another worker claimed the event.
        FanOut.objects.filter(pk=event.pk).update(lease_token="another-worker")
        tell_the_street(**payload)

    monkeypatch.setitem(fanout.HANDLERS, EVENT, slow_handler)
    assert fanout.run_one(event.pk) is None
    assert Message.objects.count() == 0
    assert FanOut.objects.get().status == FanOut.Status.PENDING


def test_fan_out_tasks_have_stable_names():
    assert tasks.fan_out.name == "notify.fan_out"
    assert tasks.fan_out_due.name == "notify.fan_out_due"
