"""三会一课: a meeting is called (members signed up and told), members sign in by QR code or
online, finishing records attendance and quorum, the secretary approves the minutes and only
then does a quorate meeting count; compliance per period across quarter and year ends; party
meetings are not public and not the place officials' to organise."""

import datetime
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import time_machine
from django.urls import reverse

from meihao.activities import qr
from meihao.activities.attendance import activity_finish, checkin_by_qr, checkin_online
from meihao.activities.models import Activity, Attendance, SignUp
from meihao.activities.services import activity_create
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent, ObligationTally
from meihao.core.obligations import tally_add
from meihao.core.testing import make_user
from meihao.notify.models import Message
from meihao.party import compliance, meetings, selectors
from meihao.party.models import MeetingType, PartyMeeting, PartyPost
from meihao.party.testing import make_member

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.fixture
def committee(party, personas):
    """Branch a1's committee: its secretary, the party member and a third, absent one."""
    third = make_user("13800000072", "委员丙", home=personas.tree.grid_a1)
    make_member(third.person, party.branch_a1)
    for person in (personas.party_member_a.person, third.person):
        PartyPost.objects.create(
            org=party.branch_a1, person=person, post=PartyPost.Post.COMMITTEE_MEMBER
        )
    return third


def _schedule(party, code, *, day=(2026, 3, 10), online=""):
    return meetings.meeting_schedule(
        actor=party.secretary_a1,
        org=party.branch_a1,
        type_id=MeetingType.objects.get(code=code).pk,
        starts_at=local(*day, 10, 0),
        ends_at=local(*day, 11, 30),
        venue="骑楼社区党群服务中心",
        online_url=online,
        agenda="学习传达会议精神",
    )


def _held(party, meeting, *present):
    activity = meeting.activity
    with time_machine.travel(activity.starts_at + datetime.timedelta(minutes=5), tick=False):
        for user in present:
            checkin_by_qr(actor=user, token=qr.make_token(activity.pk))
    with time_machine.travel(activity.ends_at + datetime.timedelta(minutes=5), tick=False):
        activity_finish(actor=party.secretary_a1, activity=activity)
        meetings.minutes_write(
            actor=party.secretary_a1,
            meeting=meeting,
            minutes="会议讨论了……",
            resolutions="一致通过",
        )
    meeting.refresh_from_db()
    return meeting


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_calling_a_committee_meeting_signs_up_and_tells_the_committee(party, personas, committee):
    meeting = _schedule(party, "committee")
    called = set(
        SignUp.objects.filter(activity=meeting.activity).values_list("person__real_name", flat=True)
    )
    assert called == {"支书甲", "党员甲", "委员丙"}
    assert meeting.activity.status == Activity.Status.PUBLISHED
    told = set(
        Message.objects.filter(kind="party_meeting_notice").values_list(
            "recipient__name", flat=True
        )
    )
    assert told == {"党员甲", "委员丙"}  # not the secretary who called it


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_party_meetings_are_not_public(client, party, personas, committee):
    meeting = _schedule(party, "committee")
    for user in (personas.community_staff_a, personas.resident_a, personas.district_admin):
        assert not Activity.objects.visible_to(user).filter(pk=meeting.activity_id).exists()
        client.force_login(user)
        assert (
            client.get(reverse("activities:detail", args=[meeting.activity_id])).status_code == 404
        )
        assert client.get(reverse("party:meeting", args=[meeting.pk])).status_code == 404
        assert meeting.activity_id not in {a.pk for a in Activity.objects.organised_by(user)}
    # Branch a2's secretary-less member and the street above see it as party.
    assert (
        Activity.objects.visible_to(personas.street_chief_a).filter(pk=meeting.activity_id).exists()
    )
    assert (
        Activity.objects.visible_to(personas.party_member_a).filter(pk=meeting.activity_id).exists()
    )


def test_officials_cannot_arrange_a_party_meeting_as_an_activity(personas):
    with pytest.raises(ValidationFailed) as refused:
        activity_create(
            actor=personas.community_staff_a,
            kind=Activity.Kind.BRANCH_MEETING,
            title="支部会",
            place=personas.tree.community_a,
            venue="会议室",
            starts_at=local(2030, 1, 1, 9, 0),
            ends_at=local(2030, 1, 1, 10, 0),
            capacity=10,
        )
    assert refused.value.field == "kind"


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_a_resident_who_is_no_party_member_cannot_sign_in(party, personas, committee):
    meeting = _schedule(party, "general")
    activity = meeting.activity
    with time_machine.travel(activity.starts_at, tick=False), pytest.raises(NotFound):
        checkin_by_qr(actor=personas.resident_a, token=qr.make_token(activity.pk))
    assert not Attendance.objects.filter(signup__person=personas.resident_a.person).exists()


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_qr_and_online_sign_in_finish_quorum_and_an_away_members_meeting(
    party, personas, committee
):
    # A member of another branch works here and takes part with branch a1.
    away = make_user("13800000073", "外出党员", home=personas.tree.grid_b1)
    away_member = make_member(
        away.person,
        party.branch_b1,
        away=True,
        away_where="骑楼",
        away_since=datetime.date(2025, 1, 1),
        away_host=party.branch_a1,
    )
    meeting = _schedule(party, "general", online="https://live.example.cn/room/1")
    assert Message.objects.filter(
        kind="party_meeting_notice",
        recipient=away,
        idempotency_key__endswith=f"hosted:u{away.pk}",
    ).exists()  # told as the branch they take part with, not signed up
    assert not SignUp.objects.filter(activity=meeting.activity, person=away.person).exists()
    activity = meeting.activity
    with time_machine.travel(activity.starts_at + datetime.timedelta(minutes=3), tick=False):
        checkin_by_qr(actor=party.secretary_a1, token=qr.make_token(activity.pk))
        checkin_by_qr(actor=personas.party_member_a, token=qr.make_token(activity.pk))
        joined = checkin_online(actor=away, activity=activity)
        assert joined.attendance.check_in_method == Attendance.CheckInMethod.ONLINE
    with time_machine.travel(activity.ends_at, tick=False):
        activity_finish(actor=party.secretary_a1, activity=activity)
    meeting.refresh_from_db()
    # Branch a1 has 3 members (secretary, party member, committee's third): 2 came.
    assert (meeting.expected, meeting.present, meeting.quorate) == (3, 2, True)
    called, guests = selectors.roll_call(meeting)
    assert [p.real_name for p in guests] == ["外出党员"]
    assert {c.person.real_name: c.present for c in called} == {
        "支书甲": True,
        "党员甲": True,
        "委员丙": False,
    }
    # It counts for the away member's own branch: their year's organisational life shows it.
    assert list(selectors.meetings_attended(away_member, year=2026)) == [meeting]


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_a_meeting_without_quorum_is_recorded_and_does_not_count(party, personas, committee):
    meeting = _held(party, _schedule(party, "committee"), party.secretary_a1)
    assert (meeting.expected, meeting.present, meeting.quorate) == (3, 1, False)
    with time_machine.travel(local(2026, 3, 10, 12, 0), tick=False):
        approved = meetings.minutes_approve(actor=party.secretary_a1, meeting=meeting)
    assert approved.approved_at is not None and not approved.counted
    assert not ObligationTally.objects.exists()


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_approving_the_minutes_makes_a_quorate_meeting_count_and_compliance_green(
    party, personas, committee
):
    meeting = _schedule(party, "committee")
    for month in (1, 2):  # January's and February's were held
        _count(party.branch_a1, "committee", datetime.date(2026, month, 20))
    not_begun = time_machine.travel(local(2026, 3, 10, 9, 0), tick=False)
    with not_begun, pytest.raises(IllegalTransition):  # no minutes before it begins
        meetings.minutes_write(actor=party.secretary_a1, meeting=meeting, minutes="x")
    meeting = _held(party, meeting, party.secretary_a1, personas.party_member_a)
    assert meeting.quorate
    with time_machine.travel(local(2026, 3, 10, 12, 0), tick=False):
        today = datetime.date(2026, 3, 10)
        before = _cell(party, "committee", today)
        assert before.state == "open" and before.current == 0
        with pytest.raises(PermissionDenied):  # a committee member writes, the secretary approves
            meetings.minutes_approve(actor=personas.party_member_a, meeting=meeting)
        meetings.minutes_approve(actor=party.secretary_a1, meeting=meeting)
        with pytest.raises(IllegalTransition):
            meetings.minutes_approve(actor=party.secretary_a1, meeting=meeting)
        with pytest.raises(IllegalTransition):
            meetings.minutes_write(actor=party.secretary_a1, meeting=meeting, minutes="改")
        after = _cell(party, "committee", today)
    assert after.state == "met" and after.current == 1
    meeting.refresh_from_db()
    assert meeting.counted and meeting.minutes == "会议讨论了……"


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_minutes_are_approved_only_after_the_meeting_is_finished(party, personas, committee):
    meeting = _schedule(party, "committee")
    with time_machine.travel(local(2026, 3, 10, 10, 30), tick=False):
        meetings.minutes_write(actor=party.secretary_a1, meeting=meeting, minutes="进行中")
        with pytest.raises(IllegalTransition):
            meetings.minutes_approve(actor=party.secretary_a1, meeting=meeting)


def _cell(party, code, today, org=None):
    cells = compliance.cells_of([org or party.branch_a1], today.year, today)
    return next(c for c in cells[(org or party.branch_a1).pk] if c.meeting_type.code == code)


def _count(org, code, day, amount=1):
    meeting_type = MeetingType.objects.get(code=code)
    tally_add(
        duty=meeting_type.duty,
        subject_id=org.pk,
        period=meeting_type.period,
        day=day,
        amount=amount,
        minimum=meeting_type.minimum,
    )


def test_compliance_across_quarter_and_year_ends(party):
    branch = party.branch_a1
    _count(branch, "general", datetime.date(2025, 12, 31))  # last year's Q4, not this year's
    _count(branch, "general", datetime.date(2026, 4, 1))  # Q2
    on_march_31 = _cell(party, "general", datetime.date(2026, 3, 31))
    assert on_march_31.state == "open" and on_march_31.missed == []
    on_april_1 = _cell(party, "general", datetime.date(2026, 4, 1))
    assert on_april_1.missed == [datetime.date(2026, 1, 1)] and on_april_1.state == "missed"
    assert on_april_1.current == 1 and (on_april_1.held, on_april_1.required) == (1, 2)
    last_year = compliance.cells_of([branch], 2025, datetime.date(2026, 4, 1))[branch.pk]
    general_2025 = next(c for c in last_year if c.meeting_type.code == "general")
    assert general_2025.missed == [
        datetime.date(2025, 1, 1),
        datetime.date(2025, 4, 1),
        datetime.date(2025, 7, 1),
    ]
    assert general_2025.current is None


def test_the_secretary_must_teach_a_lecture_a_year(party):
    meeting_type = MeetingType.objects.get(code="lecture")
    for day in (datetime.date(2025, m, 5) for m in (1, 4, 7, 10)):
        _count(party.branch_a1, "lecture", day)
    cells = compliance.cells_of([party.branch_a1], 2025, datetime.date(2026, 1, 2))[
        party.branch_a1.pk
    ]
    cell = next(c for c in cells if c.meeting_type == meeting_type)
    assert cell.missed == [] and cell.lecture_short and cell.state == "missed"
    tally_add(
        duty=meeting_type.lecture_duty,
        subject_id=party.branch_a1.pk,
        period="year",
        day=datetime.date(2025, 10, 5),
    )
    cells = compliance.cells_of([party.branch_a1], 2025, datetime.date(2026, 1, 2))[
        party.branch_a1.pk
    ]
    assert next(c for c in cells if c.meeting_type == meeting_type).state == "met"


def test_a_temporary_branch_owes_only_the_periods_it_existed_in(party, personas):
    from meihao.party.testing import make_org

    temporary = make_org(
        "项目临时党支部",
        "branch",
        party.street_a,
        personas.tree.street_a,
        temporary=True,
        starts_on=datetime.date(2026, 5, 1),
    )
    cell = _cell(party, "committee", datetime.date(2026, 6, 15), org=temporary)
    assert cell.required == 2 and cell.missed == [datetime.date(2026, 5, 1)]


def test_a_temporary_branch_owes_only_the_types_marked_for_it(party, personas):
    from meihao.party.testing import make_org

    temporary = make_org(
        "项目临时党支部",
        "branch",
        party.street_a,
        personas.tree.street_a,
        temporary=True,
        starts_on=datetime.date(2026, 1, 1),
    )
    today = datetime.date(2026, 2, 2)
    cells = compliance.cells_of([temporary], 2026, today)[temporary.pk]
    assert [c.meeting_type.code for c in cells] == ["committee"]
    _count(temporary, "committee", datetime.date(2026, 1, 20))
    summary = compliance.summary(party.street_a, 2026, today)
    assert temporary not in compliance.short_orgs(party.street_a, 2026, today)
    # The district adds the themed party day to what temporary branches owe: January is short.
    MeetingType.objects.filter(code="theme_day").update(owed_by_temporary=True)
    assert temporary in compliance.short_orgs(party.street_a, 2026, today)
    assert compliance.summary(party.street_a, 2026, today).compliant == summary.compliant - 1


def test_the_summary_counts_compliant_and_short_organisations(party):
    today = datetime.date(2026, 2, 2)  # January is over: each monthly type was due once
    branch_types = MeetingType.objects.filter(level="branch", period="month")
    for meeting_type in branch_types:
        _count(party.branch_a1, meeting_type.code, datetime.date(2026, 1, 15))
    _count(party.group_a1, "group", datetime.date(2026, 1, 15))
    summary = compliance.summary(party.street_a, 2026, today)
    # Street a: branches a1, a2 and group a1; a2 held nothing.
    assert (summary.organisations, summary.compliant, summary.short) == (3, 2, 1)
    assert list(compliance.short_orgs(party.street_a, 2026, today)) == [party.branch_a2]


def test_the_committees_below_are_counted_each(party, personas):
    today = datetime.date(2026, 2, 2)
    for meeting_type in MeetingType.objects.filter(level="branch", period="month"):
        _count(party.branch_a1, meeting_type.code, datetime.date(2026, 1, 15))
        _count(party.branch_b1, meeting_type.code, datetime.date(2026, 1, 15))
    _count(party.group_a1, "group", datetime.date(2026, 1, 15))
    rows = compliance.below(party.district, 2026, today)
    assert [(r.org, r.organisations, r.compliant, r.short) for r in rows] == [
        (party.street_a, 3, 2, 1),  # branch a2 held nothing
        (party.street_b, 1, 1, 0),
    ]
    assert [(r.org, r.compliant) for r in compliance.below(party.street_a, 2026, today)] == [
        (party.community_a, 2)
    ]
    assert compliance.below(party.community_a, 2026, today) == []  # its branches are the rows


@time_machine.travel(local(2026, 2, 2, 9, 0), tick=False)
def test_the_district_page_shows_each_street_and_links_down(client, party, personas):
    for meeting_type in MeetingType.objects.filter(level="branch", period="month"):
        _count(party.branch_b1, meeting_type.code, datetime.date(2026, 1, 15))
    secretary = make_user("13800000072", "区委书记", roles=[])
    PartyPost.objects.create(
        org=party.district, person=secretary.person, post=PartyPost.Post.SECRETARY
    )
    client.force_login(secretary)
    html = client.get(reverse("party:compliance"), {"org": party.district.pk}).content.decode()
    below = html.split('id="compliance-below"')[1].split("</table>")[0]
    assert "中共城东街道工作委员会" in below and "中共城南街道工作委员会" in below
    assert f"?org={party.street_a.pk}&amp;year=2026&amp;short=1" in below  # 3 short there
    assert 'aria-valuenow="100"' in below and 'aria-valuenow="0"' in below
    street = client.get(reverse("party:compliance"), {"org": party.street_a.pk, "short": "1"})
    assert "骑楼社区第二党支部" in street.content.decode()


def test_the_compliance_page_for_a_committee_and_404_for_others(client, party, personas):
    client.force_login(personas.street_chief_a)
    page = client.get(reverse("party:compliance"), {"org": party.street_a.pk, "year": "2026"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "骑楼社区第一党支部" in html and "河东" not in html
    for bad in ({"org": party.street_b.pk}, {"org": "x"}, {"org": "9" * 30}):
        assert client.get(reverse("party:compliance"), bad).status_code == 404
    assert (
        client.get(
            reverse("party:compliance"), {"org": party.street_a.pk, "year": "abc"}
        ).status_code
        == 200
    )
    client.force_login(personas.party_member_a)
    assert client.get(reverse("party:compliance")).status_code == 404


@time_machine.travel(local(2026, 3, 9, 9, 0), tick=False)
def test_the_meeting_pages_work_end_to_end(client, party, personas, committee):
    client.force_login(party.secretary_a1)
    org_url = reverse("party:org", args=[party.branch_a1.pk])
    committee_type = MeetingType.objects.get(code="committee")
    refused = client.post(
        reverse("party:meeting_schedule", args=[party.branch_a1.pk]),
        {"type": committee_type.pk, "starts_at": "garbage", "ends_at": "2026-03-10T11:00"},
    )
    assert refused.status_code == 400 and "日期" in refused.content.decode()
    assert not PartyMeeting.objects.exists()
    response = client.post(
        reverse("party:meeting_schedule", args=[party.branch_a1.pk]),
        {
            "type": committee_type.pk,
            "starts_at": "2026-03-10T10:00",
            "ends_at": "2026-03-10T11:00",
            "venue": "党群服务中心",
            "agenda": "<script>alert(1)</script>",
        },
    )
    meeting = PartyMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "party:meeting", args=[meeting.pk]
    )
    page = client.get(reverse("party:meeting", args=[meeting.pk])).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert(1)" not in page
    assert "党员甲" in page
    assert "支部委员会" in client.get(org_url).content.decode()
    with time_machine.travel(local(2026, 3, 10, 10, 5), tick=False):
        checkin_by_qr(actor=personas.party_member_a, token=qr.make_token(meeting.activity_id))
        checkin_by_qr(actor=party.secretary_a1, token=qr.make_token(meeting.activity_id))
    with time_machine.travel(local(2026, 3, 10, 11, 5), tick=False):
        assert client.post(reverse("party:meeting_finish", args=[meeting.pk])).status_code == 302
        empty = client.post(reverse("party:minutes", args=[meeting.pk]), {"minutes": " "})
        assert empty.status_code == 400 and "纪要" in empty.content.decode()
        client.post(reverse("party:minutes", args=[meeting.pk]), {"minutes": "研究了三件事"})
        absent = client.post(
            reverse("party:absence", args=[meeting.pk]),
            {"person": committee.person.pk, "reason": "出差"},
        )
        assert absent.status_code == 302
        client.post(reverse("party:approve", args=[meeting.pk]))
        page = client.get(reverse("party:meeting", args=[meeting.pk])).content.decode()
    meeting.refresh_from_db()
    assert meeting.counted and "研究了三件事" in page and "出差" in page
    # The committee prints the year's record book (audited); nobody else may.
    with time_machine.travel(local(2026, 3, 10, 12, 0), tick=False):
        book = client.get(reverse("party:record_book", args=[party.branch_a1.pk]), {"year": "x"})
    assert book.status_code == 200 and book["Content-Type"] == "application/pdf"
    text = "".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(book.content)
    )
    assert "研究了三件事" in text and "委员丙（出差）" in text and "支部委员会" in text
    assert AuditEvent.objects.filter(kind="pii_read", action="read:record_book:2026").exists()
    # A member of the branch reads the approved minutes, not the roll call.
    plain = make_user("13800000074", "党员丁", home=personas.tree.grid_a1)
    make_member(plain.person, party.branch_a1)
    client.force_login(plain)
    member_page = client.get(reverse("party:meeting", args=[meeting.pk])).content.decode()
    assert "研究了三件事" in member_page and 'id="roll-call"' not in member_page
    assert client.get(reverse("party:record_book", args=[party.branch_a1.pk])).status_code == 404


def test_changing_a_types_period_recounts_its_tallies(client, party, personas):
    from meihao.party.testing import make_meeting

    meeting_type = MeetingType.objects.get(code="theme_day")
    for day in (datetime.date(2026, 1, 10), datetime.date(2026, 2, 10)):
        make_meeting(party.branch_a1, meeting_type, day, counted=True)
        _count(party.branch_a1, "theme_day", day)
    admin = make_user("13800000075", "超级管理员")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:party_meetingtype_change", args=[meeting_type.pk])
    data = {
        "code": "theme_day",
        "name_zh": "主题党日",
        "name_en": "Themed party day",
        "level": "branch",
        "period": "quarter",
        "minimum": "1",
        "quorum": "none",
        "secretary_teaches_yearly": "0",
        "order": "4",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    tally = ObligationTally.objects.get(duty=meeting_type.duty)
    assert (tally.period, tally.starts_on, tally.amount) == (
        "quarter",
        datetime.date(2026, 1, 1),
        2,
    )


def test_secretaries_are_reminded_of_meetings_owed_in_the_periods_last_days(party, personas):
    from meihao.party.testing import make_meeting

    group_leader = make_user("13800000076", "组长", home=personas.tree.grid_a1)
    make_member(group_leader.person, party.branch_a1, group=party.group_a1)
    PartyPost.objects.create(
        org=party.group_a1, person=group_leader.person, post=PartyPost.Post.GROUP_LEADER
    )
    assert meetings.remind_meetings_due(today=datetime.date(2026, 3, 10)) == 0  # 21 days left
    # March 25: monthly types due within 7 days. Branch a1 has held its 支部委员会.
    _count(party.branch_a1, "committee", datetime.date(2026, 3, 3))
    # … and has called its 主题党日 for the 28th.
    make_meeting(
        party.branch_a1, MeetingType.objects.get(code="theme_day"), datetime.date(2026, 3, 28)
    )
    Activity.objects.filter(party_meeting__org=party.branch_a1).update(
        status=Activity.Status.PUBLISHED
    )
    told = meetings.remind_meetings_due(today=datetime.date(2026, 3, 25))
    messages = Message.objects.filter(kind="party_meetings_due")
    got = sorted((m.recipient.name, m.subject) for m in messages.select_related("recipient"))
    # The quarter ends too: its 支部党员大会 and 党课 are owed; the held and the called are not;
    # branches without a secretary have no one to tell.
    assert told == 3
    assert [name for name, _ in got] == ["支书甲", "支书甲", "组长"]
    texts = " ".join(subject for _, subject in got)
    assert "支部党员大会" in texts and "党课" in texts and "党小组会" in texts
    assert "支部委员会" not in texts and "主题党日" not in texts
    # Told once per period.
    assert meetings.remind_meetings_due(today=datetime.date(2026, 3, 26)) == 0
    assert messages.count() == 3


def test_the_summary_in_the_current_year_leaves_the_period_under_way_out(party):
    today = datetime.date(2026, 2, 15)  # January is due; February is under way
    for branch in (party.branch_a1, party.branch_a2):
        for code in ("committee", "theme_day"):
            _count(branch, code, datetime.date(2026, 2, 3))  # February's: held already
    for code in ("committee", "theme_day"):
        _count(party.branch_a1, code, datetime.date(2026, 1, 10))  # only a1 held January's
    _count(party.group_a1, "group", datetime.date(2026, 1, 15))
    summary = compliance.summary(party.street_a, 2026, today)
    assert (summary.organisations, summary.compliant) == (3, 2)
    assert list(compliance.short_orgs(party.street_a, 2026, today)) == [party.branch_a2]
