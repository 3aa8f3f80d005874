"""What the volunteer will earn and when: the activity page states the points and hours of the
whole planned time; a checked-out attendance says its points come when the activity is finished."""

from django.urls import reverse

from meihao.activities import qr
from meihao.activities.attendance import activity_finish, checkin_by_code, checkout
from meihao.activities.models import Activity
from meihao.activities.tests.helpers import END, START, at, make_activity, minutes, sign_up
from meihao.ledger.selectors import points_balance

PENDING = "积分在组织者结束活动时发放，最迟在活动结束后七小时内到账。"


def _get(client, user, url, when) -> str:
    client.force_login(user)
    with at(when):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _detail(activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def test_the_activity_page_says_what_the_whole_time_earns(client, personas):
    service = make_activity(personas)  # two hours, volunteer service: 10 points an hour
    html = _get(client, personas.volunteer_a, _detail(service), START)
    assert 'id="earnings">全程参加可得 20 积分、2.0 小时服务时长</dd>' in html
    lecture = make_activity(
        personas,
        kind=Activity.Kind.LECTURE,
        ends_at=START + minutes(90),
        roles_needed=[{"role": "引导员", "count": 1}],
    )
    html = _get(client, personas.volunteer_a, _detail(lecture), START)
    assert "全程参加可得 15 积分、1.5 小时服务时长 (须担任所需岗位)" in html
    # Where nobody serves in a role (an audience, a duty session's visitors), nothing is earned.
    talk = make_activity(
        personas, kind=Activity.Kind.LECTURE, title="民法典讲座", ends_at=START + minutes(90)
    )
    html = _get(client, personas.volunteer_a, _detail(talk), START)
    assert 'id="earnings"' not in html


def test_a_checked_out_attendance_says_when_its_points_come(client, personas):
    activity = make_activity(personas)
    sign_up(activity, personas.volunteer_a)
    volunteer = personas.volunteer_a
    with at(START):
        attendance = checkin_by_code(
            actor=volunteer, activity=activity, code=qr.make_code(activity.pk)
        ).attendance
    mine = reverse("activities:mine")
    detail = _detail(activity)
    assert PENDING not in _get(client, volunteer, mine, START + minutes(30))  # still there
    with at(END - minutes(30)):
        checkout(actor=volunteer, attendance=attendance)
    for url in (mine, detail):
        html = _get(client, volunteer, url, END)
        assert PENDING in html and "90" in html
    assert points_balance(volunteer.person) == 0
    with at(END):
        activity_finish(actor=personas.community_staff_a, activity=activity)
    for url in (mine, detail):
        assert PENDING not in _get(client, volunteer, url, END)
    assert points_balance(volunteer.person) == 15
