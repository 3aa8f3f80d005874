"""Writing to the outbox: in the change's transaction, once per event, in the reader's language."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils.translation import gettext_lazy

from meihao.notify.models import Channel, ChannelChoice, Delivery, Message, Preference
from meihao.notify.services import inbox_mark_all_read, inbox_mark_read, notify_enqueue, notify_team

SUBJECT = gettext_lazy("Test message from Meihao")


class Boom(Exception):
    pass


def enqueue(recipients, key="case:1:dispatched:1", **extra):
    arguments = {
        "recipients": recipients,
        "kind": "case_dispatched",
        "subject": SUBJECT,
        "body": "Case {{ number }}: {{ note }}",
        "context": {"number": "WX-20250101-0001", "note": "<b>摊位</b> & 占道"},
        "link": "/cases/1/",
        "idempotency_key": key,
    }
    arguments.update(extra)
    return notify_enqueue(**arguments)


def test_rolled_back_change_leaves_no_message_no_delivery_and_sends_nothing(
    personas, team_channel, robot, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=personas.resident_a, email="a@example.com")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        enqueue([personas.resident_a])
        notify_team(
            team=team_channel.team,
            kind="case_dispatched",
            subject=SUBJECT,
            body="x",
            idempotency_key="case:1:dispatched:1",
        )
        assert Message.objects.count() == 3  # resident, team group, team member
        raise Boom
    assert Message.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert callbacks == []
    assert robot.requests == []
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(personas):
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        enqueue([personas.resident_a])
    assert Message.objects.count() == 0


def test_same_idempotency_key_twice_makes_one_message(personas, committed):
    with committed() as callbacks:
        first = enqueue([personas.resident_a])
        second = enqueue([personas.resident_a])
    assert len(first) == 1
    assert second == []
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(callbacks) == 0  # the inbox needs no worker


def test_same_event_adds_only_the_new_recipient(personas):
    with transaction.atomic():
        enqueue([personas.resident_a])
        created = enqueue([personas.resident_a, personas.resident_b])
    assert [m.recipient for m in created] == [personas.resident_b]
    assert set(Message.objects.values_list("idempotency_key", flat=True)) == {
        f"case:1:dispatched:1:u{personas.resident_a.pk}",
        f"case:1:dispatched:1:u{personas.resident_b.pk}",
    }


def test_an_event_for_many_recipients_costs_the_same_queries_as_for_two(
    personas, django_assert_num_queries
):
    few = [personas.resident_a, personas.resident_b]
    many = [
        personas.resident_a,
        personas.resident_b,
        personas.grid_worker_a,
        personas.grid_worker_b,
        personas.community_staff_a,
        personas.street_chief_a,
        personas.district_admin,
    ]
    # Channel choices, preferences, then the messages in one INSERT inside one savepoint, then
    # the deliveries.
    with transaction.atomic(), django_assert_num_queries(6):
        assert len(enqueue(few, key="case:1:dispatched:1")) == 2
    with transaction.atomic(), django_assert_num_queries(6):
        assert len(enqueue(many, key="case:2:dispatched:1")) == 7
    assert Delivery.objects.filter(message__idempotency_key__startswith="case:2:").count() == 7


def test_inbox_delivery_is_sent_with_the_message(personas):
    with transaction.atomic():
        (message,) = enqueue([personas.resident_a])
    delivery = message.deliveries.get()
    assert delivery.channel == Channel.INBOX
    assert delivery.status == Delivery.Status.SENT
    assert delivery.sent_at is not None
    assert message.read_at is None
    assert message.kind == "case_dispatched"
    assert message.link == "/cases/1/"


def test_subject_and_body_rendered_in_each_recipients_language(personas):
    Preference.objects.create(user=personas.resident_b, language="en")
    with transaction.atomic():
        enqueue([personas.resident_a, personas.resident_b])
    chinese = Message.objects.get(recipient=personas.resident_a)
    english = Message.objects.get(recipient=personas.resident_b)
    assert chinese.language == "zh-hans"
    assert chinese.subject == "美好社区测试消息"
    assert english.language == "en"
    assert english.subject == "Test message from Meihao"
    # Plain text, not HTML-escaped: the inbox escapes when it shows it.
    assert english.body == "Case WX-20250101-0001: <b>摊位</b> & 占道"


def test_a_text_naming_its_recipient_is_rendered_for_each(personas):
    with transaction.atomic():
        enqueue([personas.resident_a, personas.resident_b], body="{{ recipient.name }}，您好")
    assert Message.objects.get(recipient=personas.resident_a).body == "居民甲，您好"
    assert Message.objects.get(recipient=personas.resident_b).body == "居民乙，您好"


def test_body_from_a_template_file(personas, team):
    with transaction.atomic():
        (message,) = notify_enqueue(
            recipients=[personas.department_staff],
            kind="channel_test",
            subject=SUBJECT,
            body="notify/messages/channel_test.txt",
            context={"team": team},
            idempotency_key="t:1",
        )
    assert message.body == "如果你能看到这条消息，城管执法一队的群通道已能收到美好社区的通知。"


def test_target_is_recorded_from_a_model(personas):
    with transaction.atomic():
        (message,) = enqueue([personas.resident_a], target=personas.tree.grid_a1)
    assert (message.target_type, message.target_id) == (
        "places.place",
        str(personas.tree.grid_a1.pk),
    )


def test_inactive_and_missing_recipients_are_skipped(personas):
    personas.resident_b.is_active = False
    personas.resident_b.save()
    with transaction.atomic():
        created = enqueue([personas.resident_a, personas.resident_b, None])
    assert [m.recipient for m in created] == [personas.resident_a]


@pytest.mark.parametrize("key", ["", "has space", "中文", "x" * 201])
def test_bad_idempotency_key_is_refused(personas, key):
    with pytest.raises(ValueError, match="idempotency_key"), transaction.atomic():
        enqueue([personas.resident_a], key=key)
    assert Message.objects.count() == 0


def test_bad_kind_is_refused(personas):
    with pytest.raises(ValueError, match="kind"), transaction.atomic():
        enqueue([personas.resident_a], kind="Case Dispatched")


def test_email_only_for_whoever_chose_it_for_the_kind(personas, committed):
    Preference.objects.create(user=personas.resident_a, email="a@example.com")
    # An address alone does not send email: resident_b left the kind on the inbox.
    Preference.objects.create(user=personas.resident_b, email="b@example.com")
    ChannelChoice.objects.create(user=personas.resident_a, kind="case_dispatched", channel="email")
    with committed():
        enqueue([personas.resident_a, personas.resident_b, personas.outsider])
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert [(d.message.recipient, d.address, d.status) for d in emails] == [
        (personas.resident_a, "a@example.com", Delivery.Status.SENT)
    ]
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    # Told by email, not called by the bell; kept in the inbox, read.
    emailed = Message.objects.get(recipient=personas.resident_a)
    assert emailed.read_at is not None
    assert not emailed.deliveries.filter(channel=Channel.INBOX).exists()
    inboxed = Message.objects.get(recipient=personas.resident_b)
    assert inboxed.read_at is None
    assert [d.channel for d in inboxed.deliveries.all()] == [Channel.INBOX]


def test_notify_team_writes_group_message_and_members_inbox(personas, team_channel, committed):
    team = team_channel.team
    with committed() as callbacks:
        created = notify_team(
            team=team,
            kind="case_dispatched",
            subject=SUBJECT,
            body="{{ team }}",
            idempotency_key="case:7:dispatched:1",
        )
    assert len(callbacks) == 1
    group = Message.objects.get(team=team)
    assert group.idempotency_key == f"case:7:dispatched:1:t{team.pk}"
    assert group.body == "城管执法一队"
    assert group.deliveries.get().channel == Channel.WECOM
    member = Message.objects.get(recipient=personas.department_staff)
    assert member.deliveries.get().channel == Channel.INBOX
    assert set(created) == {group, member}


def test_notify_team_without_channel_only_reaches_the_inbox(personas, team):
    with transaction.atomic():
        created = notify_team(
            team=team, kind="case_dispatched", subject=SUBJECT, body="", idempotency_key="k:1"
        )
    assert [m.recipient for m in created] == [personas.department_staff]
    assert not Message.objects.filter(team=team).exists()


def test_notify_team_twice_is_one_group_message(personas, team_channel):
    for _ in range(2):
        with transaction.atomic():
            notify_team(
                team=team_channel.team,
                kind="case_overdue",
                subject=SUBJECT,
                body="",
                idempotency_key="case:7:overdue:red",
                inbox_members=False,
            )
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_mark_read_is_for_own_messages_only(personas):
    with transaction.atomic():
        (mine,) = enqueue([personas.resident_a])
        (theirs,) = enqueue([personas.resident_b])
    with pytest.raises(Message.DoesNotExist):
        inbox_mark_read(user=personas.resident_a, message_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    read = inbox_mark_read(user=personas.resident_a, message_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at == read.read_at is not None
    # Again: idempotent, the first read time stays.
    inbox_mark_read(user=personas.resident_a, message_id=mine.pk)
    assert Message.objects.get(pk=mine.pk).read_at == mine.read_at


def test_mark_all_read_leaves_other_users_alone(personas):
    with transaction.atomic():
        enqueue([personas.resident_a], key="k:1")
        enqueue([personas.resident_a, personas.resident_b], key="k:2")
    assert inbox_mark_all_read(user=personas.resident_a) == 2
    assert inbox_mark_all_read(user=personas.resident_a) == 0
    assert Message.objects.filter(recipient=personas.resident_b, read_at__isnull=True).count() == 1
