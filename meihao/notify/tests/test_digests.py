"""Digests and channel choices: one message per person and window, by the channel they chose."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from meihao.core.roles import Role
from meihao.notify import digests, tasks
from meihao.notify.kinds import NotifyBy, register_kind
from meihao.notify.models import Channel, ChannelChoice, Message, Preference
from meihao.notify.selectors import inbox_list, inbox_unread_count
from meihao.notify.services import notify_enqueue

# 10:00 UTC: a window boundary for 5, 15 and 30 minutes alike.
WINDOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)

register_kind(
    "street_news",
    label="街坊新闻",
    digest_subject="{{ count }} 条街坊新闻",
    digest_link=lambda: "/news/",
)
register_kind(
    "street_alarm",
    label="街坊警报",
    by_role={Role.STREET_CHIEF: NotifyBy.WECOM, Role.GRID_WORKER: NotifyBy.OFF},
)


def news(recipients, number: int) -> list[Message]:
    with transaction.atomic():
        return notify_enqueue(
            recipients=recipients,
            kind="street_news",
            subject="新闻 {{ number }}：骑楼街修路",
            body="第 {{ number }} 条",
            context={"number": number},
            link=f"/news/{number}/",
            idempotency_key=f"news:{number}",
        )


def alarm(recipients, key="alarm:1") -> list[Message]:
    with transaction.atomic():
        return notify_enqueue(
            recipients=recipients,
            kind="street_alarm",
            subject="警报：水管爆裂",
            body="骑楼街 3 号",
            link="/alarms/1/",
            idempotency_key=key,
        )


def at(minutes: float):
    return time_machine.travel(WINDOW + timedelta(minutes=minutes), tick=False)


def digests_of(user):
    return list(Message.objects.filter(recipient=user, kind="street_news", digest_key=""))


def test_events_of_one_window_go_out_as_one_digest_listing_them(personas):
    reader = personas.resident_a
    for minute, number in ((1, 1), (7, 2), (14, 3)):
        with at(minute):
            news([reader], number)
    # Waiting: neither in the inbox nor on the bell, and nothing sent before the window ends.
    assert list(inbox_list(reader)) == [] and inbox_unread_count(reader) == 0
    with at(14.5):
        assert digests.send_due_digests() == 0
    with at(15):
        assert tasks.send_digests.call_local() == 1
    (digest,) = digests_of(reader)
    assert digest.subject == "3 条街坊新闻"
    assert digest.link == "/news/"
    assert digest.body == (
        "- 新闻 1：骑楼街修路\n  /news/1/\n- 新闻 2：骑楼街修路\n  /news/2/\n"
        "- 新闻 3：骑楼街修路\n  /news/3/"
    )
    assert [d.channel for d in digest.deliveries.all()] == [Channel.INBOX]
    assert list(inbox_list(reader)) == [digest] and inbox_unread_count(reader) == 1
    assert [e.link for e in inbox_list(reader)[0].digest_entries.all()] == [
        "/news/1/",
        "/news/2/",
        "/news/3/",
    ]
    # The sweep again: nothing new, nothing sent.
    with at(16):
        assert digests.send_due_digests() == 0
    assert len(digests_of(reader)) == 1


def test_the_next_window_is_a_new_digest_and_a_quiet_one_none(personas):
    reader = personas.resident_a
    with at(3):
        news([reader], 1)
    with at(15):
        digests.send_due_digests()
    with at(20):
        news([reader], 2)
    with at(29):
        assert digests.send_due_digests() == 0
    with at(30):
        assert digests.send_due_digests() == 1
    with at(60):
        assert digests.send_due_digests() == 0  # a window without news
    first, second = sorted(digests_of(reader), key=lambda m: m.created_at)
    assert (first.subject, second.subject) == ("1 条街坊新闻", "1 条街坊新闻")
    assert "/news/1/" in first.body and "/news/2/" in second.body
    assert "/news/1/" not in second.body


@pytest.mark.parametrize(("minutes", "expected"), [(15, 1), (5, 2)])
def test_the_window_is_notify_digest_minutes_long(personas, settings, minutes, expected):
    settings.NOTIFY_DIGEST_MINUTES = minutes
    with at(1):
        news([personas.resident_a], 1)
    with at(7):
        news([personas.resident_a], 2)
    with at(30):
        digests.send_due_digests()
    assert len(digests_of(personas.resident_a)) == expected


def test_each_person_gets_their_own_digest(personas):
    with at(1):
        news([personas.resident_a, personas.resident_b], 1)
    with at(2):
        news([personas.resident_b], 2)
    with at(15):
        assert digests.send_due_digests() == 2
    (of_a,) = digests_of(personas.resident_a)
    (of_b,) = digests_of(personas.resident_b)
    assert of_a.subject == "1 条街坊新闻" and of_b.subject == "2 条街坊新闻"


def test_two_sweeps_of_one_window_send_one_digest(personas):
    with at(1):
        news([personas.resident_a], 1)
    key = Message.objects.get().digest_key
    with at(15), transaction.atomic():
        assert digests.send_digest(key) == 1
        assert digests.send_digest(key) == 0
    assert len(digests_of(personas.resident_a)) == 1


def test_a_digest_goes_by_the_channel_chosen_for_the_kind(personas, robot, committed):
    Preference.objects.create(user=personas.resident_a, wecom_webhook_url=robot.url)
    ChannelChoice.objects.create(user=personas.resident_a, kind="street_news", channel="wecom")
    with at(1):
        news([personas.resident_a], 1)
    with at(15), committed():
        digests.send_due_digests()
    (digest,) = digests_of(personas.resident_a)
    assert [(d.channel, d.status) for d in digest.deliveries.all()] == [("wecom", "sent")]
    (sent,) = robot.json_bodies()
    assert "1 条街坊新闻" in sent["markdown"]["content"]
    assert "/news/1/" in sent["markdown"]["content"]
    # Told in WeCom: kept in the inbox, already read.
    assert digest.read_at is not None and inbox_unread_count(personas.resident_a) == 0


def test_a_kind_turned_off_while_waiting_is_not_sent(personas):
    with at(1):
        news([personas.resident_a], 1)
    ChannelChoice.objects.create(user=personas.resident_a, kind="street_news", channel="off")
    with at(15):
        assert digests.send_due_digests() == 0
    assert not Message.objects.filter(recipient=personas.resident_a).exists()
    with at(16):
        news([personas.resident_a], 2)  # and no longer waits
    assert not Message.objects.exists()


def test_defaults_per_role_and_off(personas):
    alarm([personas.street_chief_a, personas.grid_worker_a, personas.resident_a])
    # The street chief's default is WeCom, but they have no robot: the inbox. The grid worker's
    # is off. Everyone else: the inbox.
    told = {m.recipient: m for m in Message.objects.filter(kind="street_alarm")}
    assert set(told) == {personas.street_chief_a, personas.resident_a}
    for message in told.values():
        assert [d.channel for d in message.deliveries.all()] == [Channel.INBOX]
        assert message.read_at is None


def test_a_choice_overrides_the_default_for_the_role(personas):
    ChannelChoice.objects.create(user=personas.grid_worker_a, kind="street_alarm", channel="inbox")
    ChannelChoice.objects.create(user=personas.resident_a, kind="street_alarm", channel="off")
    alarm([personas.grid_worker_a, personas.resident_a])
    assert list(Message.objects.values_list("recipient", flat=True)) == [personas.grid_worker_a.pk]


def test_wecom_chosen_goes_to_the_persons_own_robot(personas, robot, committed):
    Preference.objects.create(user=personas.street_chief_a, wecom_webhook_url=robot.url)
    with committed():
        alarm([personas.street_chief_a])  # WeCom by default for a street chief
    message = Message.objects.get()
    assert [(d.channel, d.status) for d in message.deliveries.all()] == [("wecom", "sent")]
    (request,) = robot.requests
    assert request["path"].endswith("key=test-key")
    assert "警报：水管爆裂" in json.loads(request["body"])["markdown"]["content"]


def test_email_chosen_without_an_address_falls_back_to_the_inbox(personas, committed):
    ChannelChoice.objects.create(user=personas.resident_a, kind="street_alarm", channel="email")
    ChannelChoice.objects.create(user=personas.resident_b, kind="street_alarm", channel="email")
    Preference.objects.create(user=personas.resident_b, email="b@example.com")
    with committed():
        alarm([personas.resident_a, personas.resident_b])
    of_a = Message.objects.get(recipient=personas.resident_a)
    assert [d.channel for d in of_a.deliveries.all()] == [Channel.INBOX]
    of_b = Message.objects.get(recipient=personas.resident_b)
    assert [(d.channel, d.address) for d in of_b.deliveries.all()] == [("email", "b@example.com")]
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
