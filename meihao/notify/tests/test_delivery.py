"""Delivery: a real HTTP POST to a WeCom robot, back-off, dead letters, leases, email."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from meihao.notify import delivery as sending
from meihao.notify import tasks
from meihao.notify.models import (
    Channel,
    ChannelChoice,
    Delivery,
    Message,
    Preference,
    TeamChannel,
)
from meihao.notify.services import delivery_retry_now, notify_enqueue, notify_team

START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def team_message(team, key="case:42:dispatched:1", body="骑楼社区 乱摆卖\n请尽快处置"):
    with transaction.atomic():
        notify_team(
            team=team,
            kind="case_dispatched",
            subject=gettext_lazy("Test message from Meihao"),
            body=body,
            link="/cases/42/",
            idempotency_key=key,
            inbox_members=False,
        )
    return Delivery.objects.get(message__team=team, channel=Channel.WECOM)


def test_wecom_receives_the_documented_markdown_json(team_channel, robot, settings, committed):
    settings.NOTIFY_BASE_URL = "https://meihao.example.cn"
    team = team_channel.team
    with committed():
        notify_team(
            team=team,
            kind="case_dispatched",
            subject=gettext_lazy("Test message from Meihao"),
            body="骑楼社区 乱摆卖\n请尽快处置",
            link="/cases/42/",
            idempotency_key="case:42:dispatched:1",
            inbox_members=False,
        )
    assert len(robot.requests) == 1
    request = robot.requests[0]
    assert request["path"] == "/cgi-bin/webhook/send?key=test-key"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"]) == {
        "msgtype": "markdown",
        "markdown": {
            "content": (
                "**美好社区测试消息**\n"
                "骑楼社区 乱摆卖\n请尽快处置\n"
                "[查看](https://meihao.example.cn/cases/42/)\n"
                f'<font color="comment">case:42:dispatched:1:t{team.pk}</font>'
            )
        },
    }
    delivery = Delivery.objects.get(channel=Channel.WECOM)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.lease_until is None


def test_wecom_markdown_is_cut_to_the_robots_limit(team_channel):
    delivery = team_message(team_channel.team, body="长" * 3000)
    content = sending.wecom_markdown(delivery.message)
    assert len(content.encode()) <= sending.WECOM_MARKDOWN_LIMIT
    assert content.endswith(f"{delivery.message.idempotency_key}</font>")


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (500, b"oops", "HTTP 500"),
        (200, b'{"errcode":93000,"errmsg":"invalid webhook url"}', "errcode 93000"),
        (200, b"<html>", "non-JSON"),
    ],
)
def test_failure_is_retried_with_growing_back_off_then_dead(
    team_channel, robot, settings, status, answer, error
):
    settings.NOTIFY_MAX_ATTEMPTS = 8
    with time_machine.travel(START, tick=False) as clock:
        delivery = team_message(team_channel.team)
        robot.fail(8, status, answer)
        gaps = []
        for attempt in range(1, 9):
            outcome = sending.deliver_due()
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
            assert error in delivery.last_error
            assert delivery.lease_until is None
            if attempt < 8:
                assert outcome == {"failed": 1}
                assert delivery.status == Delivery.Status.FAILED
                gap = delivery.next_attempt_at - timezone.now()
                gaps.append(gap)
                # Not before the back-off has passed.
                clock.shift(gap - timedelta(seconds=1))
                assert sending.deliver_due() == {}
                clock.shift(timedelta(seconds=1))
        assert gaps == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64)]
        assert delivery.status == Delivery.Status.DEAD
        assert len(robot.requests) == 8
        clock.shift(timedelta(days=1))
        assert sending.deliver_due() == {}
        assert len(robot.requests) == 8


def test_failure_then_success_is_sent_on_the_retry(team_channel, robot):
    with time_machine.travel(START, tick=False) as clock:
        delivery = team_message(team_channel.team)
        robot.fail(1)
        assert sending.deliver_due() == {"failed": 1}
        clock.shift(timedelta(minutes=1))
        assert sending.deliver_due() == {"sent": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(robot.requests) == 2
    # Both attempts carry the same key, so the group (or a relay) can drop a repeat.
    assert robot.json_bodies()[0] == robot.json_bodies()[1]


def test_unreachable_robot_is_a_retryable_failure(team_channel, robot):
    delivery = team_message(team_channel.team)
    robot.server.shutdown()
    robot.server.server_close()
    assert sending.deliver_due() == {"failed": 1}
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error


def test_team_without_webhook_any_more_is_dead_at_once(team_channel, robot):
    delivery = team_message(team_channel.team)
    TeamChannel.objects.filter(pk=team_channel.pk).update(wecom_webhook_url="")
    assert sending.deliver_due() == {"dead": 1}
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DEAD
    assert "webhook" in delivery.last_error
    assert robot.requests == []


def test_worker_killed_mid_delivery_is_delivered_once_more_after_the_lease(
    team_channel, robot, settings
):
    settings.NOTIFY_LEASE_SECONDS = 120
    with time_machine.travel(START, tick=False) as clock:
        delivery = team_message(team_channel.team)
        # A worker claims it and dies before sending or recording anything.
        dead_worker = sending.claim(delivery.pk)
        assert dead_worker
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENDING
        assert delivery.lease_until == START + timedelta(seconds=120)
        # While the lease lives, nobody else sends it.
        clock.shift(timedelta(seconds=119))
        assert tasks.deliver_due.call_local() == {}
        assert robot.requests == []
        # The lease runs out: the minute sweep recovers it.
        clock.shift(timedelta(seconds=2))
        assert tasks.deliver_due.call_local() == {"sent": 1}
        assert len(robot.requests) == 1
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SENT
        assert delivery.attempts == 2
        # Later sweeps leave a sent delivery alone.
        clock.shift(timedelta(hours=1))
        assert tasks.deliver_due.call_local() == {}
        assert len(robot.requests) == 1
        # The dead worker's token no longer records anything.
        assert sending._record_sent(delivery.pk, dead_worker) is False


def test_second_claim_loses_while_the_first_holds_the_lease(team_channel):
    delivery = team_message(team_channel.team)
    first = sending.claim(delivery.pk)
    second = sending.claim(delivery.pk)
    assert first and second is None
    delivery.refresh_from_db()
    assert delivery.lease_token == first
    assert delivery.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_from_many_threads_only_one_wins(team_channel):
    delivery = team_message(team_channel.team)  # committed: sent at once (immediate Huey)
    assert delivery.status == Delivery.Status.SENT
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, attempts=0)
    workers = 6
    barrier = threading.Barrier(workers)
    tokens, errors = [], []

    def worker():
        try:
            barrier.wait()
            tokens.append(sending.claim(delivery.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    winners = [t for t in tokens if t]
    assert len(winners) == 1
    delivery.refresh_from_db()
    assert delivery.lease_token == winners[0]
    assert delivery.attempts == 1


def test_email_carries_a_message_id_derived_from_the_key(personas, committed, settings):
    settings.DEFAULT_FROM_EMAIL = "meihao@wanxiu.gov.cn"
    settings.NOTIFY_BASE_URL = "https://meihao.example.cn/"
    Preference.objects.create(user=personas.resident_a, email="a@example.com")
    ChannelChoice.objects.create(user=personas.resident_a, kind="case_closed", channel="email")
    with committed():
        (message,) = notify_enqueue(
            recipients=[personas.resident_a],
            kind="case_closed",
            subject=gettext_lazy("Test message from Meihao"),
            body="您反映的问题已办结。",
            link="/cases/9/",
            idempotency_key="case:9:closed",
        )
    (email,) = mail.outbox
    assert email.to == ["a@example.com"]
    assert email.subject == "美好社区测试消息"
    assert email.body == "您反映的问题已办结。\n\nhttps://meihao.example.cn/cases/9/"
    assert email.extra_headers["Message-ID"] == sending.message_id_header(message.idempotency_key)
    assert email.extra_headers["Message-ID"].endswith("@wanxiu.gov.cn>")
    assert email.extra_headers["X-Meihao-Idempotency-Key"] == message.idempotency_key
    assert email.message()["Message-ID"] == email.extra_headers["Message-ID"]
    delivery = message.deliveries.get(channel=Channel.EMAIL)
    assert delivery.status == Delivery.Status.SENT


def test_message_id_is_stable_per_key_and_differs_between_keys():
    assert sending.message_id_header("a:1") == sending.message_id_header("a:1")
    assert sending.message_id_header("a:1") != sending.message_id_header("a:2")


def test_email_failure_is_retried(personas, settings):
    settings.EMAIL_BACKEND = "meihao.notify.tests.test_delivery.BrokenBackend"
    Preference.objects.create(user=personas.resident_a, email="a@example.com")
    ChannelChoice.objects.create(user=personas.resident_a, kind="case_closed", channel="email")
    with transaction.atomic():
        notify_enqueue(
            recipients=[personas.resident_a],
            kind="case_closed",
            subject="x",
            body="y",
            idempotency_key="case:9:closed",
        )
    assert sending.deliver_due() == {"failed": 1}
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert "SMTP down" in delivery.last_error


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP down")


def test_admin_retry_now_requeues_a_dead_delivery(team_channel, robot, personas, committed):
    with time_machine.travel(START, tick=False):
        delivery = team_message(team_channel.team)
        robot.fail(1, 500)
        Delivery.objects.filter(pk=delivery.pk).update(attempts=7)
        sending.deliver_due()
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.DEAD
        with committed():
            assert delivery_retry_now(deliveries=[delivery], actor=personas.district_admin) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert len(robot.requests) == 2


def test_deliver_task_ignores_sent_and_unknown_ids(team_channel, robot):
    delivery = team_message(team_channel.team)
    assert tasks.deliver.call_local([delivery.pk]) == {"sent": 1}
    assert tasks.deliver.call_local([delivery.pk, 999999]) == {}
    assert len(robot.requests) == 1


def test_huey_tasks_have_stable_names():
    # Queued tasks are looked up by name: renaming one would orphan what is in the queue.
    assert tasks.deliver.name == "notify.deliver"
    assert tasks.deliver_due.name == "notify.deliver_due"


def test_inbox_messages_are_never_handed_to_the_worker(personas):
    with transaction.atomic():
        notify_enqueue(
            recipients=[personas.resident_a],
            kind="case_closed",
            subject="x",
            body="",
            idempotency_key="k:1",
        )
    assert sending.deliver_due() == {}
    assert Message.objects.get().deliveries.get().status == Delivery.Status.SENT
