"""The monthly hours on the obligations engine (core.obligations): the service that records a
service moves its post's tallies of the month (one row a duty, never a scan of the month),
taking a service back moves them back, a month crossing the hours owed counts in the year's
months met, service by someone not posted in the community counts nowhere, a recount from the
services gives the same tallies, and the compliance page reads the tallies, not the services."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from meihao.activities.attendance import activity_finish, checkin_by_staff
from meihao.activities.models import Activity
from meihao.activities.tests.helpers import END, START, at, make_activity, minutes, sign_up
from meihao.cases.models import Case
from meihao.core.models import ObligationTally, ObligationYear
from meihao.core.roles import Role
from meihao.legal import services
from meihao.legal.compliance import (
    DUTY,
    KIND_DUTIES,
    POSTS,
    hours_count,
    hours_tallies_rebuild,
    kind_duty,
    posts_month,
)
from meihao.legal.models import AdvisorService
from meihao.legal.tests.test_disputes import open_dispute, take_and_sit
from meihao.people.models import RoleAssignment

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)
DECEMBER = datetime.date(2026, 12, 1)
LEGAL_DUTIES = [DUTY, *KIND_DUTIES]


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def post_of(advisor, community) -> int:
    return RoleAssignment.objects.get(user=advisor, role=Role.LEGAL_ADVISOR, place=community).pk


def tally(duty, post, month=DECEMBER):
    row = ObligationTally.objects.filter(
        duty=duty, subject_id=post, period="month", starts_on=month
    ).first()
    return row.amount if row else None


def months_met(post, year=2026) -> int:
    row = ObligationYear.objects.filter(duty=DUTY, subject_id=post, year=year).first()
    return row.periods_met if row else 0


def served(advisor, community, minutes, when=NOW, kind="consultation"):
    """A service recorded as the services record one: the row and its post's tallies."""
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


def legal_tallies() -> dict:
    """Every legal tally that counts something, and every year's months met."""
    counted = {
        (row.duty, row.subject_id, row.starts_on): row.amount
        for row in ObligationTally.objects.filter(duty__in=LEGAL_DUTIES).exclude(amount=0)
    }
    met = {
        (row.duty, row.subject_id, row.year): row.periods_met
        for row in ObligationYear.objects.filter(duty__in=LEGAL_DUTIES).exclude(periods_met=0)
    }
    return {"tallies": counted, "years": met}


def page_hours(client, official, advisor) -> str:
    page = client.get(reverse("legal:compliance"), {"month": "2026-12"}).content.decode()
    row = re.search(rf'data-advisor="{advisor.pk}".*?data-hours>([\d.]+)<', page, re.S)
    return row.group(1)


def test_an_answer_moves_its_posts_tallies_of_the_month_and_the_page_shows_them(
    client, personas, advisor_a, clock
):
    case = services.consultation_ask(
        actor=personas.resident_a, topic="0103", question="房东不退押金，我该怎么办？"
    ).case
    services.consultation_answer(
        actor=advisor_a, case=Case.objects.get(pk=case.pk), answer="可先书面催告。", minutes=42
    )
    post = post_of(advisor_a, personas.tree.community_a)
    assert tally(kind_duty("consultation"), post) == 42 and tally(DUTY, post) == 42
    assert tally(kind_duty("duty"), post) is None
    [row] = posts_month(personas.tree.community_a.path, 2026, 12)
    assert (row.minutes, row.kind_minutes("consultation")) == (42, 42)
    client.force_login(personas.district_admin)
    assert page_hours(client, personas.district_admin, advisor_a) == "0.7"


def test_recording_a_service_touches_its_months_rows_alone(
    personas, advisor_a, clock, django_assert_max_num_queries
):
    for day in range(1, 9):  # a month's services already counted
        served(advisor_a, personas.tree.community_a, 20, when=NOW.replace(day=day))
    # The post, then its kind's tally and its total's (with the year's months met): the same
    # handful of queries whatever the month holds.
    with django_assert_max_num_queries(7):
        served(advisor_a, personas.tree.community_a, 20)
    assert tally(DUTY, post_of(advisor_a, personas.tree.community_a)) == 180


def test_a_finished_duty_session_counts_toward_the_post(personas, advisor_a):
    session = make_activity(personas, kind=Activity.Kind.LEGAL_DUTY, title="法律顾问值班")
    [place] = sign_up(session, advisor_a)
    with at(START + minutes(15)):
        checkin_by_staff(actor=personas.community_staff_a, signup=place)
    with at(END + minutes(5)):
        activity_finish(actor=personas.community_staff_a, activity=session)
    month = datetime.date(START.year, START.month, 1)
    post = post_of(advisor_a, personas.tree.community_a)
    assert tally(kind_duty("duty"), post, month) == 105 == tally(DUTY, post, month)


def test_a_mediation_session_counts_toward_the_post(personas, advisor_a, clock):
    take_and_sit(advisor_a, open_dispute(personas).case, minutes=90)
    post = post_of(advisor_a, personas.tree.community_a)
    assert tally(kind_duty("mediation"), post) == 90 == tally(DUTY, post)


def test_taking_a_service_back_moves_its_tallies_back(client, personas, advisor_a, clock):
    post = post_of(advisor_a, personas.tree.community_a)
    service = served(advisor_a, personas.tree.community_a, 200)
    served(advisor_a, personas.tree.community_a, 30, kind="duty")
    # Changed (its minutes, kind and day): taken back as it was, counted as it is.
    hours_count([service], sign=-1)
    service.minutes, service.kind = 50, "mediation"
    service.served_at = NOW - datetime.timedelta(days=31)
    service.save()
    hours_count([service])
    assert tally(kind_duty("consultation"), post) == 0
    assert tally(kind_duty("duty"), post) == 30 and tally(DUTY, post) == 30
    assert tally(kind_duty("mediation"), post, datetime.date(2026, 11, 1)) == 50
    # Removed: taken back.
    hours_count([service], sign=-1)
    service.delete()
    assert tally(DUTY, post, datetime.date(2026, 11, 1)) == 0
    [row] = posts_month(personas.tree.community_a.path, 2026, 12)
    assert row.minutes == 30 and row.minutes_by_kind == {"duty": 30}
    client.force_login(personas.district_admin)
    assert page_hours(client, personas.district_admin, advisor_a) == "0.5"


def test_a_month_crossing_the_hours_owed_counts_in_the_years_months_met(personas, advisor_a, clock):
    post = post_of(advisor_a, personas.tree.community_a)
    served(advisor_a, personas.tree.community_a, 299)
    assert months_met(post) == 0
    last = served(advisor_a, personas.tree.community_a, 1)  # 300 minutes: the 5 hours owed
    assert months_met(post) == 1
    served(advisor_a, personas.tree.community_a, 60)  # over it: still one month
    served(advisor_a, personas.tree.community_a, 300, when=NOW - datetime.timedelta(days=40))
    assert months_met(post) == 2
    hours_count([last], sign=-1)  # still 359 in December
    assert months_met(post) == 2
    served(advisor_a, personas.tree.community_a, 200, kind="duty", when=NOW.replace(year=2025))
    assert months_met(post, 2025) == 0


def test_service_where_the_advisor_is_not_posted_counts_nowhere(
    personas, advisor_a, advisor_b, clock
):
    # advisor_b serves community A, where only advisor_a is posted.
    served(advisor_b, personas.tree.community_a, 300)
    assert not ObligationTally.objects.filter(duty__in=LEGAL_DUTIES).exists()
    rows = {row.advisor_id: row for row in posts_month("", 2026, 12)}
    assert rows[advisor_a.pk].minutes == 0 and rows[advisor_b.pk].minutes == 0


def test_a_recount_from_the_services_gives_the_tallies_recorded(
    personas, advisor_a, advisor_b, clock, settings
):
    tree = personas.tree
    served(advisor_a, tree.community_a, 200)
    served(advisor_a, tree.community_a, 120, kind="duty")
    served(advisor_a, tree.community_a, 300, when=NOW - datetime.timedelta(days=40))
    late = datetime.datetime(2026, 11, 1, 7, 30, tzinfo=SHANGHAI)  # still October in UTC
    served(advisor_a, tree.community_a, 20, when=late)
    served(advisor_b, tree.community_b, 30, kind="mediation")
    served(advisor_b, tree.community_a, 60)  # not posted there: nowhere, then as now
    a = post_of(advisor_a, tree.community_a)
    recorded = legal_tallies()
    # A: December's two kinds and total, October's and November's kind and total; B: one.
    assert len(recorded["tallies"]) == 9 and recorded["years"] == {(DUTY, a, 2026): 2}
    ObligationTally.objects.filter(duty__in=LEGAL_DUTIES).delete()
    ObligationYear.objects.filter(duty__in=LEGAL_DUTIES).delete()
    assert hours_tallies_rebuild() == 9
    assert legal_tallies() == recorded
    # More hours owed: the command recounts the months met against the new minimum.
    settings.LEGAL_ADVISOR_MONTHLY_HOURS = 6
    call_command("legal_hours_rebuild", stdout=io.StringIO())
    assert months_met(a) == 0


def test_the_month_is_read_from_the_tallies_in_one_query_not_from_the_services(
    client, personas, advisor_a, advisor_b, clock, settings, django_assert_num_queries
):
    settings.SNAPSHOT_RECHECK_SECONDS = 3600  # the posts are held: the month is the query
    tree = personas.tree
    served(advisor_a, tree.community_a, 200)
    served(advisor_a, tree.community_a, 120, kind="duty")
    served(advisor_b, tree.community_b, 30)
    POSTS.get()
    with django_assert_num_queries(1):
        rows = {row.advisor_id: row for row in posts_month(tree.district.path, 2026, 12)}
    assert rows[advisor_a.pk].minutes == 320 and rows[advisor_a.pk].met
    # The services gone behind the services' back: the month still reads what was counted.
    AdvisorService.objects.all()._raw_delete(AdvisorService.objects.db)
    rows = {row.advisor_id: row for row in posts_month("", 2026, 12)}
    assert (rows[advisor_a.pk].minutes, rows[advisor_a.pk].kind_minutes("duty")) == (320, 120)
    assert rows[advisor_b.pk].minutes == 30
    client.force_login(personas.district_admin)
    assert page_hours(client, personas.district_admin, advisor_a) == "5.3"
