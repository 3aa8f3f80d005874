"""The demo's volunteer side: volunteers, dual registration, a year of activities, points,
shops, the time bank. Seeded at a small number of residents, like the other demo tests."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from meihao.activities.attendance import SERVICE_KINDS, credit_due, credited_minutes
from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.cases.models import Case, CasePhoto, Status
from meihao.core.roles import Role
from meihao.demo.activity_plan import ACTIVITIES_PER_SCALE, Planner, activities_for_scale
from meihao.demo.plan import build_plan
from meihao.demo.population import age_on
from meihao.dual.models import PostClaim, ServicePost
from meihao.ledger.models import Account, Entry, Transfer, Unit
from meihao.ledger.services import points_for_service
from meihao.people.models import PersonTag, RoleAssignment, TeamMember
from meihao.rewards.models import Redemption, RewardItem
from meihao.timebank.models import HelpRequest, TimeBankMember
from meihao.volunteers import consent
from meihao.volunteers.models import RedArmbandDuty, VolunteerProfile
from meihao.wishes.models import WishClaim

RESIDENTS = 400
RESIDENT, VOLUNTEER, PARTY_MEMBER, MERCHANT, COMMUNITY_STAFF = (
    "13900000001",
    "13900000007",
    "13900000008",
    "13900000011",
    "13900000003",
)


def seed(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    options = {"residents": RESIDENTS, "cases": 0, "patrols": 0, **options}
    call_command("seed_demo", stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def seed_for_module():
    seed()


@pytest.fixture
def seeded(seeded_module, db):
    pass


def test_volunteers_are_registered_as_the_volunteers_app_registers_them(seeded):
    profiles = list(VolunteerProfile.objects.select_related("person", "community"))
    # Three in four residents of 16 to 78 (about 60 % of all) register.
    assert 0.45 * RESIDENTS < len(profiles) < 0.75 * RESIDENTS + 20
    roles = set(
        RoleAssignment.objects.filter(role=Role.VOLUNTEER).values_list("user_id", "place_id")
    )
    tagged = set(PersonTag.objects.filter(tag="volunteer").values_list("person_id", flat=True))
    for profile in profiles:
        assert profile.consent_version == consent.VERSION
        assert profile.consent_at == profile.registered_at
        assert profile.person.home_place_path.startswith(profile.community_path)
        assert (profile.person.user_id, profile.community_id) in roles
        assert profile.person_id in tagged
        minor = age_on(profile.person.birth_date, timezone.localdate(profile.registered_at)) < 18
        assert bool(profile.guardian_name) == minor  # under 18 on the day: a guardian agreed
        if minor:
            assert profile.guardian_phone and profile.guardian_consent_at
    assert not RoleAssignment.objects.filter(role=Role.VOLUNTEER, place__level="grid").exists()
    duties = TeamMember.objects.filter(team__kind="red_armband").values_list("duty", flat=True)
    assert set(duties) <= set(RedArmbandDuty.values) and duties
    # Every community team of the alliance with members has a leader.
    members = TeamMember.objects.filter(team__kind="volunteer", team__place__level="community")
    teams = set(members.exclude(person__user__phone=VOLUNTEER).values_list("team", flat=True))
    assert set(members.filter(position="leader").values_list("team", flat=True)) == teams


def test_a_year_of_activities_is_consistent_with_the_activities_rules(seeded):
    activities = Activity.objects.all()
    statuses = dict(activities.values_list("status").annotate(n=Count("id")))
    assert statuses["finished"] > 100
    assert statuses["cancelled"] == 1
    assert set(activities.values_list("kind", flat=True)) == set(Activity.Kind.values)
    now = timezone.now()
    upcoming = activities.filter(status="published", starts_at__gt=now)
    assert upcoming.values("place").distinct().count() == 30  # every community
    for activity in activities.filter(status__in=["finished", "published"]).prefetch_related(
        "signups"
    )[:400]:
        signups = [s for s in activity.signups.all() if s.status == "confirmed"]
        buckets = {r["role"]: r["count"] for r in activity.roles_needed}
        buckets[""] = activity.capacity - sum(buckets.values())
        for role, places in buckets.items():
            assert sum(1 for s in signups if s.role == role) <= places
    for attendance in Attendance.objects.select_related("signup__activity")[:2000]:
        activity = attendance.signup.activity
        late_after = activity.starts_at + datetime.timedelta(minutes=activity.late_after_minutes)
        assert attendance.late == (attendance.checked_in_at > late_after)
        if attendance.checked_out_at:
            expected = credited_minutes(
                activity, attendance.checked_in_at, attendance.checked_out_at
            )
            assert attendance.credited_minutes == expected
    records = ServiceRecord.objects.filter(source="attendance", reverses__isnull=True)
    for record in records.select_related("attendance__signup", "activity")[:2000]:
        assert record.minutes == record.attendance.credited_minutes
        assert record.activity.status == "finished"
        assert credit_due(record.activity, record.minutes)
        assert record.activity.kind in SERVICE_KINDS or record.attendance.signup.role
    assert Attendance.objects.filter(late=True).exists()
    assert SignUp.objects.filter(status="confirmed", attendance__isnull=True).exists()  # absent
    # Activities that ended lately wait for their organiser to finish them.
    assert activities.filter(status="published", ends_at__lt=now).exists()


def test_staff_entries_have_evidence_and_reversals_take_points_back(seeded):
    entries = ServiceRecord.objects.filter(source="staff_entry", reverses__isnull=True)
    assert entries.exists()
    for name in set(entries.values_list("evidence", flat=True)):
        assert name and default_storage.exists(name)
    reversals = ServiceRecord.objects.filter(reverses__isnull=False).select_related("reverses")
    assert reversals.count() == 2
    for reversal in reversals:
        assert reversal.minutes == -reversal.reverses.minutes and reversal.reason
        original = Transfer.objects.get(idempotency_key=f"service-record:{reversal.reverses_id}")
        back = Transfer.objects.get(reverses=original)
        assert back.idempotency_key == f"reversal:{original.pk}" and back.amount == original.amount


def test_every_record_earns_its_points_and_the_ledger_balances(seeded):
    transfers = {t.idempotency_key: t for t in Transfer.objects.filter(kind=Transfer.Kind.SERVICE)}
    records = ServiceRecord.objects.filter(reverses__isnull=True).select_related("activity")
    for record in records:
        kind = record.activity.kind if record.activity_id else Activity.Kind.VOLUNTEER_SERVICE
        points = points_for_service(kind, record.minutes)
        transfer = transfers.get(f"service-record:{record.pk}")
        if points:
            assert transfer.amount == points
            assert transfer.target.person_id == record.person_id
            assert transfer.source.code == "issuer:450403:points"
            assert (transfer.cause_type, transfer.cause_id) == (
                "activities.servicerecord",
                str(record.pk),
            )
    out = io.StringIO()
    call_command("ledger_check", stdout=out)
    assert out.getvalue().startswith("ledger ok")
    for account in Account.objects.all():
        total = Entry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0
        assert account.balance == total


def test_dual_registration_posts_count_their_live_claims(seeded):
    for post in ServicePost.objects.annotate(
        live=Count("claims", filter=~Q(claims__status="cancelled"))
    ):
        assert post.claimed_count == post.live <= post.slots
    completed = PostClaim.objects.filter(status="completed").select_related("service_record")
    assert completed.exists()
    for claim in completed:
        assert claim.service_record.minutes == claim.minutes
        # The confirmed claim is the record's evidence: no photo stands in for it.
        assert claim.service_record.source == "confirmed_post"
        assert not claim.service_record.evidence
        assert claim.confirmed_by_id and claim.completed_at > claim.claimed_at
    assert PostClaim.objects.filter(status="claimed").exists()
    assert PostClaim.objects.filter(status="cancelled").exists()


def test_redemptions_move_points_to_the_shop_and_never_overdraw(seeded):
    redemptions = Redemption.objects.select_related("transfer", "redemption_pass", "item")
    assert redemptions.exists()
    for redemption in redemptions:
        transfer = redemption.transfer
        assert transfer.idempotency_key == f"redemption:{redemption.idempotency_key}"
        assert transfer.amount == redemption.points == redemption.item.points_cost
        assert transfer.source.person_id == redemption.person_id
        assert transfer.target.organisation_id == redemption.merchant.organisation_id
        used = redemption.redemption_pass
        assert used.person_id == redemption.person_id and used.used_at == redemption.created_at
        assert used.issued_at < used.used_at < used.expires_at
    refunded = redemptions.filter(status="refunded")
    assert refunded.count() == 1
    assert refunded.get().refund_transfer.reverses_id == refunded.get().transfer_id
    assert not RewardItem.objects.filter(stock__lt=0).exists()
    for merchant_items in RewardItem.objects.values("merchant").annotate(n=Count("id")):
        assert 3 <= merchant_items["n"] <= 6
    # No person's points ever went below zero: replayed in time order.
    for account in Account.objects.filter(kind="person", unit=Unit.POINTS):
        running = 0
        for amount in account.entries.order_by("created_at", "id").values_list("amount", flat=True):
            running += amount
            assert running >= 0, account.code


def test_time_bank_has_members_pools_and_requests_in_every_state(seeded):
    members = TimeBankMember.objects.select_related("person")
    assert members.filter(person__user__phone=VOLUNTEER).exists()
    for member in members:
        assert member.person.home_place_path.startswith(member.community_path)
    demo = Case.objects.filter(idempotency_key__startswith="timebank-demo-")
    states = set(demo.values_list("status", flat=True))
    assert states >= {
        Status.SUBMITTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.REPORTED_BACK,
        Status.REOPENED,
        Status.CLOSED,
    }
    for request in HelpRequest.objects.filter(case__status=Status.CLOSED).select_related("case"):
        payment = request.payment
        assert payment.amount == request.minutes > 0
        assert payment.unit == Unit.MINUTES
        assert payment.target.person.user_id == request.case.assigned_user_id
    pools = Account.objects.filter(kind="pool", unit=Unit.MINUTES)
    assert pools.count() == 30
    assert not pools.filter(balance__lt=0).exists()


def test_micro_wishes_in_every_state(seeded):
    demo = {
        case.idempotency_key.removeprefix("wish-demo-"): case
        for case in Case.objects.filter(idempotency_key__startswith="wish-demo-").select_related(
            "wish"
        )
    }
    expected = {
        "ordered": Status.SUBMITTED,
        "published": Status.ACCEPTED,
        "dispatched": Status.DISPATCHED,
        "claimed-joint": Status.DISPATCHED,
        "fulfilled": Status.REPORTED_BACK,
        "closed-joint": Status.CLOSED,
        "rejected": Status.REJECTED,
        "escalated": Status.ACCEPTED,
    }
    assert {key: demo[key].status for key in expected} == expected
    assert demo["escalated"].wish.escalated_at is not None
    assert demo["published"].wish.escalated_at is None
    joint = WishClaim.objects.filter(wish__case=demo["claimed-joint"])
    assert joint.count() == 2 and joint.filter(organisation__isnull=False).exists()
    assert CasePhoto.objects.filter(case=demo["fulfilled"]).exists()
    closed = demo["closed-joint"]
    claimants = WishClaim.objects.filter(wish__case=closed, person__isnull=False)
    assert claimants.count() == 2
    for claim in claimants:
        points = Transfer.objects.get(idempotency_key=f"wish-points:{closed.pk}:{claim.person_id}")
        assert points.amount == 20 and points.target.person_id == claim.person_id


def test_demo_log_ins_find_their_data(seeded, client):
    from meihao.demo.accounts import DEMO_PASSWORD
    from meihao.volunteers.selectors import standing_of

    assert client.login(username=VOLUNTEER, password=DEMO_PASSWORD)
    person = client.get("/ledger/").context["points"].person
    assert standing_of(person).star >= 1
    assert SignUp.objects.filter(
        person=person, activity__status="published", activity__starts_at__gt=timezone.now()
    ).exists()
    assert Redemption.objects.filter(person=person).exists()
    balance = Account.objects.get(person=person, unit=Unit.POINTS).balance
    assert balance > 0
    shop = Redemption.objects.filter(person=person).first().merchant
    assert shop.items.filter(points_cost__lte=balance, stock__gt=0, is_active=True).exists()
    pages = {
        "/activities/": "骑楼社区",
        "/activities/mine/": "骑楼社区红袖章治安巡逻",
        "/ledger/": str(balance),
        "/rewards/": str(balance),
        "/rewards/mine/": "",
        "/volunteers/": "骑楼社区红袖章服务站",
        "/timebank/": "",
        "/timebank/mine/": "",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    client.logout()

    assert client.login(username=PARTY_MEMBER, password=DEMO_PASSWORD)
    assert PostClaim.objects.filter(person__user__phone=PARTY_MEMBER).count() == 2
    for url in ["/volunteers/posts/", "/volunteers/posts/mine/"]:
        response = client.get(url)
        assert response.status_code == 200 and "骑楼社区" in response.content.decode()
    claimed = Case.objects.filter(wish__claims__claimed_by__phone=PARTY_MEMBER).distinct()
    assert claimed.count() >= 4
    page = client.get("/wishes/claims/")
    assert page.status_code == 200
    assert claimed.filter(status=Status.DISPATCHED).first().number in page.content.decode()
    client.logout()

    assert client.login(username=RESIDENT, password=DEMO_PASSWORD)
    page = client.get("/wishes/mine/")
    mine = Case.objects.filter(submitted_by__phone=RESIDENT, case_type__code="WISH")
    assert page.status_code == 200 and mine.count() >= 2
    assert mine.first().number in page.content.decode()
    client.logout()

    assert client.login(username=MERCHANT, password=DEMO_PASSWORD)
    first = timezone.localdate().replace(day=1)
    takings = Redemption.objects.filter(
        merchant=shop, scanned_by__phone=MERCHANT, created_at__date__gte=first
    )
    assert takings.exists()
    assert client.get("/rewards/merchant/").status_code == 200
    client.logout()

    assert client.login(username=COMMUNITY_STAFF, password=DEMO_PASSWORD)
    for url in [
        "/activities/organise/",
        "/activities/records/",
        "/volunteers/roster/",
        "/volunteers/dual/posts/",
        "/rewards/manage/",
        "/timebank/staff/members/",
        "/timebank/staff/pool/",
        "/wishes/review/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_activities_scale_with_the_residents():
    assert activities_for_scale(1) == ACTIVITIES_PER_SCALE
    assert activities_for_scale(0.5) == ACTIVITIES_PER_SCALE // 2
    # The district's history stays the district's: only its people grow beyond scale 1.
    assert activities_for_scale(10) == ACTIVITIES_PER_SCALE
    plan = build_plan(450403)
    now = timezone.now()
    zone = timezone.get_current_timezone()

    def year(per_year):
        return Planner(plan=plan, seed=450403, per_year=per_year, now=now, zone=zone).year()

    small, large = year(300), year(3000)
    assert 250 < len(small) < 350
    assert 2850 < len(large) < 3150
    # A larger scale only adds activities.
    assert {a.key for a in small} <= {a.key for a in large}


def test_activities_option_must_not_be_negative(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", residents=10, activities=-1, stdout=io.StringIO())


def test_time_bank_and_wish_timelines_are_consistent(seeded):
    cases = Case.objects.filter(
        Q(idempotency_key__startswith="timebank-demo-")
        | Q(idempotency_key__startswith="wish-demo-")
    ).prefetch_related("events")
    assert cases.count() > 10
    for case in cases:
        events = sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
        assert events[0].to_status == Status.SUBMITTED
        assert events[0].created_at == case.created_at
        status = Status.SUBMITTED
        for event in events[1:]:
            assert event.from_status == status, case.idempotency_key
            status = event.to_status
        assert status == case.status
        assert events[-1].created_at < timezone.now()
