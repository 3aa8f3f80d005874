import datetime
import io
import json
import re
from collections import Counter
from itertools import combinations

import pytest
from django.core.management import call_command
from django.utils import timezone
from shapely.geometry import shape
from shapely.ops import unary_union

from meihao.care.models import Provider
from meihao.cases.models import Case
from meihao.cases.services import case_accept
from meihao.core import idcard
from meihao.core.roles import Role
from meihao.demo.accounts import DEMO_PASSWORD
from meihao.demo.loader import row_counts
from meihao.demo.population import age_on
from meihao.insights.registry import REGISTRY, Span
from meihao.people.models import (
    Organisation,
    Person,
    RoleAssignment,
    Team,
    TeamMember,
    User,
)
from meihao.places.models import Building, Level, Place, Venue
from meihao.projects.models import Household

RESIDENTS = 200


def seed(residents=RESIDENTS) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", residents=residents, cases=0, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def seed_for_module():
    seed()


@pytest.fixture
def seeded(seeded_module, db):
    pass


def test_tree_has_nested_codes_and_paths(seeded):
    places = {p.code: p for p in Place.objects.all()}
    counts = dict.fromkeys(Level, 0)
    for code, place in places.items():
        counts[place.level] += 1
        assert place.is_demo
        assert len(code) == {"district": 6, "street": 9, "community": 12, "grid": 15}[place.level]
        if place.parent_id:
            parent = places[code[:-3]]
            assert place.parent_id == parent.pk
            assert place.path == parent.path + code + "/"
            assert place.path.startswith(parent.path)
        else:
            assert place.path == "450403/"
        assert place.centroid_lat and 23.3 < place.centroid_lat < 23.6
        assert place.centroid_lon and 111.1 < place.centroid_lon < 111.4
    assert counts == {"district": 1, "street": 5, "community": 30, "grid": 300}
    assert places["450403"].name == "万秀区"
    assert {places[f"450403{n:03d}"].name for n in range(1, 6)} >= {"城东街道", "城南街道"}


def test_grids_tile_each_community_without_overlap(seeded):
    for community in Place.objects.filter(level=Level.COMMUNITY):
        outline = shape(community.boundary)
        cells = [shape(g.boundary) for g in community.children.all()]
        assert len(cells) == 10
        assert unary_union(cells).symmetric_difference(outline).area == pytest.approx(0, abs=1e-12)
        assert sum(c.area for c in cells) == pytest.approx(outline.area, rel=1e-9)
        for a, b in combinations(cells, 2):
            assert a.intersection(b).area == pytest.approx(0, abs=1e-15)
    # Communities tile their street, streets the district.
    for street in Place.objects.filter(level__in=[Level.DISTRICT, Level.STREET]):
        children = [shape(c.boundary) for c in street.children.all()]
        assert unary_union(children).symmetric_difference(shape(street.boundary)).area < 1e-12


def test_people_have_valid_id_numbers_phones_and_homes(seeded):
    today = datetime.date.today()
    people = list(Person.objects.prefetch_related("tags").select_related("home_place"))
    assert len(people) > RESIDENTS
    phones = [p.phone for p in people if p.phone]
    assert len(phones) == len(set(phones))
    for person in people:
        number = person.id_number_plain()
        assert idcard.validate_id_number(number, birth_date=person.birth_date) == number
        assert number.startswith("450403")
        assert idcard.gender_of(number) == person.gender
        assert person.id_number_masked == number[:6] + "********" + number[-4:]
        assert not person.phone or re.fullmatch(r"1[3-9]\d{9}", person.phone)
        # Those who registered themselves name their community (实名登记), the rest a grid.
        assert person.home_place.level == (Level.GRID if person.home_confirmed else Level.COMMUNITY)
        assert person.home_place_path == person.home_place.path
        assert person.is_demo
        tags = {t.tag for t in person.tags.all()}
        assert ("elder" in tags) == (age_on(person.birth_date, today) >= 60)
    assert len({p.real_name for p in people}) > len(people) * 0.8  # varied names


def test_every_role_is_held_by_someone(seeded):
    held = set(RoleAssignment.objects.values_list("role", flat=True).distinct())
    assert held == set(Role.values)


def test_organisations_teams_buildings_and_venues(seeded):
    departments = Organisation.objects.filter(kind="department")
    assert departments.count() == 10
    assert set(departments.values_list("short_name", flat=True)) >= {
        "城管",
        "公安",
        "消防",
        "交警",
        "环卫",
        "民政",
    }
    assert departments.get(short_name="城管").name == "万秀区城市管理局"
    # Three shops a community, besides home care's 730 providers of every kind.
    assert Organisation.objects.filter(kind="merchant", care_provider__isnull=True).count() == 90
    providers = Provider.objects.all()
    assert providers.count() == 730
    assert set(providers.values_list("kind", flat=True)) == {"merchant", "organisation", "squad"}
    kinds = dict(
        Team.objects.values_list("kind").annotate(n=__import__("django").db.models.Count("id"))
    )
    assert kinds["department"] == 30  # six department teams in each of five streets
    assert kinds["responsibility"] == 5
    assert kinds["service_squad"] == 6
    assert kinds["lecture"] >= 30
    assert set(kinds) == {k for k, _ in Team.Kind.choices}
    assert TeamMember.objects.filter(team__kind="department").count() == 30 * 4
    # Six a grid, and the estates and old quarters of the projects' sites (demo.projects).
    sites = Building.objects.filter(pk__in=Household.objects.values("building"))
    assert Building.objects.exclude(pk__in=sites.values("pk")).count() == 300 * 6
    assert sites.count() >= 5
    assert not Building.objects.exclude(place__level=Level.GRID).exists()
    assert Venue.objects.count() == 120


def test_the_service_catalogue_has_137_items_of_seven_departments(seeded):
    from meihao.catalogue.models import ServiceItem
    from meihao.catalogue.selectors import browse

    items = ServiceItem.objects.published()
    assert items.count() == 137
    assert items.values("department").distinct().count() == 7
    assert items.filter(online=True).count() >= 40
    assert not items.filter(level="community", certificate__in=["marital", "childbirth"]).exists()
    named = {"居住证明", "最低生活保障申请", "就业失业登记证明", "婚育情况证明"}
    assert set(items.filter(name__in=named, online=True).values_list("name", flat=True)) == named
    district = Place.objects.get(level=Level.DISTRICT)
    assert next(iter(browse(district, q="db"))).name == "最低生活保障申请"
    # Each of the four goes to the body legally competent for it.
    routes = {
        item.name: (item.department.short_name or item.department.name, item.route)
        for item in items.filter(name__in=named).select_related("department")
    }
    assert routes == {
        "居住证明": ("公安", "community:intake,department:decide"),
        "最低生活保障申请": (
            "民政",
            "street:intake,street:review,street:publicise,department:decide",
        ),
        "就业失业登记证明": ("人社", "community:check,street:review,department:decide"),
        "婚育情况证明": ("卫健", "department:decide"),
    }
    # Every item has its first version, and its code starts with a valid credit code.
    assert all(item.version == 1 and len(item.code) == 25 for item in items)


def test_second_run_adds_nothing(seeded):
    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "0 rows added" in output


def test_scale_must_be_positive(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", scale=0)


def test_demo_accounts_json_lists_every_role_and_they_log_in(seeded, client):
    out = io.StringIO()
    call_command("demo_accounts", json=True, stdout=out)
    accounts = json.loads(out.getvalue())
    assert accounts.pop("open311_api_key").startswith("mh_")
    notes = accounts.pop("demo_data")
    accounts_beside_roles = {
        "elder",
        "family",
        "branch_secretary",
        "project_officer",
        "team_leader",
    }
    assert set(notes) <= {*Role.values, *accounts_beside_roles} and Role.VOLUNTEER in notes
    assert (
        "137 services, " in notes[Role.RESIDENT]
        and "/services/manage/" in notes[Role.DISTRICT_ADMIN]
    )
    assert set(accounts) == {*Role.values, *accounts_beside_roles}
    for role, account in accounts.items():
        assert set(account) == {"username", "password", "home"}
        assert client.login(username=account["username"], password=account["password"]), role
        response = client.get(account["home"], follow=True)
        assert response.status_code == 200
        if role in Role.values:
            assert role in {card.role for card in response.context["cards"]}, role
        client.logout()
    # The volunteer-team leader lands on her team's dashboard.
    client.login(username=accounts["team_leader"]["username"], password=DEMO_PASSWORD)
    page = client.get(accounts["team_leader"]["home"]).content.decode()
    assert 'data-board="team"' in page and "骑楼社区红棉志愿服务队" in page
    # The elder lands on her own large-text care page; her daughter on her mother's.
    client.login(username=accounts["elder"]["username"], password=DEMO_PASSWORD)
    page = client.get("/care/", follow=True).content.decode()
    assert 'class="large-text"' in page and 'id="help-call"' in page
    assert "我的养老服务" in page
    client.login(username=accounts["family"]["username"], password=DEMO_PASSWORD)
    page = client.get("/care/", follow=True).content.decode()
    assert "黄秀英的养老服务" in page and "点这里确认服务" in page
    # The care worker finds orders offered and orders to serve.
    assert re.search(r"(\d+) offered, (\d+) to serve", notes[Role.CARE_PROVIDER])
    offered, todo = map(
        int, re.search(r"(\d+) offered, (\d+) to serve", notes[Role.CARE_PROVIDER]).groups()
    )
    assert offered >= 1 and todo >= 2


def test_demo_open311_api_key_files_a_request(seeded, client):
    out = io.StringIO()
    call_command("demo_accounts", json=True, stdout=out)
    accounts = json.loads(out.getvalue())
    api_key = accounts["open311_api_key"]
    grid = Place.objects.get(code="450403001001001")
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "jurisdiction_id": "450403",
            "service_code": "0501",
            "lat": grid.centroid_lat,
            "long": grid.centroid_lon,
            "description": "校门口有流动摊贩",
        },
    )
    assert response.status_code == 200, response.content.decode()
    number = response.json()[0]["service_request_id"]
    # Published once a dispatcher has accepted it (审核后公开).
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404
    admin = User.objects.get(phone=accounts["district_admin"]["username"])
    case_accept(case=Case.objects.get(number=number), actor=admin)
    assert client.get(f"/open311/v2/requests/{number}.json").status_code == 200
    # The client is an API-only resident of the district; seeding again adds nothing.
    assert RoleAssignment.objects.get(user__phone="13900000311").place.code == "450403"
    users = row_counts()["users"]
    seed()
    assert row_counts()["users"] == users


def test_demo_accounts_scopes(seeded):
    def scope(phone):
        assignment = RoleAssignment.objects.select_related("place", "organisation").get(
            user__phone=phone
        )
        return assignment.place.code if assignment.place_id else assignment.organisation.name

    assert scope("13900000002") == "450403001001001"  # grid worker: first grid
    assert scope("13900000003") == "450403001001"  # community staff: first community
    assert scope("13900000004") == "450403001"  # street chief: its street
    assert scope("13900000005") == "万秀区城市管理局"
    assert scope("13900000006") == "450403"


def test_demo_accounts_text_table(db):
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "13900000002" in text
    assert "meihao2021" in text
    assert "Open311 api_key" in text


def test_demo_given_names_have_at_most_two_characters():
    import random

    from meihao.demo.population import Names

    names = Names()
    rng = random.Random(7)
    for _ in range(2000):
        name = names(rng, "female" if rng.random() < 0.5 else "male")
        surname = max((s for s in names.surnames if name.startswith(s)), key=len)
        assert 1 <= len(name) - len(surname) <= 2, name


def test_a_year_of_applications_in_every_state_and_the_residents_own(seeded):
    from meihao.cases.models import Case
    from meihao.egov.models import Application, Decision

    applications = Application.objects.select_related("case", "item")
    states = set(applications.values_list("case__status", flat=True))
    assert {"submitted", "parked", "dispatched", "closed", "rejected"} <= states
    decisions = set(applications.values_list("decision", flat=True))
    assert {Decision.APPROVED, Decision.REFUSED} <= decisions
    assert applications.filter(supplemented_at__isnull=False, decision="approved").exists()
    assert applications.filter(item__name="最低生活保障申请", publicity_until__isnull=False)
    assert applications.order_by().values("item").distinct().count() >= 5
    assert not applications.filter(attachments__isnull=True).exclude(item__materials__held="")
    refused = applications.filter(decision=Decision.REFUSED)
    assert all(a.reasons for a in refused)
    mine = {a.case.status for a in applications.filter(applicant__user__phone="13900000001")}
    assert {"submitted", "parked", "dispatched", "closed"} <= mine
    assert not Case.objects.filter(idempotency_key__startswith="egov-demo-", is_demo=False)
    # 低保's public notice runs whenever the demo is seeded.
    from django.utils import timezone

    from meihao.egov.selectors import in_public_notice

    assert in_public_notice(timezone.now()).filter(item__name="最低生活保障申请").exists()
    # Approvals issue electronic documents: the demo resident's is in force, one of the first
    # community's is revoked, a year's old ones have run out; every one still hashes right.
    from meihao.egov.models import IssuedDocument, content_hash

    documents = IssuedDocument.objects.select_related("application__applicant__user")
    today = timezone.localdate()
    standings = {document.standing(today) for document in documents}
    assert {"valid", "revoked", "expired"} <= standings
    assert all(content_hash(d.content) == d.content_hash for d in documents)
    assert not documents.exclude(application__decision=Decision.APPROVED).exists()
    own = documents.filter(application__applicant__user__phone="13900000001")
    assert {d.standing(today) for d in own} == {"valid"}
    # Visits served at the counter: recorded for a resident by their community's staff, closed.
    visits = Case.objects.filter(case_type__code="COUNTER").select_related("reporter")
    assert visits.exists() and set(visits.values_list("status", flat=True)) == {"closed"}
    assert all(v.is_demo and v.reporter.home_place_path.startswith(v.place_path) for v in visits)
    assert not visits.filter(assigned_user__isnull=True).exists()


def test_a_year_of_petitions_in_every_state_and_the_residents_own(seeded):
    from django.utils import timezone

    from meihao.cases.models import Case, CaseRating
    from meihao.demo.petitions import KEY_PREFIX
    from meihao.petitions.models import Channel, Kind, Petition

    petitions = Petition.objects.select_related("case__submitted_by", "case__reporter")
    states = set(petitions.values_list("case__status", flat=True))
    assert {"submitted", "dispatched", "reported_back", "closed", "rejected", "duplicate"} <= states
    assert set(petitions.values_list("kind", flat=True)) == set(Kind.values)
    assert set(petitions.exclude(declined_to="").values_list("declined_to", flat=True)) == set(
        Channel.values
    )
    assert all(p.case.duplicate_of_id for p in petitions.filter(case__status="duplicate"))
    assert petitions.filter(case__priority="urgent").exists()
    scores = set(
        CaseRating.objects.filter(case__petition__isnull=False).values_list("score", flat=True)
    )
    assert {1, 2, 4, 5} <= scores
    low = CaseRating.objects.filter(case__petition__isnull=False, score__lte=2)
    assert all(rating.comment for rating in low)
    # Each 差评 opened its rectification, demo data too; the older ones are rectified.
    rectifications = Case.objects.filter(rectification__rated_case__petition__isnull=False)
    assert rectifications.count() == low.count()
    assert not rectifications.filter(is_demo=False).exists()
    assert rectifications.filter(status="closed").exists()
    # Sent back by one department and dispatched again to another, then replied and closed.
    returned = Case.objects.filter(petition__isnull=False, events__action="return", status="closed")
    for case in returned:
        dispatches = case.events.filter(action="dispatch")
        assert len({e.data["organisation"] for e in dispatches}) == 2
    assert returned.exists()
    # Published with consent, closed, without the petitioner's name or number.
    published = list(petitions.published())
    assert published
    for petition in published:
        assert petition.publish_consent and petition.case.status == "closed"
        assert petition.case.submitted_by.phone not in petition.public_question
        assert petition.case.reporter.real_name not in petition.public_question
    # A few open department petitions are past their deadline.
    assert Case.objects.filter(
        petition__isnull=False, status="dispatched", resolve_by__lt=timezone.now()
    ).exists()
    mine = petitions.filter(case__submitted_by__phone="13900000001")
    assert {"submitted", "dispatched", "reported_back", "closed"} <= {p.case.status for p in mine}
    assert mine.filter(published_at__isnull=False).exists()
    assert CaseRating.objects.filter(case__petition__in=mine).exists()
    assert not petitions.filter(case__is_demo=False).exists()
    assert not Case.objects.filter(idempotency_key__startswith=KEY_PREFIX, is_demo=False)


def test_a_year_of_legal_consultations_answered_by_each_communitys_advisor(seeded):
    from meihao.cases.models import Case
    from meihao.core.scoping import covers
    from meihao.demo.legal import KEY_PREFIX
    from meihao.legal.models import AdvisorService, Consultation

    consultations = Consultation.objects.select_related("case__assigned_user", "community")
    assert consultations.count() >= 5
    states = set(consultations.values_list("case__status", flat=True))
    assert {"submitted", "reported_back", "closed", "rejected"} <= states
    # Each answered one by an advisor of the resident's own community, whose minutes count.
    for consultation in consultations.filter(case__status="closed")[:20]:
        advisor = consultation.case.assigned_user
        assert covers(advisor, consultation.place_path, {"legal_advisor"})
        assert consultation.minutes > 0
    assert (
        AdvisorService.objects.filter(case__isnull=False).count()
        >= consultations.filter(case__status="closed").count()
    )
    assert Case.objects.filter(consultation__isnull=False, events__action="reopen").exists()
    # Some were referred to the justice bureau's legal-aid centre, which decided them.
    from meihao.legal.models import LegalAidReferral

    assert LegalAidReferral.objects.exclude(decision="pending").exists()
    # The advisors spoke at the legal-education sessions held in their communities.
    educated = AdvisorService.objects.filter(kind="education").select_related("activity")
    assert educated.exists()
    assert all(s.activity.kind == "legal_education" for s in educated)
    assert not Case.objects.filter(idempotency_key__startswith=KEY_PREFIX, is_demo=False)
    # The demo log-ins find work: the advisor questions waiting, the resident an answer.
    assert consultations.filter(
        case__status="submitted", case__place_path__startswith=advisor_path()
    ).exists()
    assert consultations.filter(
        case__status="reported_back", case__reporter__user__phone="13900000001"
    ).exists()


def test_every_communitys_advisor_holds_duty_sessions_that_count_toward_the_month(seeded):
    from meihao.activities.models import Activity, Attendance
    from meihao.legal.compliance import posts_month
    from meihao.legal.models import AdvisorService

    sessions = Activity.objects.filter(kind=Activity.Kind.LEGAL_DUTY)
    assert sessions.filter(status="finished").exists()
    # The next one is open for residents to book.
    assert sessions.filter(status="published", starts_at__gt=timezone.now()).exists()
    duty = AdvisorService.objects.filter(kind="duty")
    assert duty.count() == Attendance.objects.filter(signup__activity__in=sessions).count() > 0
    for served in duty.select_related("activity")[:20]:
        assert served.activity.place_id == served.community_id and served.minutes > 0
    last = duty.latest("served_at").served_at
    local = timezone.localtime(last)
    rows = posts_month("", local.year, local.month)
    assert any(row.kind_minutes("duty") for row in rows)


def test_the_legal_advisors_monthly_tallies_are_what_their_services_say(seeded):
    """Answers and mediation sessions move their posts' tallies as they are recorded, the duty
    and education stages recount them after writing their rows: either way a recount changes
    nothing, and each post's month on the compliance page is its services' minutes."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    from meihao.core.models import ObligationTally, ObligationYear
    from meihao.legal.compliance import DUTY, KIND_DUTIES, hours_tallies_rebuild, posts_month
    from meihao.legal.models import AdvisorService

    duties = [DUTY, *KIND_DUTIES]

    def counted():
        tallies = ObligationTally.objects.filter(duty__in=duties).exclude(amount=0)
        years = ObligationYear.objects.filter(duty__in=duties).exclude(periods_met=0)
        return (
            set(tallies.values_list("duty", "subject_id", "starts_on", "amount")),
            set(years.values_list("duty", "subject_id", "year", "periods_met")),
        )

    seeded_counts = counted()
    assert all(seeded_counts)
    hours_tallies_rebuild()
    assert counted() == seeded_counts
    served = {}
    months = (
        AdvisorService.objects.annotate(month=TruncMonth("served_at"))
        .values_list("advisor_id", "community_id", "kind", "month")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    for advisor, community, kind, month, minutes in months:
        month = timezone.localdate(month)
        served.setdefault((month.year, month.month, advisor, community), {})[kind] = minutes
    shown = 0
    for year, month in {(year, month) for year, month, *_post in served}:
        for row in posts_month("", year, month):
            key = (year, month, row.advisor_id, row.community_id)
            assert row.minutes_by_kind == served.get(key, {})
            shown += key in served
    assert shown


def test_a_year_of_disputes_mediated_by_each_communitys_advisor(seeded):
    from meihao.cases.models import Case
    from meihao.core.scoping import covers
    from meihao.demo.disputes import KEY_PREFIX
    from meihao.legal.models import AdvisorService, Dispute

    disputes = Dispute.objects.select_related("case__assigned_user", "case__submitted_by")
    assert disputes.count() >= 4
    states = set(disputes.values_list("case__status", flat=True))
    assert {"submitted", "in_progress", "reported_back", "closed"} <= states
    for dispute in disputes.filter(case__status="closed"):
        assert covers(dispute.case.assigned_user, dispute.place_path, {"legal_advisor"})
        assert covers(dispute.case.submitted_by, dispute.place_path, {"community_staff"})
        assert dispute.sessions.exists() and dispute.outcome
    assert AdvisorService.objects.filter(kind="mediation").count() == sum(
        d.sessions.count() for d in disputes
    )
    assert not Case.objects.filter(idempotency_key__startswith=KEY_PREFIX, is_demo=False)
    # The log-ins find work: the advisor a dispute to take, the resident one she is party to,
    # the community staff a follow-up visit to make.
    path = advisor_path()
    assert disputes.filter(case__status="submitted", place_path=path).exists()
    assert disputes.filter(
        case__status="in_progress", parties__person__user__phone="13900000001"
    ).exists()
    assert disputes.filter(
        case__status="reported_back", case__submitted_by__phone="13900000003"
    ).exists()


def test_blocks_officers_groups_and_a_year_of_tips(seeded):
    from meihao.cases.models import Case
    from meihao.demo.police import KEY_PREFIX
    from meihao.people.models import Team, TeamMember
    from meihao.police.models import Block, PoliceGroup, Tip

    blocks = Block.objects.select_related("officer")
    assert blocks.count() == 60  # two per community
    # 四队一中心: four police teams a street.
    assert Team.objects.filter(kind="police_team").count() == 20
    assert all(block.officer_id for block in blocks)
    assert PoliceGroup.objects.count() == 120
    assert TeamMember.objects.filter(team__kind="police_group").exists()
    tips = Tip.objects.select_related("case")
    assert tips.count() >= 3
    assert {"closed", "dispatched", "in_progress"} <= set(
        tips.values_list("case__status", flat=True)
    )
    for tip in tips.filter(case__status="closed")[:20]:
        assert tip.case.assigned_user_id == tip.block.officer_id and tip.outcome
    assert not Case.objects.filter(idempotency_key__startswith=KEY_PREFIX, is_demo=False)
    # The log-ins: the resident finds her officer (the demo officer) and a tip of hers handled;
    # the officer has open tips waiting; she is in none of his groups yet.
    home = Block.objects.get(grids__residents__user__phone="13900000001")
    assert home.officer.phone == "13900000010"
    assert tips.filter(case__status="closed", case__reporter__user__phone="13900000001").exists()
    assert (
        tips.filter(
            case__assigned_user__phone="13900000010", case__status__in=["dispatched", "in_progress"]
        ).count()
        >= 2
    )
    assert not TeamMember.objects.filter(
        team__kind="police_group", person__user__phone="13900000001"
    ).exists()


def test_the_counselling_pilot_gives_its_counsellor_work(seeded):
    from meihao.counselling.models import Counselling

    requests = Counselling.objects.select_related("case__assigned_user")
    mine = requests.filter(place_path=advisor_path())
    assert mine.filter(case__status="submitted").exists()
    assert mine.filter(
        case__assigned_user__phone="13900000015",
        appointment_at__isnull=False,
        case__status="dispatched",
    ).exists()
    assert requests.filter(case__status="closed").exists() or requests.count() == 2
    # The pilot's two counselling rooms (the article's) are in its street, where the
    # appointments are held.
    rooms = Venue.objects.filter(kind=Venue.Kind.COUNSELLING)
    pilot = Place.objects.filter(level=Level.STREET).order_by("code").first()
    assert rooms.count() == 2 and all(r.place_path.startswith(pilot.path) for r in rooms)
    held = set(requests.exclude(room="").values_list("room", flat=True))
    assert held and held <= {r.name for r in rooms}


def test_the_supervision_register_is_kept_and_the_demo_officer_reads_his_area(seeded):
    from meihao.people.models import User
    from meihao.supervision import selectors
    from meihao.supervision.models import Supervisee

    assert Supervisee.objects.count() >= 3
    officer = User.objects.get(phone="13900000010")
    assert selectors.register_of(officer).exists()
    assert Supervisee.objects.filter(visits__isnull=False).exists()


def advisor_path() -> str:
    from meihao.people.models import RoleAssignment

    return RoleAssignment.objects.get(user__phone="13900000009").place.path


def test_elders_of_80_and_more_are_in_their_communitys_care_and_most_are_assessed(seeded):
    from meihao.eldercare.models import Assessment, Elder
    from meihao.eldercare.scoring import score

    today = timezone.localdate()
    old = [
        p
        for p in Person.objects.exclude(birth_date=None).exclude(home_place_path="")
        if age_on(p.birth_date, today) >= 80
    ]
    registered = set(Elder.objects.values_list("person_id", flat=True))
    assert old and {p.pk for p in old} <= registered
    assert all(
        age_on(e.person.birth_date, today) >= 60 for e in Elder.objects.select_related("person")
    )
    assessments = list(Assessment.objects.select_related("scale"))
    assert len({a.elder_id for a in assessments}) >= len(registered) // 2
    for assessment in assessments:
        result = score(assessment.scale.definition, assessment.answers, assessment.conditions)
        assert (result.total, result.level) == (assessment.total, assessment.level)
        assert assessment.assessed_on < today
    # First assessments say so; later ones do not.
    for elder_id in {a.elder_id for a in assessments}:
        reasons = [
            a.reason for a in sorted(assessments, key=lambda a: a.pk) if a.elder_id == elder_id
        ]
        assert reasons[0] == "first" and "first" not in reasons[1:]


def test_the_lecture_menu_with_a_year_of_orders_delivered_and_some_waiting(seeded, client):
    from meihao.activities.models import Activity
    from meihao.demo.accounts import role_persona
    from meihao.lectures.models import Order, Request, Session, Topic
    from meihao.lectures.services import waiting_since
    from meihao.people.models import Team

    teams = Team.objects.filter(kind=Team.Kind.LECTURE)
    assert teams.count() >= 30  # the article's 30+ lecture teams, each with its menu
    for team in teams:
        assert team.lecture_topics.filter(status=Topic.Status.PUBLISHED).count() >= 2
    assert Topic.objects.filter(status=Topic.Status.WITHDRAWN).exists()
    # Every lecture a team gave in a community is a session of one of its topics.
    given = Activity.objects.filter(kind="lecture", organiser_team__in=teams).exclude(
        status="draft"
    )
    assert given.exists() and not given.filter(lecture_session__isnull=True).exists()
    for session in Session.objects.select_related("activity", "topic")[:50]:
        assert session.topic.team_id == session.activity.organiser_team_id
        assert session.scheduled_at < session.activity.starts_at
        for order in session.orders.all():
            assert order.ordered_at < session.scheduled_at == order.delivered_at
            assert order.place_path.startswith(session.activity.place_path)
    assert Request.objects.filter(status="scheduled", session__isnull=False).exists()
    # Still waiting: orders (some for over four weeks) and requests, the demo community's too.
    waiting = Order.objects.filter(session__isnull=True)
    assert waiting.filter(ordered_at__lt=waiting_since(timezone.localdate())).exists()
    assert waiting.filter(ordered_at__gte=waiting_since(timezone.localdate())).exists()
    open_requests = Request.objects.filter(status="requested")
    assert open_requests.filter(community__code="450403001001").exists()
    # The demo resident: an order delivered by her community's session (when it had one this
    # year, not at every small scale and date), others waiting.
    resident = role_persona(Role.RESIDENT).phone
    mine = Order.objects.filter(person__user__phone=resident)
    home = Order.objects.filter(person__user__phone=resident).first().place_path
    if Session.objects.filter(activity__place_path=home).exists():
        assert mine.filter(session__isnull=False).exists()
    assert mine.filter(session__isnull=True).exists()
    # The district's administrator runs the teams' desk: the requests are there.
    assert client.login(username=role_persona(Role.DISTRICT_ADMIN).phone, password=DEMO_PASSWORD)
    desk = client.get("/lectures/desk/").content.decode()
    assert f'data-request="{open_requests.first().pk}"' in desk


def test_seeding_the_lecture_menu_again_adds_nothing(seeded):
    from meihao.lectures.models import Order, Request, Session, Topic

    before = [m.objects.count() for m in (Topic, Order, Request, Session)]
    seed()
    assert [m.objects.count() for m in (Topic, Order, Request, Session)] == before


def test_venues_open_for_booking_with_a_month_behind_and_two_weeks_ahead(seeded, client):
    from meihao.demo.accounts import role_persona
    from meihao.venues.models import Booking

    bookable = Venue.objects.filter(bookable=True)
    # The article's 92 recreation venues: every community's activity room and service centre,
    # its party centre but in the last community of each street, and the squares.
    assert bookable.count() == 92
    assert Venue.objects.filter(kind="party", bookable=False).count() == 5
    assert not Booking.objects.filter(venue__bookable=False).exists()
    by_street = Counter(
        path[: len("450403/450403001/")] for path in bookable.values_list("place_path", flat=True)
    )
    assert len(by_street) == 5 and set(by_street.values()) <= {18, 19}
    communities = Counter(bookable.values_list("place_path", flat=True))
    assert len(communities) == 30 and min(communities.values()) >= 2
    # … which the `venues` indicator counts for the district.
    today = timezone.localdate()
    span = Span.of("450403/", today - datetime.timedelta(days=29), today)
    assert REGISTRY["venues"].measure(span).value == 92
    assert set(bookable.values_list("kind", flat=True)) == {
        "activity_room",
        "party",
        "service_centre",
        "square",
    }
    assert not bookable.filter(opens_at__isnull=True).exists()
    assert set(bookable.filter(needs_approval=True).values_list("kind", flat=True)) == {
        "service_centre"
    }
    now = timezone.now()
    held = Booking.objects.holding()
    assert held.filter(starts_at__lt=now).exists() and held.filter(starts_at__gt=now).exists()
    assert held.filter(team__isnull=False).exists()
    assert held.filter(organisation__isnull=False).exists()
    assert held.filter(starts_at__lt=now - datetime.timedelta(days=25)).exists()
    assert not held.filter(starts_at__gt=now + datetime.timedelta(days=15)).exists()
    # No two bookings holding a venue overlap, and each lies within its venue's hours.
    by_venue: dict[int, list] = {}
    for booking in held.select_related("venue"):
        by_venue.setdefault(booking.venue_id, []).append(booking)
        start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
        assert booking.venue.opens_at <= start.time() and end.time() <= booking.venue.closes_at
        assert booking.place_path == booking.venue.place_path
    for bookings in by_venue.values():
        bookings.sort(key=lambda b: b.starts_at)
        for first, second in zip(bookings, bookings[1:], strict=False):
            assert first.ends_at <= second.starts_at
    # Requests wait for the demo community's staff, on her page.
    waiting = Booking.objects.filter(status="requested")
    assert waiting.count() >= 2
    assert all(b.place_path.startswith("450403/450403001/450403001001/") for b in waiting)
    phone = role_persona(Role.COMMUNITY_STAFF).phone
    assert client.login(username=phone, password=DEMO_PASSWORD)
    page = client.get("/venues/bookings/").content.decode()
    assert all(f'data-booking="{b.pk}"' in page for b in waiting)


def test_seeding_the_venue_bookings_again_adds_nothing(seeded):
    from meihao.venues.models import Booking

    before = (Booking.objects.count(), Venue.objects.filter(bookable=True).count())
    seed()
    assert (Booking.objects.count(), Venue.objects.filter(bookable=True).count()) == before


def test_cultural_life_partners_and_showcases(seeded, client):
    from meihao.activities.models import Activity
    from meihao.culture.models import Partner, Showcase
    from meihao.culture.selectors import seasons_between

    events = Activity.objects.filter(kind="cultural_event").exclude(status="draft")
    assert events.exists()
    # The events in a festival's season were put on with partner units.
    first = timezone.localdate(events.order_by("starts_at").first().starts_at)
    last = timezone.localdate(events.order_by("starts_at").last().starts_at)
    seasons = seasons_between(first, last)
    festive = [e for e in events if any(s.holds(timezone.localdate(e.starts_at)) for s in seasons)]
    for event in festive:
        assert Partner.objects.filter(activity=event).exists(), event.title
    # Showcases of events held, each category at least once, on the public page.
    showcases = Showcase.objects.filter(published=True)
    assert set(showcases.values_list("category", flat=True)) == {"reading", "festival", "mass"}
    assert not showcases.exclude(activity__status="finished").exists()
    client.logout()
    page = client.get("/culture/showcases/")
    assert page.status_code == 200 and showcases.first().title in page.content.decode()


def test_the_red_culture_map_links_the_five_streets(seeded, client):
    from meihao.activities.models import Attendance
    from meihao.redculture.models import Block, FlagStreet, Route, RouteVisit, Site
    from meihao.redculture.selectors import blocks_holding, route_legs

    assert Site.objects.published().count() == 30
    assert Block.objects.published().count() == 6 and FlagStreet.objects.published().count() == 10
    routes = list(Route.objects.published())
    assert len(routes) == 5
    streets = set()
    for route in routes:
        legs, total = route_legs(route)
        assert 4 <= len(legs) <= 7 and 0 < total < 10_000
        assert [leg.order for leg in legs] == list(range(1, len(legs) + 1))
        streets |= {leg.site.place_path.split("/")[1] for leg in legs}
    assert len(streets) == 5  # the routes reach every street
    assert all(blocks_holding(site) for site in Site.objects.filter(name="中共梧州地委旧址"))
    held = RouteVisit.objects.filter(activity__status="finished")
    assert held.count() >= 5
    assert Attendance.objects.filter(signup__activity__route_visit__in=held).count() >= 40
    upcoming = RouteVisit.objects.filter(activity__status="published")
    assert upcoming.count() == 1 and upcoming.get().activity.starts_at > timezone.now()
    html = client.get("/red-culture/").content.decode()
    assert "骑楼城红色记忆墙" in html and "初心之路" in html
    # The article's figures, as the indicators count them for the district.
    span = Span.of("450403/", datetime.date(2020, 1, 1), timezone.localdate())
    figures = {
        code: REGISTRY[code].measure(span).value
        for code in (
            "redculture_sites",
            "redculture_blocks",
            "redculture_flag_streets",
            "redculture_route_streets",
        )
    }
    assert figures == {
        "redculture_sites": 30,
        "redculture_blocks": 6,
        "redculture_flag_streets": 10,
        "redculture_route_streets": 5,
    }


def test_seeding_the_red_culture_map_again_adds_nothing(seeded):
    from meihao.redculture.models import Block, FlagStreet, Route, RouteStop, RouteVisit, Site

    models = (Site, Block, FlagStreet, Route, RouteStop, RouteVisit)
    before = [m.objects.count() for m in models]
    seed()
    assert [m.objects.count() for m in models] == before


def test_some_venues_showcases_and_sites_have_photos(seeded, client):
    from PIL import Image

    from meihao.culture.models import ShowcasePhoto
    from meihao.demo.tests.test_demo_lived import assert_looks_like_a_photo
    from meihao.redculture.models import Site, SitePhoto
    from meihao.venues.models import VenuePhoto

    assert 1 <= VenuePhoto.objects.count() <= 20
    assert 3 <= ShowcasePhoto.objects.count() <= 12
    assert SitePhoto.objects.count() == 15  # two sites a street, two photos for the first
    # Some, not all: the pages show the empty state too.
    assert Site.objects.filter(photos__isnull=True).exists()
    photo = SitePhoto.objects.select_related("site").order_by("pk").first()
    client.logout()
    html = client.get(f"/red-culture/sites/{photo.site.code}/").content.decode()
    assert f'src="{photo.thumb_url}"' in html and f'alt="{photo.caption}"' in html
    served = client.get(photo.photo_url)
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    assert_looks_like_a_photo(body)
    assert Image.open(io.BytesIO(body)).getexif() == {}
    venue_photo = VenuePhoto.objects.order_by("pk").first()
    client.force_login(User.objects.get(phone="13900000003"))
    page = client.get(f"/venues/{venue_photo.venue_id}/").content.decode()
    assert f'src="{venue_photo.thumb_url}"' in page and venue_photo.remove_url in page


def test_seeding_the_photos_again_adds_nothing(seeded):
    from meihao.culture.models import ShowcasePhoto
    from meihao.redculture.models import SitePhoto
    from meihao.venues.models import VenuePhoto

    models = (VenuePhoto, ShowcasePhoto, SitePhoto)
    before = [m.objects.count() for m in models]
    seed()
    assert [m.objects.count() for m in models] == before
