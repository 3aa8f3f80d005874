"""The information column: staff publish notices for their places (now or scheduled, pinned,
pushed to their teams' WeCom groups); residents read those of their district, street and
community on their home page; everyone reads published ones on the public page, and readings
are counted. Out-of-scope and bad input change nothing."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meihao.bulletins import services
from meihao.bulletins.models import Notice, NoticeRead
from meihao.notify.models import Message, TeamChannel
from meihao.people.models import Team

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def publish(personas, *, place=None, title="停水通知", body="11月25日9时至17时停水。", **extra):
    return services.notice_save(
        actor=personas.community_staff_a,
        place=place or personas.tree.community_a,
        kind=Notice.Kind.NOTICE,
        title=title,
        body=body,
        **extra,
    )


def form(personas, **overrides):
    data = {
        "place": personas.tree.community_a.pk,
        "kind": "notice",
        "title": "停水通知",
        "body": "11月25日9时至17时停水，请提前储水。",
        "publish_at": "",
    }
    data.update(overrides)
    return data


def test_staff_publish_and_residents_of_the_place_read_it_on_their_home(client, personas):
    client.force_login(personas.community_staff_a)
    response = client.post(reverse("bulletins:create"), form(personas))
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.is_published() and notice.author == personas.community_staff_a

    client.force_login(personas.resident_a)  # lives in grid A1, under community A
    home = client.get("/").content.decode()
    assert 'id="home-notices"' in home and "停水通知" in home
    client.force_login(personas.resident_b)  # community B: not theirs
    assert "停水通知" not in client.get("/").content.decode()


def test_the_district_speaks_to_everyone_pinned_first(client, personas):
    publish(personas, title="社区通知")
    services.notice_save(
        actor=personas.district_admin,
        place=personas.tree.district,
        kind=Notice.Kind.SERVICE,
        title="全区医保缴费提醒",
        body="12月31日前缴纳。",
        pinned=True,
        publish_at=NOW - datetime.timedelta(days=3),
    )
    client.force_login(personas.resident_a)
    home = client.get("/").content.decode()
    assert home.index("全区医保缴费提醒") < home.index("社区通知")  # pinned, though older
    client.force_login(personas.resident_b)
    home = client.get("/").content.decode()
    assert "全区医保缴费提醒" in home and "社区通知" not in home


def test_the_public_page_needs_no_log_in_and_counts_readers(client, personas):
    notice = publish(personas)
    listing = client.get(reverse("bulletins:list"))
    assert listing.status_code == 200 and "停水通知" in listing.content.decode()
    detail = reverse("bulletins:detail", args=[notice.pk])
    assert client.get(detail).status_code == 200
    client.get(detail)
    notice.refresh_from_db()
    assert notice.public_views == 2
    client.force_login(personas.resident_a)
    client.get(detail)
    client.get(detail)
    assert NoticeRead.objects.filter(notice=notice).count() == 1  # a reader once
    client.force_login(personas.community_staff_a)
    manage = client.get(reverse("bulletins:manage")).content.decode()
    assert "1 位居民已读" in manage or "1 residents read it" in manage


def test_a_scheduled_notice_waits_then_the_worker_pushes_it(client, personas):
    community = personas.tree.community_a
    team = Team.objects.create(
        name="骑楼社区网格群",
        kind=Team.Kind.RESPONSIBILITY,
        place=community,
        place_path=community.path,
    )
    TeamChannel.objects.create(
        team=team, wecom_webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    )
    later = NOW + datetime.timedelta(hours=5)
    notice = publish(personas, publish_at=later, push_teams=[team])
    assert notice.status() == "scheduled"
    assert not Message.objects.filter(kind="notice_published").exists()
    assert client.get(reverse("bulletins:detail", args=[notice.pk])).status_code == 404
    assert "停水通知" not in client.get(reverse("bulletins:list")).content.decode()

    assert services.notices_publish_due() == 0
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        assert services.notices_publish_due() == 1
        assert services.notices_publish_due() == 0  # once
        assert client.get(reverse("bulletins:detail", args=[notice.pk])).status_code == 200
    pushed = Message.objects.get(kind="notice_published")
    assert pushed.team == team and "停水通知" in pushed.subject
    assert pushed.deliveries.filter(channel="wecom").count() == 1


def test_a_notice_is_pushed_only_to_the_places_own_teams(personas):
    other = Team.objects.create(
        name="河东群", kind=Team.Kind.RESPONSIBILITY, place=personas.tree.community_b
    )
    with pytest.raises(services.ValidationFailed):
        publish(personas, push_teams=[other])
    assert not Notice.objects.exists()


@pytest.mark.parametrize("name", ["grid_worker_a", "resident_a", "department_staff", "outsider"])
def test_only_officials_publish(client, personas, name):
    client.force_login(getattr(personas, name))
    assert client.get(reverse("bulletins:manage")).status_code == 404
    assert client.post(reverse("bulletins:create"), form(personas)).status_code == 404
    assert not Notice.objects.exists()


def test_staff_cannot_publish_for_another_place_or_touch_its_notices(client, personas):
    client.force_login(personas.community_staff_a)
    response = client.post(
        reverse("bulletins:create"), form(personas, place=personas.tree.community_b.pk)
    )
    assert response.status_code == 422  # not a choice offered
    other = services.notice_save(
        actor=personas.district_admin,
        place=personas.tree.community_b,
        kind="notice",
        title="河东通知",
        body="正文",
    )
    assert client.get(reverse("bulletins:edit", args=[other.pk])).status_code == 404
    withdraw = reverse("bulletins:withdraw", args=[other.pk])
    assert client.post(withdraw, {"reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_at is None and Notice.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "标" * 61),
        ("body", ""),
        ("body", "字" * 5001),
        ("kind", "gossip"),
        ("place", "999999"),
        ("place", "abc"),
        ("publish_at", "2026-13-45T99:99"),
        ("publish_at", "10000-01-01T00:00"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, personas, field, value):
    client.force_login(personas.community_staff_a)
    response = client.post(reverse("bulletins:create"), form(personas, **{field: value}))
    assert response.status_code == 422
    assert "invalid-feedback" in response.content.decode()
    assert not Notice.objects.exists()


def test_scripts_in_a_notice_are_shown_as_text(client, personas):
    notice = publish(
        personas, title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>\n第二行"
    )
    for url in (reverse("bulletins:list"), reverse("bulletins:detail", args=[notice.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    detail = client.get(reverse("bulletins:detail", args=[notice.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;<br>第二行" in detail


def test_withdrawing_needs_a_reason_and_takes_it_off_every_page(client, personas):
    notice = publish(personas)
    client.force_login(personas.community_staff_a)
    withdraw = reverse("bulletins:withdraw", args=[notice.pk])
    assert client.post(withdraw, {"reason": ""}).status_code == 422
    notice.refresh_from_db()
    assert notice.withdrawn_at is None
    assert client.post(withdraw, {"reason": "时间有变"}).status_code == 302
    notice.refresh_from_db()
    assert notice.withdrawn_at == timezone.now() and notice.withdrawn_reason == "时间有变"
    assert client.get(reverse("bulletins:detail", args=[notice.pk])).status_code == 404
    client.force_login(personas.resident_a)
    assert "停水通知" not in client.get("/").content.decode()
    with pytest.raises(services.ValidationFailed):
        services.notice_withdraw(actor=personas.community_staff_a, notice=notice, reason="again")


def test_the_indicator_counts_the_published_notices_and_links_them(personas):
    from meihao.insights.registry import REGISTRY, Span

    publish(personas, publish_at=NOW - datetime.timedelta(days=2))
    publish(personas, title="已撤回", publish_at=NOW - datetime.timedelta(days=1))
    services.notice_withdraw(
        actor=personas.community_staff_a,
        notice=Notice.objects.get(title="已撤回"),
        reason="发错",
    )
    publish(personas, title="以后", publish_at=NOW + datetime.timedelta(days=1))
    indicator = REGISTRY["notices_published"]
    span = Span.of(
        personas.tree.street_a.path,
        (NOW - datetime.timedelta(days=30)).date(),
        (NOW + datetime.timedelta(days=30)).date(),
    )
    records = list(indicator.records(span))
    assert [n.title for n in records] == ["停水通知"]
    assert indicator.link(records[0]) == reverse("bulletins:detail", args=[records[0].pk])


def test_the_form_offers_the_staffs_own_places_and_edits_keep_the_date(client, personas):
    client.force_login(personas.community_staff_a)
    page = client.get(reverse("bulletins:create")).content.decode()
    assert personas.tree.community_a.name in page
    assert personas.tree.community_b.name not in page and personas.tree.district.name not in page
    notice = publish(personas, publish_at=NOW - datetime.timedelta(hours=2))
    edit = reverse("bulletins:edit", args=[notice.pk])
    assert "停水通知" in client.get(edit).content.decode()
    response = client.post(edit, form(personas, title="停水通知（更正）", pinned="on"))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.pinned) == ("停水通知（更正）", True)
    assert notice.publish_at == NOW - datetime.timedelta(hours=2)  # published: the date stays


def test_the_public_column_searches_title_and_text_and_filters_by_place(client, personas):
    publish(personas)
    services.notice_save(
        actor=personas.district_admin,
        place=personas.tree.district,
        kind="service",
        title="医保缴费",
        body="年底前缴纳",
    )
    titles = lambda **q: client.get(reverse("bulletins:list"), q).content.decode()  # noqa: E731
    assert "停水通知" in titles(q="储水") or "停水通知" in titles(q="停水")
    assert "停水通知" not in titles(q="缴纳") and "医保缴费" in titles(q="缴纳")
    by_b = titles(place=personas.tree.community_b.code)
    assert "医保缴费" in by_b and "停水通知" not in by_b  # the district's reaches B, A's not
