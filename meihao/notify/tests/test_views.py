"""The inbox page and the header bell: own messages only, read marks, fixed query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meihao.notify.models import Message

INBOX = "/inbox/"


def add_messages(user, count, *, start=0, link="/people/"):
    now = timezone.now()
    return [
        Message.objects.create(
            recipient=user,
            kind="case_new_in_area",
            subject=f"新案件 {n:03d}",
            body=f"骑楼社区 <script>x</script> 第{n}件",
            link=link,
            language="zh-hans",
            idempotency_key=f"test:{user.pk}:{n}",
            created_at=now - timedelta(minutes=count + start - n),
        )
        for n in range(start, start + count)
    ]


def unread(user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def test_inbox_url_name():
    assert reverse("notify:inbox") == INBOX


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", INBOX),
        ("post", "/inbox/read-all/"),
        ("post", "/inbox/1/read/"),
        ("post", "/inbox/1/open/"),
    ],
)
def test_inbox_requires_login(client, db, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inbox_lists_only_own_messages_newest_first(client, personas):
    add_messages(personas.resident_a, 3)
    add_messages(personas.resident_b, 2, start=10)
    client.force_login(personas.resident_a)
    response = client.get(INBOX)
    assert response.status_code == 200
    subjects = [m.subject for m in response.context["page"].object_list]
    assert subjects == ["新案件 002", "新案件 001", "新案件 000"]
    content = response.content.decode()
    assert "新案件 010" not in content
    assert "<title>消息 · " in content
    # The body is escaped when shown.
    assert "<script>x</script>" not in content
    assert "&lt;script&gt;" in content
    assert content.count('data-unread="true"') == 3


def test_empty_inbox_says_so(client, personas):
    client.force_login(personas.outsider)
    response = client.get(INBOX)
    content = response.content.decode()
    assert 'id="inbox-empty"' in content
    assert "暂无消息" in content
    assert "inbox-mark-all" not in content


def test_inbox_is_paginated(client, personas):
    add_messages(personas.resident_a, 25)
    client.force_login(personas.resident_a)
    first = client.get(INBOX)
    assert len(first.context["page"].object_list) == 20
    second = client.get(INBOX + "?page=2")
    assert [m.subject for m in second.context["page"].object_list][-1] == "新案件 000"
    assert len(second.context["page"].object_list) == 5
    assert "第 2 页，共 2 页" in second.content.decode()


def test_htmx_page_is_a_fragment_with_the_bell(client, personas):
    add_messages(personas.resident_a, 2)
    client.force_login(personas.resident_a)
    response = client.get(INBOX, headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="inbox-bell"' in content and 'hx-swap-oob="true"' in content


def test_open_marks_read_and_follows_the_link(client, personas):
    message, other = add_messages(personas.resident_a, 2)
    client.force_login(personas.resident_a)
    response = client.post(f"/inbox/{message.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    message.refresh_from_db()
    other.refresh_from_db()
    assert message.read_at is not None
    assert other.read_at is None


def test_open_never_redirects_off_site(client, personas):
    (message,) = add_messages(personas.resident_a, 1, link="https://evil.example.com/")
    client.force_login(personas.resident_a)
    response = client.post(f"/inbox/{message.pk}/open/")
    assert response["Location"] == INBOX


def test_open_is_post_only(client, personas):
    (message,) = add_messages(personas.resident_a, 1)
    client.force_login(personas.resident_a)
    assert client.get(f"/inbox/{message.pk}/open/").status_code == 405
    assert unread(personas.resident_a) == 1


@pytest.mark.parametrize("action", ["open", "read"])
def test_another_users_message_is_404_and_stays_unread(client, personas, action):
    (theirs,) = add_messages(personas.resident_b, 1)
    client.force_login(personas.resident_a)
    assert client.post(f"/inbox/{theirs.pk}/{action}/").status_code == 404
    assert client.post(f"/inbox/{theirs.pk + 1000}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_superuser_cannot_read_someone_elses_inbox_either(client, personas):
    (theirs,) = add_messages(personas.resident_b, 1)
    admin = personas.district_admin
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert "新案件 000" not in client.get(INBOX).content.decode()


def test_mark_read_with_htmx_returns_the_list_and_a_fresh_bell(client, personas):
    message, _ = add_messages(personas.resident_a, 2)
    client.force_login(personas.resident_a)
    response = client.post(
        f"/inbox/{message.pk}/read/", headers={"HX-Request": "true", "HX-Target": "inbox-results"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-unread="1"' in content  # the bell, swapped out of band
    assert content.count('data-unread="true"') == 1
    assert unread(personas.resident_a) == 1


def test_mark_all_read(client, personas):
    add_messages(personas.resident_a, 3)
    add_messages(personas.resident_b, 2, start=10)
    client.force_login(personas.resident_a)
    assert client.get("/inbox/read-all/").status_code == 405
    response = client.post("/inbox/read-all/")
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert unread(personas.resident_a) == 0
    assert unread(personas.resident_b) == 2


def test_mark_all_read_with_htmx(client, personas):
    add_messages(personas.resident_a, 3)
    client.force_login(personas.resident_a)
    response = client.post(
        "/inbox/read-all/", headers={"HX-Request": "true", "HX-Target": "inbox-results"}
    )
    content = response.content.decode()
    assert 'data-unread="true"' not in content
    assert "inbox-mark-all" not in content
    assert 'id="inbox-bell"' in content and "badge" not in content


def test_header_bell_shows_the_unread_count_on_every_page(client, personas):
    add_messages(personas.resident_a, 3)
    client.force_login(personas.resident_a)
    content = client.get("/").content.decode()
    assert 'id="inbox-bell"' in content
    assert 'data-unread="3"' in content
    assert "消息，3 条未读" in content
    Message.objects.filter(recipient=personas.resident_a).first().delete()
    assert 'data-unread="2"' in client.get("/").content.decode()


def test_header_bell_caps_at_99(client, personas):
    add_messages(personas.resident_a, 100)
    client.force_login(personas.resident_a)
    assert ">99+</span>" in client.get("/").content.decode()


def test_header_bell_has_no_badge_without_unread_and_none_for_guests(client, personas):
    client.force_login(personas.resident_a)
    content = client.get("/").content.decode()
    assert 'id="inbox-bell"' in content and "data-unread=" not in content
    client.logout()
    assert 'id="inbox-bell"' not in client.get(reverse("login")).content.decode()


def test_header_bell_costs_one_query(client, personas):
    add_messages(personas.resident_a, 3)
    client.force_login(personas.resident_a)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    bell = [q["sql"] for q in captured if "notify_message" in q["sql"]]
    assert len(bell) == 1
    assert "COUNT(" in bell[0].upper()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_inbox_query_count_does_not_grow_with_messages(client, personas):
    client.force_login(personas.resident_a)
    add_messages(personas.resident_a, 3)
    few = _queries(client, INBOX)
    add_messages(personas.resident_a, 40, start=3)
    many = _queries(client, INBOX)
    assert many == few, f"{few} queries for 3 messages, {many} for 43"
    assert few <= 8  # with the menu's one query for the party's and projects' screens
