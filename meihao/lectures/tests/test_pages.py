"""The lecture menu's pages: who reaches what (404 otherwise), forms that refuse bad input with
a message and change nothing, and text escaped wherever it is shown."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from meihao.activities.models import Activity
from meihao.lectures.models import Order, Request, Topic

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE), tick=False):
        yield


def test_a_resident_orders_from_the_menu(client, menu, personas):
    Topic.objects.filter(pk=menu.topic.pk).update(summary=SCRIPT)
    client.force_login(personas.resident_a)
    html = client.get(reverse("lectures:menu")).content.decode()
    assert "老城骑楼的故事" in html and "防范电信诈骗" not in html  # drafts are not on it
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert client.get(reverse("lectures:topic", args=[menu.draft.pk])).status_code == 404
    response = client.post(reverse("lectures:order", args=[menu.topic.pk]), {"note": SCRIPT})
    assert response.status_code == 302
    again = client.post(reverse("lectures:order", args=[menu.topic.pk]), {"note": "x"})
    assert again.status_code == 400 and "已经点过" in again.content.decode()
    assert Order.objects.get().note == SCRIPT
    mine = client.get(reverse("lectures:mine")).content.decode()
    assert "老城骑楼的故事" in mine and "等待安排" in mine
    page = client.get(reverse("lectures:topic", args=[menu.topic.pk])).content.decode()
    assert "取消点单" in page
    client.post(reverse("lectures:order_cancel", args=[menu.topic.pk]))
    assert not Order.objects.exists()
    for bad in ("x", "9" * 30, "-1"):
        assert client.get(reverse("lectures:topic", args=[bad])).status_code == 404
    assert client.get(reverse("lectures:desk")).status_code == 404
    assert client.get(reverse("lectures:programme")).status_code == 404
    client.logout()
    assert client.get(reverse("lectures:menu")).status_code == 302  # log in first


def test_the_leader_schedules_a_request_from_the_desk(client, menu, personas):
    client.force_login(personas.community_staff_a)
    response = client.post(
        reverse("lectures:request", args=[menu.topic.pk]),
        {"community": personas.tree.community_b.pk},
    )
    assert response.status_code == 400 and not Request.objects.exists()
    client.post(
        reverse("lectures:request", args=[menu.topic.pk]),
        {"community": personas.tree.community_a.pk, "note": SCRIPT},
    )
    request = Request.objects.get()
    client.force_login(menu.leader)
    desk = client.get(reverse("lectures:desk")).content.decode()
    assert f'data-request="{request.pk}"' in desk and SCRIPT not in desk
    url = reverse("lectures:schedule", args=[request.pk])
    refused = client.post(url, {"starts_at": "2026-02-30T10:00", "ends_at": "x", "venue": "讲堂"})
    assert refused.status_code == 400 and "日期" in refused.content.decode()
    assert not Activity.objects.exists()
    response = client.post(
        url,
        {
            "starts_at": "2026-03-05T15:00",
            "ends_at": "2026-03-05T16:00",
            "venue": "骑楼讲堂",
            "online_url": "https://live.example.cn/qilou",
            "capacity": "80",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:detail", args=[activity.pk])
    assert client.get(reverse("activities:qr", args=[activity.pk])).status_code == 200
    # Somebody else's desk: the request is not theirs.
    client.force_login(personas.resident_a)
    assert (
        client.post(reverse("lectures:decline", args=[request.pk]), {"reason": "x"}).status_code
        == 404
    )


def test_a_topic_made_at_the_desk(client, menu, personas):
    client.force_login(menu.leader)
    url = reverse("lectures:topic_create")
    fields = {
        "team": menu.team.pk,
        "title": SCRIPT,
        "summary": "讲讲家门口的法律",
        "speaker": "张律师",
        "minutes": "45",
        "offline": "1",
        "publish": "1",
    }
    for bad in ({"minutes": "5"}, {"minutes": "abc"}, {"title": ""}, {"offline": ""}):
        response = client.post(url, {**fields, **bad})
        assert response.status_code == 400, bad
    assert Topic.objects.count() == 2
    assert client.post(url, {**fields, "team": "999999"}).status_code == 404
    assert client.post(url, fields).status_code == 302
    topic = Topic.objects.get(speaker="张律师")
    assert topic.status == Topic.Status.PUBLISHED and topic.title == SCRIPT
    client.post(reverse("lectures:topic_status", args=[topic.pk]), {"status": "withdrawn"})
    topic.refresh_from_db()
    assert topic.status == Topic.Status.WITHDRAWN
    bad = client.post(reverse("lectures:topic_status", args=[topic.pk]), {"status": "draft"})
    assert bad.status_code == 409
    desk = client.get(reverse("lectures:desk")).content.decode()
    assert SCRIPT not in desk


def test_the_programme_for_the_street(client, menu, personas):
    from meihao.lectures import services

    services.order_place(actor=personas.resident_a, topic=menu.topic)
    client.force_login(personas.street_chief_a)
    html = client.get(reverse("lectures:programme")).content.decode()
    assert f'data-topic="{menu.topic.pk}"' in html
    assert client.get(reverse("lectures:programme"), {"place": "999"}).status_code == 404
    other = client.get(reverse("lectures:programme"), {"place": personas.tree.community_b.code})
    assert other.status_code == 404
    assert client.get(reverse("lectures:programme"), {"month": "2026-13"}).status_code == 200
