"""The monthly obligation: each advisor's hours in each community they serve, against the hours
owed (5 by default), on the officials' compliance page and its Excel, and a reminder in the
month's last week to those short of it, once a month."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meihao.legal import services
from meihao.legal.compliance import hours_count, posts_month
from meihao.legal.models import AdvisorService
from meihao.notify.models import Message

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The 28th of a 31-day month: inside the last week, when the reminders go.
LAST_WEEK = datetime.datetime(2026, 12, 28, 9, 5, tzinfo=SHANGHAI)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(LAST_WEEK, tick=False)
    return time_machine


def served(advisor, community, minutes, when=LAST_WEEK, kind="consultation"):
    """A service recorded as the services record one: the row, counted toward its post."""
    service = AdvisorService.objects.create(
        advisor=advisor,
        community=community,
        place_path=community.path,
        kind=kind,
        minutes=minutes,
        served_at=when,
    )
    hours_count([service])
    return service


def test_each_post_counts_the_months_minutes_of_its_own_community(
    personas, advisor_a, advisor_b, clock
):
    tree = personas.tree
    served(advisor_a, tree.community_a, 200)
    served(advisor_a, tree.community_a, 120)
    served(advisor_a, tree.community_a, 600, when=LAST_WEEK - datetime.timedelta(days=40))
    served(advisor_b, tree.community_b, 30)
    rows = {row.advisor_id: row for row in posts_month(tree.district.path, 2026, 12)}
    assert rows[advisor_a.pk].minutes == 320 and rows[advisor_a.pk].met
    assert rows[advisor_b.pk].minutes == 30 and not rows[advisor_b.pk].met
    assert rows[advisor_b.pk].minutes_short == 270
    # A street reads only its own communities' posts; "" reads every community's.
    assert [row.advisor_id for row in posts_month(tree.street_a.path, 2026, 12)] == [advisor_a.pk]
    assert len(posts_month("", 2026, 12)) == 2


def test_the_page_shows_who_is_short_to_the_officials_covering_them(
    client, personas, advisor_a, advisor_b, clock
):
    served(advisor_a, personas.tree.community_a, 300)
    client.force_login(personas.district_admin)
    page = client.get(reverse("legal:compliance"), {"month": "2026-12"}).content.decode()
    assert (
        f'data-advisor="{advisor_a.pk}" data-community="{personas.tree.community_a.code}" '
        f'data-met="1"' in page
    )
    assert (
        f'data-advisor="{advisor_b.pk}" data-community="{personas.tree.community_b.code}" '
        f'data-met="0"' in page
    )
    assert "2026-12：2 个岗位中 1 个达标" in page
    # The street chief of street A reads street A alone; street B is not theirs.
    client.force_login(personas.street_chief_a)
    page = client.get(reverse("legal:compliance")).content.decode()
    assert str(advisor_a.pk) in page and f'data-advisor="{advisor_b.pk}"' not in page
    assert (
        client.get(reverse("legal:compliance"), {"place": personas.tree.street_b.code}).status_code
        == 404
    )
    # Nobody but the officials opens it.
    for user in (advisor_a, personas.resident_a, personas.grid_worker_a, personas.outsider):
        client.force_login(user)
        assert client.get(reverse("legal:compliance")).status_code == 404


@pytest.mark.parametrize(
    "params", [{"month": "2026-13"}, {"month": "<script>"}, {"place": "x" * 500}, {"page": "-1"}]
)
def test_bad_filters_answer_calmly(client, personas, advisor_a, clock, params):
    client.force_login(personas.district_admin)
    response = client.get(reverse("legal:compliance"), params)
    assert response.status_code in (200, 404)
    assert "<script>" not in response.content.decode()


def test_the_excel_lists_every_post_with_its_hours(client, personas, advisor_a, advisor_b, clock):
    served(advisor_a, personas.tree.community_a, 330)
    client.force_login(personas.district_admin)
    response = client.get(reverse("legal:compliance"), {"month": "2026-12", "format": "xlsx"})
    assert response.status_code == 200
    assert "legal-advisor-hours-450403-2026-12.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("社区", "法律顾问")
    body = {row[1]: row for row in rows[1:]}
    assert body["律师甲"][-3:] == ("5.5", "5.0", "是")
    assert body["律师乙"][-3:] == ("0.0", "5.0", "否")


def test_those_short_are_reminded_once_in_the_last_week(personas, advisor_a, advisor_b, clock):
    served(advisor_a, personas.tree.community_a, 300)
    served(advisor_b, personas.tree.community_b, 90)
    assert services.advisors_remind_short_hours() == 1
    reminder = Message.objects.get(kind="legal_hours_short")
    assert reminder.recipient == advisor_b
    assert "河东社区" in reminder.subject and "3.5" in reminder.subject
    services.advisors_remind_short_hours()  # the next day's run tells nobody twice
    assert Message.objects.filter(kind="legal_hours_short").count() == 1


def test_no_reminder_before_the_last_week(personas, advisor_b, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 24, 9, 5, tzinfo=SHANGHAI), tick=False)
    assert services.advisors_remind_short_hours() == 0
    assert not Message.objects.filter(kind="legal_hours_short").exists()


def test_a_superuser_reads_every_community_and_nobody_else_may(
    client, personas, advisor_a, advisor_b, clock
):
    from meihao.core.testing import make_user

    admin = make_user("13800000099", "平台管理员")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.get(reverse("legal:compliance"), {"place": "all"})
    page = response.content.decode()
    assert response.status_code == 200, (response.status_code, page[page.find("<main") :][:600])
    assert "compliance-empty" not in page, page[page.find("<main") :][:1500]
    assert f'data-advisor="{advisor_a.pk}"' in page and f'data-advisor="{advisor_b.pk}"' in page
    client.force_login(personas.district_admin)
    assert client.get(reverse("legal:compliance"), {"place": "all"}).status_code == 404


def test_the_posts_are_held_per_process_and_a_new_post_is_seen_at_once(
    personas, advisor_a, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from meihao.core.roles import Role
    from meihao.core.testing import make_user
    from meihao.legal.compliance import POSTS

    settings.SNAPSHOT_RECHECK_SECONDS = 3600  # the fingerprint is not asked: only the signal
    POSTS.get()
    with django_assert_num_queries(0):
        assert len(POSTS.get()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_user(
            "13800000066",
            "律师丁",
            home=None,
            roles=[(Role.LEGAL_ADVISOR, personas.tree.community_b)],
        )
    rows = posts_month("", 2026, 12)
    assert sorted(row.advisor_name for row in rows) == ["律师丁", "律师甲"]
