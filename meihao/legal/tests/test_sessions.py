"""Duty and legal-education sessions are activities: the community's advisor signs up in the
advisor's place and checks in; when the session is finished the minutes they were there count
toward their monthly hours in that community. Residents who booked a place count nothing, nor
does an advisor of another community, nor a session of another kind."""

import pytest

from meihao.activities.attendance import activity_finish, checkin_by_staff
from meihao.activities.models import Activity
from meihao.activities.tests.helpers import END, START, at, make_activity, minutes, sign_up
from meihao.legal.compliance import posts_month
from meihao.legal.models import AdvisorService

ADVISOR_PLACE = [{"role": "法律顾问", "count": 1}]


def _session(personas, kind, **overrides):
    fields = {
        "kind": kind,
        "title": "法律顾问值班" if kind == Activity.Kind.LEGAL_DUTY else "民法典进社区",
        "roles_needed": ADVISOR_PLACE,
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
    [advisor_place] = sign_up(session, advisor_a, role="法律顾问")
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
        signups = sign_up(session, advisor_a if session is lecture else advisor_b, role="法律顾问")
        with at(START + minutes(1)):
            checkin_by_staff(actor=personas.community_staff_a, signup=signups[0])
        with at(END + minutes(1)):
            activity_finish(actor=personas.community_staff_a, activity=session)
    assert not AdvisorService.objects.exists()
