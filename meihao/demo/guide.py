"""What each demo log-in finds in the seeded district, for whoever tries the demo: the pages to
open and, once the district is seeded, the figures they will see there (read from the
database, so they are what the pages show)."""

from django.db.models import Sum

from meihao.core.roles import Role
from meihao.demo.accounts import PERSONAS


def _elders_summary(phone: str) -> str:
    from meihao.eldercare.selectors import elders_visible_to
    from meihao.people.models import User

    user = User.objects.filter(phone=phone).first()
    if user is None:
        return "none"
    elders = elders_visible_to(user)
    assessed = elders.filter(assessments__isnull=False).distinct().count()
    alone = elders.filter(living="alone").count()
    return f"{elders.count()} registered, {assessed} assessed, {alone} living alone"


def _care_notes(phones: dict) -> dict[str, str]:
    """What the care worker, the demo elder and her daughter find (云家庭, home care)."""
    from meihao.care.models import CareOrder, ProviderStaff
    from meihao.cases.states import CLAIMABLE_STATES, TERMINAL_STATES
    from meihao.demo.accounts import persona_of

    worker = ProviderStaff.objects.filter(person__user__phone=phones[Role.CARE_PROVIDER]).first()
    offered = todo = 0
    if worker is not None:
        offered = (
            CareOrder.objects.filter(
                offers__provider=worker.provider, case__status__in=CLAIMABLE_STATES
            )
            .distinct()
            .count()
        )
        todo = (
            CareOrder.objects.filter(case__assigned_user__phone=phones[Role.CARE_PROVIDER])
            .exclude(case__status__in=TERMINAL_STATES)
            .count()
        )
    from django.utils import timezone

    from meihao.people.models import age_on

    elder = persona_of("elder")
    family = persona_of("family")
    age = age_on(elder.birth_date, timezone.localdate())
    orders = CareOrder.objects.filter(elder__person__user__phone=elder.phone)
    return {
        str(Role.CARE_PROVIDER): (
            "care orders /care/work/ — offered to us (抢单), to serve (check in and out at the "
            f"elder's door: the phone's position), served — {offered} offered, {todo} to serve"
        ),
        "elder": (
            f"{elder.name}, {age}, living alone, large text: home care /care/ — the help button "
            "(一键呼叫), vouchers and own money, order lunch for tomorrow (the price and the "
            f"vouchers' share before confirming), her orders — {orders.count()} order(s)"
        ),
        "family": (
            f"{family.name}, {elder.name}'s daughter: home care /care/ — her mother's orders "
            "(one to confirm, then rate), balances, a help call reaches this log-in; visits "
            "/elders/family/"
        ),
    }


def _party_notes(phones: dict) -> dict[str, str]:
    """What the branch secretary and the party member find in the party organisations."""
    from django.db.models import Count, Q

    from meihao.demo.accounts import persona_of
    from meihao.party.models import PartyMember, PartyPost

    secretary = persona_of("branch_secretary")
    seat = (
        PartyPost.objects.filter(person__user__phone=secretary.phone, post="secretary")
        .select_related("org")
        .first()
    )
    notes = {}
    if seat is not None:
        counts = PartyMember.objects.filter(org_path__startswith=seat.org.path).aggregate(
            total=Count("pk"),
            probationary=Count("pk", filter=Q(status=PartyMember.Status.PROBATIONARY)),
            away=Count("pk", filter=Q(away=True)),
        )
        notes["branch_secretary"] = (
            f"{secretary.name}, secretary of {seat.org.name}: the party organisations /party/ — "
            f"her branch's {counts['total']} members ({counts['probationary']} probationary, "
            f"{counts['away']} working away), its groups and committee; enter a member by "
            "mobile number, record one working away (流动党员) or back home"
            + _meeting_notes(seat.org)
        )
    branch = (
        PartyMember.objects.filter(person__user__phone=phones[Role.PARTY_MEMBER])
        .values_list("branch__name", flat=True)
        .first()
    )
    if branch:
        notes[str(Role.PARTY_MEMBER)] = f"his branch /party/ — {branch}"
    return notes


def _meeting_notes(branch) -> str:
    """Her branch's year of meetings (demo.party_meetings): the one whose minutes wait for her,
    the one to come."""
    from django.utils import timezone

    from meihao.activities.models import Activity
    from meihao.party.models import PartyMeeting

    meetings = PartyMeeting.objects.filter(org=branch).select_related("meeting_type", "activity")
    if not meetings.exists():
        return ""
    text = f"; its {meetings.count()} meetings of the year (三会一课)"
    waiting = meetings.filter(approved_at=None, activity__status=Activity.Status.FINISHED).first()
    if waiting is not None:
        text += (
            f", the {waiting.meeting_type.name_zh} of {waiting.held_on:%m-%d} waiting for her "
            f"to approve its minutes /party/meetings/{waiting.pk}/"
        )
    upcoming = (
        meetings.filter(activity__status=Activity.Status.PUBLISHED)
        .order_by("activity__starts_at")
        .first()
    )
    if upcoming is not None:
        starts = timezone.localtime(upcoming.activity.starts_at)
        text += (
            f", the {upcoming.meeting_type.name_zh} on {starts:%m-%d %H:%M} to hold (its QR "
            f"code /activities/{upcoming.activity_id}/qr/)"
        )
    return text + ", the branches' compliance /party/compliance/"


def _project_notes() -> dict[str, str]:
    """What the project officer finds on his team's project (demo.projects)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from meihao.demo.accounts import persona_of
    from meihao.projects.models import Project

    officer = persona_of("project_officer")
    project = (
        Project.objects.filter(team__memberships__person__user__phone=officer.phone)
        .select_related("team", "branch")
        .annotate(
            in_scope=Count("households", distinct=True),
            visited=Count("households", filter=Q(households__status="visited"), distinct=True),
            signed=Count(
                "households", filter=Q(households__signed_on__isnull=False), distinct=True
            ),
            relocated=Count(
                "households", filter=Q(households__relocated_on__isnull=False), distinct=True
            ),
        )
        .order_by("-starts_on", "pk")
        .first()
    )
    if project is None:
        return {}
    overdue = project.milestones.filter(
        reached_on__isnull=True, due_on__lt=timezone.localdate()
    ).first()
    text = (
        f"{officer.name}, 项目专员 of {project.team.name}: the responsibility projects "
        f"/projects/ — {project.name} /projects/{project.pk}/ ({project.signed} of "
        f"{project.in_scope} households signed, {project.relocated} relocated; the chart since "
        f"{project.starts_on:%Y-%m-%d}), its households /projects/{project.pk}/households/ "
        f"({project.visited} visited waiting to sign: filter 已走访 and record 已签约)"
    )
    if overdue is not None:
        text += f", the milestone {overdue.name} overdue since {overdue.due_on:%m-%d}"
    text += ", the 三个一线 log, problems raised on site as grid cases"
    if project.branch_id:
        text += (
            f"; its temporary branch /party/orgs/{project.branch_id}/ (he sits on its committee)"
        )
    return {"project_officer": text}


def _frontage_note(phone: str) -> str:
    """The grid worker's 门前三包 pledges (demo.frontage)."""
    from meihao.frontage.models import Pledge
    from meihao.people.models import User

    user = User.objects.filter(phone=phone).first()
    if user is None:
        return ""
    pledges = Pledge.objects.visible_to(user).filter(withdrawn_on__isnull=True)
    if not pledges.exists():
        return ""
    unchecked = pledges.filter(last_checked_on__isnull=True).count()
    failed = pledges.filter(last_passed=False).count()
    return (
        f"门前三包 /frontage/ — {pledges.count()} pledges in his grid, {unchecked} never checked "
        f"(/frontage/?state=unchecked), {failed} whose last check failed "
        "(/frontage/?state=failed: its case under way); check a frontage on patrol"
    )


def _catalogue_summary() -> str:
    from meihao.catalogue.models import ServiceItem

    items = ServiceItem.objects.published()
    return f"{items.count()} services, {items.filter(online=True).count()} of them online"


def _applications_waiting(phone: str) -> int:
    from meihao.egov.models import Application
    from meihao.egov.selectors import WAITING, holding_q
    from meihao.people.models import User

    user = User.objects.filter(phone=phone).first()
    if user is None:
        return 0
    return Application.objects.filter(holding_q(user), case__status__in=WAITING).count()


def _petitions_to_act_on(phone: str) -> str:
    """What the online petitions of the user's places wait for, with the page of the oldest
    one waiting: petitions have no staff list of their own, they open on the case pages."""
    from meihao.cases.models import Case, Status
    from meihao.people.models import User
    from meihao.petitions.models import PETITION_CODE

    user = User.objects.filter(phone=phone).first()
    if user is None:
        return ""
    petitions = Case.objects.visible_to(user).filter(case_type__code=PETITION_CODE)
    waiting = petitions.filter(status=Status.SUBMITTED).order_by("created_at")
    oldest = waiting.values_list("number", flat=True).first()
    replied = petitions.filter(status=Status.REPORTED_BACK).count()
    example = f" (e.g. /cases/{oldest}/)" if oldest else ""
    return (
        f"{waiting.count()} waiting for the community{example}, "
        f"{replied} replied and awaiting the call-back"
    )


def demo_data_notes() -> dict[str, str]:
    """{role: a line saying what that demo log-in should look at}, for the roles with
    volunteer-side data."""
    from meihao.activities.models import ServiceRecord
    from meihao.ledger.models import Account, Unit
    from meihao.rewards.models import Redemption
    from meihao.volunteers.stars import star_level
    from meihao.wishes.models import WishClaim

    phones = {p.role: p.phone for p in PERSONAS if not p.account}
    notes = {}

    minutes = ServiceRecord.objects.filter(person__user__phone=phones[Role.VOLUNTEER]).aggregate(
        total=Sum("minutes")
    )["total"]
    balances = dict(
        Account.objects.filter(
            person__user__phone=phones[Role.VOLUNTEER], kind=Account.Kind.PERSON
        ).values_list("unit", "balance")
    )
    volunteer = (
        "sign up /activities/, my activities and hours /activities/mine/, star /volunteers/, "
        "points /ledger/, redeem /rewards/ (show the code /rewards/pass/ at the counter of "
        "the merchant log-in), time bank /timebank/"
    )
    if minutes:
        volunteer += (
            f" — {minutes / 60:.0f} h, {star_level(minutes)} star(s), "
            f"{balances.get(Unit.POINTS, 0)} points, "
            f"{balances.get(Unit.MINUTES, 0)} time-bank minutes"
        )
    notes[Role.VOLUNTEER] = volunteer

    wishes = WishClaim.objects.filter(claimed_by__phone=phones[Role.PARTY_MEMBER]).count()
    notes[Role.PARTY_MEMBER] = (
        "claimed wishes /wishes/claims/, the wish wall /wishes/wall/, service posts "
        f"/volunteers/posts/ (dual registration) — {wishes} wish claim(s)"
    )
    shop = (
        Redemption.objects.filter(scanned_by__phone=phones[Role.MERCHANT_STAFF])
        .values_list("merchant_id", "merchant__organisation__name")
        .first()
    )
    notes[Role.MERCHANT_STAFF] = (
        "the counter /rewards/merchant/ (type the volunteer's code from /rewards/pass/)"
        + (
            f" — {shop[1]}, this month's redemptions /rewards/manage/{shop[0]}/statement/"
            if shop
            else ""
        )
    )
    notes[Role.COMMUNITY_STAFF] = (
        "activities to finish /activities/organise/, service records /activities/records/, "
        "volunteers /volunteers/roster/, wishes to review /wishes/review/, time-bank "
        "members and pool /timebank/staff/members/, residents who registered themselves "
        "to confirm /people/?awaiting=1, online applications /applications/work/ — "
        f"{_applications_waiting(phones[Role.COMMUNITY_STAFF])} waiting for the community; "
        "online petitions (网络问政) come to the inbox /inbox/ and are worked on their case pages "
        "/cases/<number>/ (dispatch to a colleague, decline to 信访 or the courts, merge a "
        "duplicate, call back and close, publish the answer on /petitions/) — "
        f"{_petitions_to_act_on(phones[Role.COMMUNITY_STAFF])}; the elders in the community's "
        f"care (云家庭) /elders/ — {_elders_summary(phones[Role.COMMUNITY_STAFF])}; their care "
        "orders /care/orders/ (assign one nobody took, record a top-up on an elder's page) and "
        "the providers /care/providers/"
    )
    notes[Role.STREET_CHIEF] = (
        "online applications the street takes in and reviews /applications/work/ (低保 with "
        "its public notice /applications/publicity/) — "
        f"{_applications_waiting(phones[Role.STREET_CHIEF])} waiting for the street"
    )
    notes[Role.RESIDENT] = (
        "my wishes /wishes/mine/, ask the time bank /timebank/ask/, government services "
        f"/services/ (search 低保 by typing db) — {_catalogue_summary()}; my applications "
        "/applications/ (one waits for a missing material: hand it in on its page; the "
        "approved 居住证明 has its electronic document: download the PDF and scan its QR code); "
        "online petitions (网络问政) /petitions/ (the published answers: search 就业), my "
        "petitions /petitions/mine/ (one waiting for the community, one being handled, one "
        "replied and awaiting the community's call-back, one closed and rated, one closed and "
        "published: rate it on its page)"
    )
    notes[Role.DISTRICT_ADMIN] = (
        "the service catalogue /services/manage/ (edit a guide: each change is a new version; "
        "try making 婚育情况证明 community-issued), the notices /notices/manage/"
    )
    frontage = _frontage_note(phones[Role.GRID_WORKER])
    if frontage:
        notes[Role.GRID_WORKER] = frontage
    party = _party_notes(phones)
    if str(Role.PARTY_MEMBER) in party:
        notes[Role.PARTY_MEMBER] += "; " + party.pop(str(Role.PARTY_MEMBER))
    return {
        **{str(role): text for role, text in notes.items()},
        **_care_notes(phones),
        **party,
        **_project_notes(),
    }
