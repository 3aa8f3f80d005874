"""Back office: the delivery log, retry now, team webhooks and a test message."""

import json

import pytest
from django.db import transaction

from meihao.core.models import AuditEvent
from meihao.notify.models import ChannelChoice, Delivery, FanOut, Message, TeamChannel
from meihao.notify.services import notify_enqueue, notify_team


@pytest.fixture
def admin_client(client, personas):
    admin = personas.district_admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_changelists_and_filters_load(admin_client, personas, team_channel):
    with transaction.atomic():
        notify_enqueue(
            recipients=[personas.resident_a],
            kind="case_closed",
            subject="已办结",
            body="",
            idempotency_key="case:1:closed",
        )
    for url in (
        "/admin/notify/message/",
        "/admin/notify/message/?kind=case_closed",
        "/admin/notify/delivery/",
        "/admin/notify/delivery/?status__exact=failed&channel__exact=wecom",
        "/admin/notify/teamchannel/",
        "/admin/notify/preference/",
        f"/admin/notify/message/{Message.objects.get().pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_messages_and_deliveries_are_read_only(admin_client):
    assert admin_client.get("/admin/notify/message/add/").status_code == 403
    assert admin_client.get("/admin/notify/delivery/add/").status_code == 403


def test_retry_now_action_sends_a_dead_delivery(
    admin_client, team_channel, robot, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        notify_team(
            team=team_channel.team,
            kind="case_overdue",
            subject="超时",
            body="",
            idempotency_key="case:3:overdue",
            inbox_members=False,
        )
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DEAD, attempts=8, last_error="HTTP 500"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notify/delivery/",
            {"action": "retry_now", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert len(robot.requests) == 1
    assert AuditEvent.objects.filter(action="notify_delivery_retry").count() == 1


def test_send_test_message_reaches_the_team_robot(
    admin_client, team_channel, robot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/notify/teamchannel/",
            {"action": "send_test", "_selected_action": [team_channel.pk]},
        )
    (body,) = robot.json_bodies()
    assert body["msgtype"] == "markdown"
    assert "城管执法一队的群通道已能收到美好社区的通知" in body["markdown"]["content"]


def test_saving_a_webhook_is_audited_without_its_secret(admin_client, team):
    response = admin_client.post(
        "/admin/notify/teamchannel/add/",
        {
            "team": team.pk,
            "wecom_webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=s3cret",
            "email": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TeamChannel.objects.get(team=team).wecom_webhook_url.endswith("key=s3cret")
    event = AuditEvent.objects.get(action="team_channel_create")
    assert "s3cret" not in json.dumps(event.changes)


def test_a_webhook_that_is_not_a_url_is_refused(admin_client, team):
    response = admin_client.post(
        "/admin/notify/teamchannel/add/",
        {"team": team.pk, "wecom_webhook_url": "ftp://example.com/x", "is_active": "on"},
    )
    assert response.status_code == 200
    assert not TeamChannel.objects.exists()


def test_a_given_up_fan_out_is_listed_and_run_again(
    admin_client, personas, django_capture_on_commit_callbacks
):
    from meihao.cases.catalogue import load_grid_catalogue
    from meihao.cases.models import CaseCategory, CaseType
    from meihao.cases.services import case_submit

    if not CaseType.objects.filter(code="GRID").exists():  # flushed by a transactional test
        load_grid_catalogue(CaseType, CaseCategory)
    grid = CaseType.objects.get(code="GRID")
    case = case_submit(
        actor=personas.grid_worker_a,
        case_type=grid,
        category=grid.categories.get(code="0501"),
        description="流动摊贩在学校门口摆卖",
        lat=23.41,
        lon=111.205,
        channel="grid_patrol",
    )
    event = FanOut.objects.get(idempotency_key=f"case:{case.pk}:submitted")
    FanOut.objects.filter(pk=event.pk).update(
        status=FanOut.Status.DEAD, attempts=8, last_error="OperationalError: database is locked"
    )
    for url in (
        "/admin/notify/fanout/",
        "/admin/notify/fanout/?status__exact=dead",
        "/admin/notify/fanout/?event=cases.submitted",
        f"/admin/notify/fanout/{event.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    listing = admin_client.get("/admin/notify/fanout/").content.decode()
    assert "database is locked" in listing
    assert "辖区新案件" in listing  # the event's name, not its code
    assert admin_client.get("/admin/notify/fanout/add/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notify/fanout/", {"action": "retry_now", "_selected_action": [event.pk]}
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.attempts) == (FanOut.Status.DONE, 1)
    assert Message.objects.filter(
        kind="case_new_in_area", recipient=personas.street_chief_a
    ).exists()
    assert AuditEvent.objects.filter(action="notify_fan_out_retry").count() == 1


def test_the_back_office_lists_the_choices(admin_client, personas):
    ChannelChoice.objects.create(user=personas.resident_a, kind="case_closed", channel="off")
    listing = admin_client.get("/admin/notify/channelchoice/").content.decode()
    assert "case_closed" in listing and "不接收" in listing
