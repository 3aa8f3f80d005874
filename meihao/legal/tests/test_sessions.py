"""Duty and legal-education sessions are activities: the community's advisor signs up like
anyone (a session's roles are for its helpers) and checks in; when the session is finished the
minutes they were there count toward their monthly hours in that community. Residents who
booked a place count nothing, nor does an advisor of another community, nor a session of
another kind."""

import pytest

from meihao.activities.attendance import activity_finish, checkin_by_staff
from meihao.activities.models import Activity
from meihao.activities.tests.helpers import END, START, at, make_activity, minutes, sign_up
from meihao.legal.compliance import posts_month
from meihao.legal.models import AdvisorService


def _session(personas, kind, **overrides):
    fields = {
        "kind": kind,
        "title": "法律顾问值班" if kind == Activity.Kind.LEGAL_DUTY else "民法典进社区",
        "capacity": 6,
        **overrides,
    }
    return make_activity(personas, **fields)


@pytest.mark.parametrize(
    "kind, counted",
    [(Activity.Kind.LEGAL_DUTY, "duty"), (Activity.Kind.LEGAL_EDUCATION, "education")],
)
def test_the_advisors_time_at_a_session_counts_toward_the_month(personas, advisor_a, kind, counted):
    session = _session(personas, kind)
    [advisor_place] = sign_up(session, advisor_a)
    [booked] = sign_up(session, personas.resident_a)
    with at(START + minutes(15)):
        checkin_by_staff(actor=personas.community_staff_a, signup=advisor_place)
        checkin_by_staff(actor=personas.community_staff_a, signup=booked)
    with at(END + minutes(5)):
        activity_finish(actor=personas.community_staff_a, activity=session)
    served = AdvisorService.objects.get()
    assert (served.advisor, served.kind, served.minutes, served.activity) == (
        advisor_a,
        counted,
        105,
        session,
    )
    assert served.community == personas.tree.community_a
    [row] = posts_month(personas.tree.community_a.path, START.year, START.month)
    assert row.kind_minutes(counted) == 105


def test_other_kinds_and_other_communities_advisors_count_nothing(personas, advisor_a, advisor_b):
    lecture = _session(personas, Activity.Kind.LECTURE)
    duty = _session(personas, Activity.Kind.LEGAL_DUTY, title="法律顾问值班（周二）")
    for session in (lecture, duty):
        signups = sign_up(session, advisor_a if session is lecture else advisor_b)
        with at(START + minutes(1)):
            checkin_by_staff(actor=personas.community_staff_a, signup=signups[0])
        with at(END + minutes(1)):
            activity_finish(actor=personas.community_staff_a, activity=session)
    assert not AdvisorService.objects.exists()


def test_a_resident_finds_the_next_duty_sessions_of_her_community_to_book(
    client, personas, advisor_a
):
    from django.urls import reverse

    from meihao.activities.tests.helpers import WEEK_BEFORE

    duty = _session(personas, Activity.Kind.LEGAL_DUTY)
    lecture = _session(personas, Activity.Kind.LEGAL_EDUCATION)
    elsewhere = _session(
        personas,
        Activity.Kind.LEGAL_DUTY,
        place=personas.tree.community_b,
        title="河东值班",
        actor=personas.district_admin,
    )
    client.force_login(personas.resident_a)
    with at(WEEK_BEFORE):
        page = client.get(reverse("legal:home")).content.decode()
    assert f'data-activity="{duty.pk}"' in page
    assert f"/activities/{duty.pk}/" in page
    assert f'data-activity="{lecture.pk}"' not in page
    assert f'data-activity="{elsewhere.pk}"' not in page
    with at(START + minutes(1)):  # once it has started it is no longer offered
        assert (
            f'data-activity="{duty.pk}"' not in client.get(reverse("legal:home")).content.decode()
        )
