"""The demo's year of party meetings (demo.party_meetings), seeded once for the module at a small
scale on a pinned day: 1 March 2027 at half past midnight, a Monday after a weekend that ends a
month (the secretary's meeting awaiting approval is then February's). test_demo_party runs the
same checks on a district seeded today.

The checks take `now`, so that each module passes its own day."""

import datetime
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from meihao.activities.attendance import credited_minutes
from meihao.activities.models import Activity, Attendance, SignUp
from meihao.core.models import ObligationTally, ObligationYear
from meihao.core.obligations import Period, period_start
from meihao.demo.accounts import DEMO_PASSWORD
from meihao.demo.loader import row_counts
from meihao.party import compliance
from meihao.party.meetings import expected_people, minutes_approve
from meihao.party.models import (
    MeetingAbsence,
    MeetingType,
    PartyMeeting,
    PartyMember,
    PartyOrg,
    PartyPost,
)
from meihao.people.models import User

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2027, 3, 1, 0, 30, tzinfo=TZ)
RESIDENTS = 200
SECRETARY, PARTY_MEMBER = "13900000016", "13900000008"
DEMO_BRANCH = "骑楼社区第一党支部"
REASONS = {"出差", "生病住院", "外出务工", "照顾家人", "身体不适"}


def seed() -> str:
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "seed_demo",
            residents=RESIDENTS,
            cases=0,
            patrols=0,
            activities=200,  # the generic activities too: none of them a branch meeting
            stdout=out,
            stderr=err,
        )
    return err.getvalue()


def seed_for_module():
    return seed()


@pytest.fixture
def seeded(seeded_module, db):
    with time_machine.travel(NOW, tick=False):
        yield seeded_module


# -- the checks (test_demo_party runs them on today's seeding) ----------------------------------


def compliance_year(today: datetime.date) -> int:
    """The year whose compliance shows something due: this year once January is over."""
    return today.year if today.month > 1 else today.year - 1


def check_every_branch_and_group_meets():
    # The temporary branches (demo.projects) hold their committee's meetings only: checked in
    # test_demo_projects.
    orgs = PartyOrg.objects.filter(level__in=compliance.MEETING_LEVELS, temporary=False)
    types = compliance.types_by_level()
    held = Counter(PartyMeeting.objects.values_list("org_id", "meeting_type_id"))
    for org in orgs:
        for meeting_type in types[org.level]:
            # A year of months, quarters, years (some short: a period or two skipped).
            least = {Period.MONTH: 9, Period.QUARTER: 2, Period.YEAR: 1}[meeting_type.period]
            assert held[(org.pk, meeting_type.pk)] >= least, (org.name, meeting_type.code)
    assert not Activity.objects.filter(
        kind=Activity.Kind.BRANCH_MEETING, party_meeting__isnull=True
    ).exists()
    assert PartyMeeting.objects.filter(is_demo=False).count() == 0


def check_meetings_are_recorded_as_the_party_app_records_them(now: datetime.datetime):
    today = timezone.localdate(now)
    meetings = PartyMeeting.objects.select_related("activity", "meeting_type", "org")
    finished = meetings.filter(activity__status=Activity.Status.FINISHED)
    assert finished.exists()
    for meeting in meetings.filter(counted=True):
        assert meeting.quorate and meeting.approved_at and meeting.approved_by_id
    assert not finished.filter(minutes="").exists()
    assert not finished.filter(quorate=None).exists()
    assert finished.filter(quorate=False).exists()  # a branch or two fell short of its quorum
    assert not finished.filter(held_on__gte=today).exists()
    for meeting in finished.order_by("pk")[:400]:
        activity = meeting.activity
        local = timezone.localtime(activity.starts_at)
        assert local.weekday() < 5 and datetime.time(14, 30) <= local.time() <= datetime.time(16)
        assert 60 <= activity.planned_minutes <= 120
        assert meeting.held_on == local.date()
        assert activity.place_id == meeting.org.place_id and activity.venue
        assert meeting.org_path == meeting.org.path
        signups = list(
            SignUp.objects.filter(activity=activity).select_related("attendance", "person")
        )
        assert all(s.status == SignUp.Status.CONFIRMED for s in signups)
        assert activity.capacity >= len(signups)
        # The members called are those of its organisation (the committee for a committee
        # meeting) who had joined by then; the others signed up are members working away
        # who take part with this branch.
        pool = set(expected_people(meeting.org, meeting.meeting_type).values_list("pk", flat=True))
        called = [s for s in signups if s.person_id in pool]
        guests = [s for s in signups if s.person_id not in pool]
        assert meeting.expected == len(called) <= len(pool)
        came = [s for s in called if hasattr(s, "attendance")]
        assert meeting.present == len(came)
        quorum = meeting.meeting_type.quorum
        quorate = len(came) > 0 if quorum == "none" else 2 * len(came) > len(called)
        assert meeting.quorate == quorate
        assert meeting.counted == (quorate and meeting.approved_at is not None)
        for signup in guests:
            member = PartyMember.objects.get(person_id=signup.person_id)
            assert member.away and member.away_host_id == meeting.org_id
        for signup in [s for s in signups if hasattr(s, "attendance")]:
            attendance = signup.attendance
            assert attendance.checked_out_at == activity.ends_at
            assert attendance.check_out_method == Attendance.CheckOutMethod.FINISH
            assert attendance.credited_minutes == credited_minutes(
                activity, attendance.checked_in_at, attendance.checked_out_at
            )
            late_after = activity.starts_at + datetime.timedelta(minutes=15)
            assert attendance.late == (attendance.checked_in_at > late_after)
            if attendance.check_in_method == Attendance.CheckInMethod.ONLINE:
                assert activity.online_url
        absent = {s.person_id for s in called if not hasattr(s, "attendance")}
        reasons = dict(meeting.absences.values_list("person_id", "reason"))
        assert set(reasons) <= absent
        assert set(reasons.values()) <= REASONS
    methods = Counter(
        Attendance.objects.filter(signup__activity__kind=Activity.Kind.BRANCH_MEETING)
        .values_list("check_in_method", flat=True)
        .order_by()
    )
    assert methods["qr"] > 10 * methods["online"]  # online: members working away, if any
    # About 80 to 95 % of those called came; about half of the absences have a reason.
    expected = sum(finished.values_list("expected", flat=True))
    present = sum(finished.values_list("present", flat=True))
    assert 0.8 <= present / expected <= 0.95
    absences = MeetingAbsence.objects.count()
    assert 0.3 * (expected - present) <= absences <= 0.7 * (expected - present)


def check_the_lecturer_of_a_lecture_is_mostly_the_secretary():
    secretaries = dict(
        PartyPost.objects.filter(post=PartyPost.Post.SECRETARY).values_list("org_id", "person_id")
    )
    lectures = PartyMeeting.objects.filter(meeting_type__secretary_teaches_yearly__gt=0)
    taught = {
        org
        for org, lecturer in lectures.values_list("org_id", "lecturer_id")
        if secretaries.get(org) == lecturer
    }
    branches = set(lectures.values_list("org_id", flat=True))
    # Every secretary but a few taught one at least.
    assert 0.8 * len(branches) <= len(taught) < len(branches)


def recount() -> dict[tuple[str, int, datetime.date], int]:
    """The tallies as the meetings say: one for each counted meeting in its type's period; one
    a year for each counted lecture its organisation's secretary taught."""
    secretaries = dict(
        PartyPost.objects.filter(post=PartyPost.Post.SECRETARY).values_list("org_id", "person_id")
    )
    counts: Counter = Counter()
    for meeting in PartyMeeting.objects.filter(counted=True).select_related("meeting_type"):
        meeting_type = meeting.meeting_type
        start = period_start(meeting_type.period, meeting.held_on)
        counts[(meeting_type.duty, meeting.org_id, start)] += 1
        if meeting_type.secretary_teaches_yearly and meeting.lecturer_id == secretaries.get(
            meeting.org_id
        ):
            year = period_start(Period.YEAR, meeting.held_on)
            counts[(meeting_type.lecture_duty, meeting.org_id, year)] += 1
    return dict(counts)


def recount_years(counts) -> dict[tuple[str, int, int], int]:
    """The periods of each year whose count reached the duty's minimum."""
    minimum = {}
    for meeting_type in MeetingType.objects.all():
        minimum[meeting_type.duty] = meeting_type.minimum
        minimum[meeting_type.lecture_duty] = meeting_type.secretary_teaches_yearly
    years: Counter = Counter()
    for (duty, subject, start), amount in counts.items():
        if amount >= minimum[duty]:
            years[(duty, subject, start.year)] += 1
    return dict(years)


def tallies() -> tuple[dict, dict]:
    """The tallies and the years' periods met, as the obligations engine holds them."""
    return {
        (duty, subject, start): amount
        for duty, subject, start, amount in ObligationTally.objects.filter(
            duty__startswith="party."
        ).values_list("duty", "subject_id", "starts_on", "amount")
    }, {
        (duty, subject, year): met
        for duty, subject, year, met in ObligationYear.objects.filter(
            duty__startswith="party."
        ).values_list("duty", "subject_id", "year", "periods_met")
    }


def recounted() -> tuple[dict, dict]:
    counts = recount()
    return counts, recount_years(counts)


def check_tallies_are_what_the_meetings_say(now: datetime.datetime):
    assert tallies() == recounted()
    # And so the compliance cells, for a few branches, read from the tallies or counted here.
    today = timezone.localdate(now)
    year = compliance_year(today)
    counts = recount()
    for org in PartyOrg.objects.filter(level="branch").order_by("pk")[:20]:
        for cell in compliance.cells_of([org], year, today)[org.pk]:
            held = sum(
                amount
                for (duty, subject, start), amount in counts.items()
                if duty == cell.meeting_type.duty and subject == org.pk and start.year == year
            )
            assert cell.held == held


def check_some_branches_are_short(now: datetime.datetime):
    today = timezone.localdate(now)
    district = PartyOrg.objects.get(parent=None)
    summary = compliance.summary(district, compliance_year(today), today)
    branches = PartyOrg.objects.filter(level="branch", temporary=False).count()
    assert (
        summary.organisations
        == PartyOrg.objects.filter(level__in=compliance.MEETING_LEVELS).count()
    )
    # The temporary branches (demo.projects) hold their committee's meeting every month, all
    # they owe (their members' other meetings are at home); about one branch in eight is short.
    short = compliance.short_orgs(district, compliance_year(today), today)
    assert not short.filter(temporary=True).exists()
    assert PartyOrg.objects.filter(temporary=True).exists()
    assert 0 < summary.short <= 0.15 * branches + 1
    assert summary.compliant > summary.short


def check_the_branch_secretary_has_work(client, now: datetime.datetime):
    today = timezone.localdate(now)
    secretary = User.objects.get(phone=SECRETARY)
    branch = PartyOrg.objects.get(name=DEMO_BRANCH)
    meetings = PartyMeeting.objects.filter(org=branch).select_related("activity", "meeting_type")
    # (a) The latest 支部委员会, finished, its minutes written, waiting for her.
    (waiting,) = meetings.filter(approved_at=None, activity__status=Activity.Status.FINISHED)
    assert waiting.meeting_type.code == "committee"
    assert waiting.minutes and waiting.minutes_by == secretary and not waiting.counted
    assert waiting.quorate and waiting.present
    assert waiting.held_on < today and (today - waiting.held_on).days <= 3
    later = meetings.filter(held_on__gt=waiting.held_on, meeting_type__code="committee")
    assert not later.exists()
    # (b) The next 主题党日 in a few days at 15:00, its members signed up.
    (upcoming,) = meetings.filter(activity__status=Activity.Status.PUBLISHED)
    activity = upcoming.activity
    assert upcoming.meeting_type.code == "theme_day" and upcoming.expected is None
    assert 2 <= (upcoming.held_on - today).days <= 5 and activity.starts_at > now
    assert timezone.localtime(activity.starts_at).time() == datetime.time(15)
    members = set(branch.members.values_list("person_id", flat=True))
    signed = set(activity.signups.filter(status="confirmed").values_list("person_id", flat=True))
    assert members <= signed
    assert not Attendance.objects.filter(signup__activity=activity).exists()

    # Her branch is otherwise compliant; approving the minutes counts the meeting.
    def missed():
        cells = compliance.cells_of([branch], waiting.held_on.year, today)[branch.pk]
        return {(c.meeting_type.code, start) for c in cells for start in c.missed} | {
            (c.meeting_type.code, "lecture") for c in cells if c.lecture_short
        }

    start = period_start(Period.MONTH, waiting.held_on)
    assert missed() <= {("committee", start)}
    assert client.login(username=SECRETARY, password=DEMO_PASSWORD)
    for meeting in (waiting, upcoming):
        assert client.get(reverse("party:meeting", args=[meeting.pk])).status_code == 200
    # She shows the QR code of the one to come.
    assert client.get(reverse("activities:qr", args=[activity.pk])).status_code == 200
    minutes_approve(actor=secretary, meeting=waiting)
    waiting.refresh_from_db()
    assert waiting.counted
    assert missed() == set()
    assert tallies() == recounted()
    # The demo party member, of her branch, came to most of its meetings.
    person = User.objects.get(phone=PARTY_MEMBER).person
    his = SignUp.objects.filter(person=person, activity__party_meeting__isnull=False)
    his = his.filter(activity__status=Activity.Status.FINISHED)
    assert his.count() >= 20
    assert his.filter(attendance__isnull=False).count() >= 0.8 * his.count()


def check_members_away_take_part_where_they_are():
    """At the small scales the tests seed there may be none (the draws depend on the ids)."""
    away = PartyMember.objects.filter(away=True)
    home = SignUp.objects.filter(
        person__party_membership__away=True,
        activity__party_meeting__org=F("person__party_membership__branch"),
        activity__party_meeting__held_on__gte=F("person__party_membership__away_since"),
        activity__status=Activity.Status.FINISHED,
    )
    came = home.filter(attendance__isnull=False)
    assert came.count() <= 0.5 * home.count()  # mostly absent at home (some online)
    assert not came.exclude(attendance__check_in_method="online").exists()
    hosted = SignUp.objects.filter(
        person__party_membership__away=True,
        activity__party_meeting__org=F("person__party_membership__away_host"),
        activity__status=Activity.Status.FINISHED,
    )
    if hosted.count() >= 5:
        assert hosted.filter(attendance__check_in_method="online").exists()
    if away.exists():
        assert home.exists() or hosted.exists()


def check_loading_again_adds_nothing(reseed):
    before = row_counts(), tallies(), MeetingAbsence.objects.count()
    output = reseed()
    assert (row_counts(), tallies(), MeetingAbsence.objects.count()) == before
    assert "party meetings: 0 new" in output


# -- the tests -------------------------------------------------------------------------------------


def test_the_stage_reports_what_it_wrote(seeded):
    assert "party meetings:" in seeded
    assert PartyMeeting.objects.count() > 30 * PartyOrg.objects.filter(level="branch").count()


def test_every_branch_and_group_meets(seeded):
    check_every_branch_and_group_meets()


def test_meetings_are_recorded_as_the_party_app_records_them(seeded):
    check_meetings_are_recorded_as_the_party_app_records_them(NOW)


def test_the_lecturer_of_a_lecture_is_mostly_the_secretary(seeded):
    check_the_lecturer_of_a_lecture_is_mostly_the_secretary()


def test_tallies_are_what_the_meetings_say(seeded):
    check_tallies_are_what_the_meetings_say(NOW)


def test_some_branches_are_short(seeded):
    check_some_branches_are_short(NOW)
    # On 1 March: February's 支部委员会 of the secretary's branch waits for her approval.
    today = NOW.date()
    short = set(compliance.short_orgs(PartyOrg.objects.get(parent=None), 2027, today))
    assert PartyOrg.objects.get(name=DEMO_BRANCH) in short


def test_the_branch_secretary_has_work(seeded, client):
    # On Monday 1 March, the meeting awaiting approval is Friday's, February's.
    waiting = PartyMeeting.objects.get(org__name=DEMO_BRANCH, approved_at=None, expected__gt=0)
    assert waiting.held_on == datetime.date(2027, 2, 26)
    check_the_branch_secretary_has_work(client, NOW)


def test_members_away_take_part_where_they_are(seeded):
    check_members_away_take_part_where_they_are()


def test_loading_again_adds_nothing(seeded):
    check_loading_again_adds_nothing(seed)
