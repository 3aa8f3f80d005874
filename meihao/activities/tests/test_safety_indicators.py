"""The safe-community figures counted from activities: legal-education sessions and their
attendance, joint patrols, the red armbands' patrol hours and volunteers — each for the place
and the period, from finished activities and their records."""

import datetime

from meihao.activities.models import Activity, ServiceRecord
from meihao.activities.tests.helpers import SHANGHAI, attended, held
from meihao.insights.registry import REGISTRY, Span

DECEMBER = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


def test_the_safe_community_figures_count_finished_activities(personas):
    K = Activity.Kind
    lecture = held(personas, K.LEGAL_EDUCATION, 3)
    attended(personas, lecture, personas.resident_a.person, 90)
    attended(personas, lecture, personas.volunteer_a.person, 90)
    held(personas, K.LEGAL_EDUCATION, 4, status=Activity.Status.PUBLISHED)  # not held yet
    joint = held(personas, K.JOINT_PATROL, 5)
    attended(personas, joint, personas.volunteer_a.person, 120)
    shift = held(personas, K.PATROL_SHIFT, 6)
    attended(personas, shift, personas.party_member_a.person, 60)
    held(personas, K.JOINT_PATROL, 7, place=personas.tree.community_b)

    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    assert REGISTRY["legal_education_sessions"].measure(span).value == 1
    assert REGISTRY["legal_education_attendance"].measure(span).value == 2
    assert REGISTRY["joint_patrols"].measure(span).value == 1
    assert REGISTRY["red_armband_patrol_hours"].measure(span).value == 3.0
    assert REGISTRY["red_armband_volunteers"].measure(span).value == 2
    district = Span.of(personas.tree.district.path, *DECEMBER)
    assert REGISTRY["joint_patrols"].measure(district).value == 2
    november = Span.of(
        personas.tree.community_a.path, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
    )
    assert REGISTRY["red_armband_patrol_hours"].measure(november).value == 0


def test_a_joint_patrol_counts_the_officer_and_the_volunteers(personas, time_machine):
    """警民联巡: the block's officer and the red armbands sign up in their roles, check in, and
    both are recorded when the patrol is finished."""
    from meihao.activities import attendance, services
    from meihao.core.roles import Role
    from meihao.core.testing import make_user

    officer = make_user(
        "13800000098",
        "片警戊",
        home=personas.tree.grid_a1,
        roles=[(Role.POLICE_OFFICER, personas.tree.community_a)],
    )
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
    start = datetime.datetime(2026, 12, 2, 19, 0, tzinfo=SHANGHAI)
    patrol = services.activity_create(
        actor=personas.community_staff_a,
        kind=Activity.Kind.JOINT_PATROL,
        title="骑楼警民联防巡逻",
        place=personas.tree.community_a,
        venue="骑楼街",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=4,
        roles_needed=[{"role": "民警", "count": 1}, {"role": "红袖章", "count": 3}],
    )
    services.activity_publish(actor=personas.community_staff_a, activity=patrol)
    police = services.signup_create(actor=officer, activity=patrol, role="民警")
    armband = services.signup_create(actor=personas.volunteer_a, activity=patrol, role="红袖章")
    time_machine.move_to(start + datetime.timedelta(minutes=5), tick=False)
    for signup in (police, armband):
        attendance.checkin_by_staff(actor=personas.community_staff_a, signup=signup)
    time_machine.move_to(start + datetime.timedelta(hours=2, minutes=5), tick=False)
    attendance.activity_finish(actor=personas.community_staff_a, activity=patrol)
    served = set(ServiceRecord.objects.filter(activity=patrol).values_list("person", flat=True))
    assert served == {officer.person.pk, personas.volunteer_a.person.pk}
    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    assert REGISTRY["joint_patrols"].measure(span).value == 1
    assert REGISTRY["red_armband_volunteers"].measure(span).value == 2
