"""Writing the demo district into the database: fast (bulk inserts, no per-row queries) and
idempotent (every row is matched on its natural key first, so a second run adds nothing).

Natural keys: places by code, buildings and venues by (place, name), organisations by
(name, place), teams by (name, place), users by phone, people by the keyed hash of their
ID-card number, tags / team members / covered places by their unique pairs.
"""

import datetime
import time
from collections.abc import Callable
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.care.models import CareOrder, Provider
from meihao.cases.models import Case, CaseRating
from meihao.core import idcard, pii
from meihao.core.roles import Role
from meihao.counselling.models import Counselling
from meihao.culture.models import Showcase
from meihao.demo import data
from meihao.demo.accounts import DEMO_PASSWORD, RESERVED_PHONE_PREFIX
from meihao.demo.plan import Plan, build_plan
from meihao.demo.population import CHUNK, PersonSpec, Population
from meihao.demo.rows import RowWriter, batched, date_value
from meihao.dual.models import MemberRegistration, PostClaim
from meihao.egov.models import Application
from meihao.eldercare.models import Assessment, Elder
from meihao.frontage.models import Check, Pledge
from meihao.lectures.models import Order, Topic
from meihao.lectures.models import Session as LectureSession
from meihao.ledger.models import Transfer
from meihao.legal.models import Consultation, Dispute
from meihao.party.models import PartyMeeting, PartyMember, PartyOrg
from meihao.patrols.models import PatrolSession, TrackPoint
from meihao.people.identity import id_number_fields
from meihao.people.models import (
    Organisation,
    Person,
    PersonTag,
    RoleAssignment,
    Team,
    TeamMember,
    User,
)
from meihao.petitions.models import Petition
from meihao.places.models import Building, Level, Place, Venue, path_for
from meihao.police.models import Block, PoliceGroup, Tip
from meihao.projects.models import FrontLineEntry, Household, HouseholdStep, Project
from meihao.redculture.models import Route as RedRoute
from meihao.redculture.models import Site as RedSite
from meihao.rewards.models import Redemption, RewardItem
from meihao.timebank.models import HelpRequest, TimeBankMember
from meihao.venues.models import Booking
from meihao.volunteers.models import VolunteerProfile
from meihao.wishes.models import Wish

DEFAULT_SEED = 450403
RESIDENTS_PER_SCALE = 10_000
# Residents are written in groups of this many: bounded memory, one transaction per group.
GROUP = 10 * CHUNK
BATCH = 2000
# The information column: (author's phone, days ago — negative: scheduled, kind, title, text,
# pinned). The district admin, the street chief and the community staff of the demo log-ins.
NOTICES = (
    ("13900000006", 3, "service", "2027年度城乡居民医保集中缴费开始",
     "2027年度城乡居民基本医疗保险集中缴费期为即日起至12月31日。\n"
     "可通过微信“粤税通”小程序、银行网点或社区服务站缴费。\n咨询电话：0774-12345。", True),
    ("13900000006", 12, "announcement", "关于征集“美好社区”微实事项目的公告",
     "各社区居民：为办好群众身边的小事实事，现面向全区征集微实事项目建议，"
     "请于本月底前通过社区服务站或本平台“网络问政”提交。", False),
    ("13900000004", 5, "notice", "冬季消防安全检查通知",
     "街道将于本周对辖区沿街商铺、出租屋开展消防安全检查，请各经营户配合，"
     "自查灭火器有效期和疏散通道。", False),
    ("13900000003", 1, "notice", "本周六上午小区停水通知",
     "因供水管网维修，本周六8:00至12:00社区内停水，请居民提前储水。\n"
     "如有困难请联系网格员。", True),
    ("13900000003", 8, "service", "社区长者饭堂开放预约",
     "社区长者饭堂每日11:00—12:30供餐，60岁以上居民凭身份证预约，"
     "行动不便的长者可申请送餐上门。", False),
    ("13900000003", -1, "notice", "社区议事会召开通知",
     "明日晚7点在社区党群服务中心召开居民议事会，议题：电动车充电棚建设。", False),
)  # fmt: skip
# Residents who registered on their phones and wait for their community to confirm them.
NEWCOMERS = ("陆欣然", "潘子豪", "苏雨晴")

COUNTED = {
    "places": Place,
    "buildings": Building,
    "venues": Venue,
    "organisations": Organisation,
    "teams": Team,
    "users": User,
    "people": Person,
    "tags": PersonTag,
    "roles": RoleAssignment,
    "team members": TeamMember,
    "cases": Case,
    "ratings": CaseRating,
    "patrols": PatrolSession,
    "track points": TrackPoint,
    "volunteers": VolunteerProfile,
    "dual registrations": MemberRegistration,
    "post claims": PostClaim,
    "party organisations": PartyOrg,
    "party members": PartyMember,
    "party meetings": PartyMeeting,
    "projects": Project,
    "households": Household,
    "household steps": HouseholdStep,
    "front-line entries": FrontLineEntry,
    "frontage pledges": Pledge,
    "frontage checks": Check,
    "lecture topics": Topic,
    "lecture orders": Order,
    "lecture sessions": LectureSession,
    "red-culture sites": RedSite,
    "red-culture routes": RedRoute,
    "showcases": Showcase,
    "venue bookings": Booking,
    "activities": Activity,
    "sign-ups": SignUp,
    "attendances": Attendance,
    "service records": ServiceRecord,
    "transfers": Transfer,
    "reward items": RewardItem,
    "redemptions": Redemption,
    "time-bank members": TimeBankMember,
    "help requests": HelpRequest,
    "wishes": Wish,
    "applications": Application,
    "petitions": Petition,
    "legal consultations": Consultation,
    "disputes": Dispute,
    "police blocks": Block,
    "police groups": PoliceGroup,
    "police tips": Tip,
    "counselling requests": Counselling,
    "elders": Elder,
    "assessments": Assessment,
    "care providers": Provider,
    "care orders": CareOrder,
}


def row_counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in COUNTED.items()}


class Loader:
    def __init__(
        self,
        *,
        residents: int,
        progress: Callable[[str], None],
        seed=DEFAULT_SEED,
        cases: int = 0,
        patrol_grids: int = 0,
        activities: int = 0,
        redemptions: int = 0,
        help_requests: int = 0,
        wishes: int = 0,
        applications: int = 0,
        petitions: int = 0,
        consultations: int = 0,
        tips: int = 0,
        counselling: int = 0,
        care_orders: int = 0,
    ):
        self.residents = residents
        self.cases = cases
        self.patrol_grids = patrol_grids
        self.activities = activities
        self.redemptions = redemptions
        self.help_requests = help_requests
        self.wishes = wishes
        self.applications = applications
        self.petitions = petitions
        self.consultations = consultations
        self.tips = tips
        self.counselling = counselling
        self.care_orders = care_orders
        self.progress = progress
        self.seed = seed
        self.plan: Plan = build_plan(seed)
        self.place_ids: dict[str, tuple[int, str]] = {}  # code → (id, path)
        self.building_ids: dict[tuple[str, str], int] = {}
        self.org_ids: dict[str, int] = {}
        self.team_ids: dict[tuple[str, str], int] = {}

    # -- running -----------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        """Load everything that is missing; return the number of rows added per table."""
        before = row_counts()
        started = time.perf_counter()
        self._stage("places", self.load_places)
        self._stage("buildings", self.load_buildings)
        self._stage("venues", self.load_venues)
        self._stage("organisations", self.load_organisations)
        self._stage("teams", self.load_teams)
        self._stage("staff", self.load_staff)
        self._stage("residents", self.load_residents)
        self._stage("open311 client", self.load_open311_client)
        self._stage("newcomers", self.load_newcomers)
        if self.cases:
            self._stage("cases", self.load_cases)
            self._stage("ratings", self.load_ratings)
        if self.patrol_grids:
            self._stage("patrols", self.load_patrols)
        self._stage("volunteers", self.load_volunteers)
        self._stage("dual registration", self.load_dual_registration)
        self._stage("party organisations", self.load_party)
        self._stage("party meetings", self.load_party_meetings)
        self._stage("responsibility projects", self.load_projects)
        self._stage("frontage pledges", self.load_frontage)
        if self.activities:
            self._stage("activities", self.load_activities)
            self._stage("lecture menu", self.load_lectures)
            self._stage("red culture", self.load_redculture)
            self._stage("cultural life", self.load_culture)
            self._stage("venue bookings", self.load_venue_bookings)
            self._stage("photos of venues, showcases and sites", self.load_gallery)
        self._stage("rewards", self.load_rewards)
        self._stage("time bank", self.load_timebank)
        self._stage("wishes", self.load_wishes)
        self._stage("notices", self.load_notices)
        self._stage("service catalogue", self.load_catalogue)
        self._stage("applications", self.load_applications)
        self._stage("counter visits", self.load_counter_visits)
        self._stage("petitions", self.load_petitions)
        self._stage("legal consultations", self.load_consultations)
        self._stage("legal duty sessions", self.load_duty_sessions)
        self._stage("legal education sessions", self.load_education_sessions)
        self._stage("disputes", self.load_disputes)
        self._stage("police blocks and groups", self.load_police)
        self._stage("police tips", self.load_tips)
        self._stage("supervision register", self.load_supervision)
        self._stage("counselling", self.load_counselling)
        self._stage("elders", self.load_elders)
        self._stage("home care", self.load_care)
        self._stage("notifications", self.load_notifications)
        after = row_counts()
        added = {label: after[label] - before[label] for label in COUNTED}
        self.progress(
            f"done in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{label} +{n}" for label, n in added.items())
        )
        return added

    def _stage(self, name: str, load: Callable[[], tuple[int, int]]):
        started = time.perf_counter()
        self.progress(f"{name} …")
        created, existing = load()
        self.progress(
            f"{name}: {created} new, {existing} already there "
            f"({time.perf_counter() - started:.1f} s)"
        )

    # -- notifications -----------------------------------------------------------------------
    def load_notifications(self) -> tuple[int, int]:
        """Write the messages of the events filed above (new cases to their dispatchers) now,
        as the worker would, so the demo's inboxes are complete before the worker starts."""
        from meihao.notify.fanout import fan_out_due

        done = 0
        while outcome := fan_out_due():
            done += sum(outcome.values())
        return done, 0

    # -- places ------------------------------------------------------------------------------
    def load_places(self) -> tuple[int, int]:
        district_code = self.plan.district.code
        self.place_ids = {
            code: (pk, path)
            for code, pk, path in Place.objects.filter(code__startswith=district_code).values_list(
                "code", "id", "path"
            )
        }
        created = existing = 0
        for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID):
            new = []
            for spec in (p for p in self.plan.places if p.level == level):
                if spec.code in self.place_ids:
                    existing += 1
                    continue
                parent = self.place_ids.get(spec.parent_code) if spec.parent_code else None
                parent_path = parent[1] if parent else ""
                lat, lon = spec.rect.centroid()
                new.append(
                    Place(
                        code=spec.code,
                        name=spec.name,
                        level=level,
                        parent_id=parent[0] if parent else None,
                        path=parent_path + spec.code + "/",
                        boundary=spec.rect.polygon(),
                        centroid_lat=lat,
                        centroid_lon=lon,
                        is_demo=True,
                    )
                )
            with transaction.atomic():
                for place in Place.objects.bulk_create(new, batch_size=BATCH):
                    self.place_ids[place.code] = (place.pk, place.path)
            created += len(new)
        # path_for is the one definition of a path; the loader builds the same string in bulk.
        district = self.place_ids[district_code]
        assert district[1] == path_for(district_code, None)
        return created, existing

    def _place(self, code: str) -> tuple[int, str]:
        return self.place_ids[code]

    # -- buildings, venues, organisations ------------------------------------------------------
    def load_buildings(self) -> tuple[int, int]:
        grid_codes = {pk: code for code, (pk, _path) in self.place_ids.items() if len(code) == 15}
        self.building_ids = {
            (grid_codes[place_id], name): pk
            for pk, place_id, name in Building.objects.filter(
                place_id__in=list(grid_codes)
            ).values_list("id", "place_id", "name")
            if place_id in grid_codes
        }
        new = []
        for grid_code, specs in self.plan.buildings.items():
            place_id, path = self._place(grid_code)
            for spec in specs:
                if (grid_code, spec.name) in self.building_ids:
                    continue
                new.append(
                    Building(
                        name=spec.name,
                        place_id=place_id,
                        place_path=path,
                        address=spec.address,
                        lat=spec.lat,
                        lon=spec.lon,
                        floors=spec.floors,
                        households=spec.households,
                    )
                )
        with transaction.atomic():
            for building in Building.objects.bulk_create(new, batch_size=BATCH):
                self.building_ids[(grid_codes[building.place_id], building.name)] = building.pk
        return len(new), sum(len(v) for v in self.plan.buildings.values()) - len(new)

    def load_venues(self) -> tuple[int, int]:
        place_ids = [self._place(v.place_code)[0] for v in self.plan.venues]
        existing = set(
            Venue.objects.filter(place_id__in=set(place_ids)).values_list("place_id", "name")
        )
        new = []
        for spec, place_id in zip(self.plan.venues, place_ids, strict=True):
            if (place_id, spec.name) in existing:
                continue
            new.append(
                Venue(
                    name=spec.name,
                    kind=spec.kind,
                    place_id=place_id,
                    place_path=self._place(spec.place_code)[1],
                    address=spec.address,
                    lat=spec.lat,
                    lon=spec.lon,
                    capacity=spec.capacity,
                    opening_hours=spec.opening_hours,
                )
            )
        with transaction.atomic():
            Venue.objects.bulk_create(new, batch_size=BATCH)
        return len(new), len(self.plan.venues) - len(new)

    def load_organisations(self) -> tuple[int, int]:
        wanted = {(o.name, self._place(o.place_code)[0]) for o in self.plan.organisations}
        self.org_ids = {
            name: pk
            for pk, name, place_id in Organisation.objects.filter(
                name__in=[o.name for o in self.plan.organisations]
            ).values_list("id", "name", "place_id")
            if (name, place_id) in wanted
        }
        self._update_short_names()
        new = []
        for spec in self.plan.organisations:
            if spec.name in self.org_ids:
                continue
            place_id, path = self._place(spec.place_code)
            new.append(
                Organisation(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    place_id=place_id,
                    place_path=path,
                    address=spec.address,
                    contact_phone=spec.contact_phone,
                    is_demo=True,
                )
            )
        with transaction.atomic():
            for org in Organisation.objects.bulk_create(new, batch_size=BATCH):
                self.org_ids[org.name] = org.pk
        return len(new), len(self.plan.organisations) - len(new)

    def _update_short_names(self):
        """Give organisations already there the short name of the plan (an earlier demo called
        市场监督 "市监", which the case catalogue's routing does not find). Idempotent."""
        for spec in self.plan.organisations:
            pk = self.org_ids.get(spec.name)
            if pk is not None and spec.short_name:
                Organisation.objects.filter(pk=pk).exclude(short_name=spec.short_name).update(
                    short_name=spec.short_name
                )

    def _rename_former_teams(self, codes: dict[int, str]):
        """Rename the street teams named after a former short name ("城东街道市监队")."""
        renames = {}
        for street in self.plan.streets:
            for current, former in data.FORMER_SHORT_NAMES.items():
                renames[(f"{street.name}{former}队", street.code)] = f"{street.name}{current}队"
        ids = {
            pk: code for pk, code in codes.items() if code in {s.code for s in self.plan.streets}
        }
        for team in Team.objects.filter(
            is_demo=True, place_id__in=list(ids), name__in=[n for n, _c in renames]
        ):
            wanted = renames.get((team.name, ids[team.place_id]))
            if wanted and not Team.objects.filter(name=wanted, place_id=team.place_id).exists():
                Team.objects.filter(pk=team.pk).update(name=wanted)

    # -- teams ---------------------------------------------------------------------------------
    def load_teams(self) -> tuple[int, int]:
        codes = {pk: code for code, (pk, _path) in self.place_ids.items()}
        self._rename_former_teams(codes)
        self.team_ids = {
            (name, codes[place_id]): pk
            for pk, name, place_id in Team.objects.filter(is_demo=True).values_list(
                "id", "name", "place_id"
            )
            if place_id in codes
        }
        pending = [t for t in self.plan.teams if t.key not in self.team_ids]
        created = 0
        # Parents first: each pass creates the teams whose parent already exists.
        while pending:
            ready = [t for t in pending if t.parent is None or t.parent in self.team_ids]
            if not ready:
                raise RuntimeError("demo teams have a parent that is never created")
            rows = []
            for spec in ready:
                place_id, path = self._place(spec.place_code)
                rows.append(
                    Team(
                        name=spec.name,
                        kind=spec.kind,
                        parent_id=self.team_ids[spec.parent] if spec.parent else None,
                        organisation_id=self.org_ids[spec.organisation]
                        if spec.organisation
                        else None,
                        place_id=place_id,
                        place_path=path,
                        is_demo=True,
                    )
                )
            with transaction.atomic():
                for spec, team in zip(ready, Team.objects.bulk_create(rows), strict=True):
                    self.team_ids[spec.key] = team.pk
            created += len(rows)
            pending = [t for t in pending if t.key not in self.team_ids]
        covered = [
            Team.covered_places.through(team_id=self.team_ids[t.key], place_id=self._place(c)[0])
            for t in self.plan.teams
            for c in t.covered
        ]
        units = [
            Team.units.through(team_id=self.team_ids[t.key], organisation_id=self.org_ids[u])
            for t in self.plan.teams
            for u in t.units
        ]
        with transaction.atomic():
            Team.covered_places.through.objects.bulk_create(
                covered, batch_size=BATCH, ignore_conflicts=True
            )
            Team.units.through.objects.bulk_create(units, batch_size=BATCH, ignore_conflicts=True)
        return created, len(self.plan.teams) - created

    # -- cases: through the case services, as of the day each step happened --------------------
    def load_newcomers(self) -> tuple[int, int]:
        """Residents who registered themselves and entered their real-name details, waiting
        for the first community's staff to confirm them (实名登记), through the services."""
        from meihao.accounts.models import SelfRegistration
        from meihao.people.services import person_declare_own

        community = Place.objects.get(code=self.plan.communities[0].code)
        created = existing = 0
        for index, name in enumerate(NEWCOMERS):
            phone = f"{RESERVED_PHONE_PREFIX}{20 + index:04d}"
            if User.objects.filter(phone=phone).exists():
                existing += 1
                continue
            first17 = f"45040319950615{900 + index:03d}"
            with transaction.atomic():
                user = User.objects.create_user(phone, DEMO_PASSWORD)
                SelfRegistration.objects.create(user=user)
                person = person_declare_own(
                    actor=user,
                    real_name=name,
                    id_number=first17 + idcard.check_digit(first17),
                    home_place=community,
                    address=f"{community.name}{index + 3}栋{index + 1}0{index + 2}",
                )
                Person.objects.filter(pk=person.pk).update(is_demo=True)
            created += 1
        return created, existing

    def load_cases(self) -> tuple[int, int]:
        from meihao.demo.cases import CaseHistory

        return CaseHistory(plan=self.plan, count=self.cases, seed=self.seed).run()

    def load_ratings(self) -> tuple[int, int]:
        from meihao.demo.cases import CaseRatings

        return CaseRatings(seed=self.seed).run()

    # -- patrols: the grid workers' last two weeks, through the patrol services ------------------
    def load_patrols(self) -> tuple[int, int]:
        from meihao.demo.patrols import PatrolHistory

        return PatrolHistory(plan=self.plan, seed=self.seed, grids=self.patrol_grids).run()

    # -- the volunteer side: in bulk, sharing one view of the people and one points writer ----
    def _volunteer_side(self):
        from meihao.demo.points import Points
        from meihao.demo.residents import Residents

        if not hasattr(self, "people"):
            self.people = Residents(self.plan, self.seed)
            district = Place.objects.get(code=self.plan.district.code)
            self.points = Points(district)
        return self.people, self.points

    def load_volunteers(self) -> tuple[int, int]:
        from meihao.demo.volunteering import Volunteering

        people, _points = self._volunteer_side()
        return Volunteering(plan=self.plan, residents=people, seed=self.seed).run()

    def load_dual_registration(self) -> tuple[int, int]:
        from meihao.demo.dual import DualRegistration

        people, points = self._volunteer_side()
        return DualRegistration(
            plan=self.plan, residents=people, points=points, seed=self.seed
        ).run()

    def load_party(self) -> tuple[int, int]:
        from meihao.demo.party import PartyOrganisations

        people, _points = self._volunteer_side()
        return PartyOrganisations(plan=self.plan, residents=people, seed=self.seed).run()

    def load_party_meetings(self) -> tuple[int, int]:
        from meihao.demo.party_meetings import PartyMeetings

        return PartyMeetings(plan=self.plan, seed=self.seed).run()

    def _history_scale(self) -> float:
        """The history's scale (demo.plan.history_scale) for the residents loaded."""
        from meihao.demo.plan import history_scale

        return history_scale(self.residents / RESIDENTS_PER_SCALE)

    def load_projects(self) -> tuple[int, int]:
        from meihao.demo.projects import ResponsibilityProjects

        return ResponsibilityProjects(
            plan=self.plan, seed=self.seed, scale=self._history_scale()
        ).run()

    def load_frontage(self) -> tuple[int, int]:
        from meihao.demo.frontage import FrontagePledges

        return FrontagePledges(plan=self.plan, seed=self.seed, scale=self._history_scale()).run()

    def load_lectures(self) -> tuple[int, int]:
        from meihao.demo.lectures import LectureMenu

        return LectureMenu(plan=self.plan, seed=self.seed, scale=self._history_scale()).run()

    def load_venue_bookings(self) -> tuple[int, int]:
        from meihao.demo.venues import VenueBookings

        return VenueBookings(plan=self.plan, seed=self.seed, scale=self._history_scale()).run()

    def load_gallery(self) -> tuple[int, int]:
        from meihao.demo.gallery import DemoGallery

        return DemoGallery(seed=self.seed).run()

    def load_culture(self) -> tuple[int, int]:
        from meihao.demo.culture import CulturalLife

        return CulturalLife(plan=self.plan, seed=self.seed, scale=self._history_scale()).run()

    def load_redculture(self) -> tuple[int, int]:
        from meihao.demo.redculture import RedCultureMap

        return RedCultureMap(plan=self.plan, seed=self.seed).run()

    def load_activities(self) -> tuple[int, int]:
        from meihao.demo.activities import ActivityHistory

        people, points = self._volunteer_side()
        return ActivityHistory(
            plan=self.plan,
            residents=people,
            points=points,
            seed=self.seed,
            per_year=self.activities,
        ).run()

    def load_rewards(self) -> tuple[int, int]:
        from meihao.demo.rewards import RewardsHistory

        people, points = self._volunteer_side()
        return RewardsHistory(
            plan=self.plan,
            residents=people,
            points=points,
            seed=self.seed,
            per_year=self.redemptions,
        ).run()

    def load_timebank(self) -> tuple[int, int]:
        from meihao.demo.timebank import TimeBankHistory

        people, _points = self._volunteer_side()
        return TimeBankHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.help_requests
        ).run()

    def load_wishes(self) -> tuple[int, int]:
        from meihao.demo.wishes import WishHistory

        people, _points = self._volunteer_side()
        return WishHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.wishes
        ).run()

    def load_notices(self) -> tuple[int, int]:
        """The information column: what the district, the first street and the first community
        published lately, through the services (one scheduled for tomorrow)."""
        from django.utils import timezone

        from meihao.bulletins.models import Notice
        from meihao.bulletins.services import notice_save

        created = existing = 0
        now = timezone.now()
        for phone, days_ago, kind, title, body, pinned in NOTICES:
            if Notice.objects.filter(title=title).exists():
                existing += 1
                continue
            author = User.objects.get(phone=phone)
            place = author.role_assignments.exclude(place=None).first().place
            notice_save(
                actor=author,
                place=place,
                kind=kind,
                title=title,
                body=body,
                pinned=pinned,
                publish_at=now - datetime.timedelta(days=days_ago, hours=days_ago % 5 + 1),
            )
            created += 1
        return created, existing

    def load_catalogue(self) -> tuple[int, int]:
        from meihao.demo.accounts import PERSONAS
        from meihao.demo.catalogue import load_catalogue

        district = Place.objects.get(code=self.plan.district.code)
        phone = next(p.phone for p in PERSONAS if p.role == Role.DISTRICT_ADMIN)
        admin = User.objects.get(phone=phone)
        return load_catalogue(district=district, admin=admin, seed=self.seed)

    def load_applications(self) -> tuple[int, int]:
        from meihao.demo.applications import ApplicationHistory

        people, _points = self._volunteer_side()
        return ApplicationHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.applications
        ).run()

    def load_counter_visits(self) -> tuple[int, int]:
        from meihao.demo.counter import CounterVisitHistory

        people, _points = self._volunteer_side()
        # About one visit served at the counter for every two applications filed online.
        return CounterVisitHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.applications // 2
        ).run()

    def load_petitions(self) -> tuple[int, int]:
        from meihao.demo.petitions import PetitionHistory

        people, _points = self._volunteer_side()
        return PetitionHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.petitions
        ).run()

    def load_consultations(self) -> tuple[int, int]:
        from meihao.demo.legal import ConsultationHistory

        people, _points = self._volunteer_side()
        return ConsultationHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.consultations
        ).run()

    def load_duty_sessions(self) -> tuple[int, int]:
        from meihao.demo.legal import CONSULTATIONS_PER_SCALE, DutySessions

        people, _points = self._volunteer_side()
        # The sessions follow the consultations' share of a year's history.
        scale = self.consultations / CONSULTATIONS_PER_SCALE
        return DutySessions(plan=self.plan, residents=people, seed=self.seed, scale=scale).run()

    def load_education_sessions(self) -> tuple[int, int]:
        from meihao.demo.legal import EducationSessions

        return EducationSessions().run()

    def load_disputes(self) -> tuple[int, int]:
        from meihao.demo.disputes import DisputeHistory, disputes_for

        people, _points = self._volunteer_side()
        return DisputeHistory(
            plan=self.plan,
            residents=people,
            seed=self.seed,
            count=disputes_for(self.consultations),
        ).run()

    def load_police(self) -> tuple[int, int]:
        from meihao.demo.police import PoliceDistrict

        people, _points = self._volunteer_side()
        return PoliceDistrict(plan=self.plan, residents=people, seed=self.seed).run()

    def load_tips(self) -> tuple[int, int]:
        from meihao.demo.police import TipHistory

        people, _points = self._volunteer_side()
        return TipHistory(plan=self.plan, residents=people, seed=self.seed, count=self.tips).run()

    def load_supervision(self) -> tuple[int, int]:
        from meihao.demo.police import SupervisionRegister

        people, _points = self._volunteer_side()
        return SupervisionRegister(plan=self.plan, residents=people, seed=self.seed).run()

    def load_counselling(self) -> tuple[int, int]:
        from meihao.demo.counselling import CounsellingHistory

        people, _points = self._volunteer_side()
        return CounsellingHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.counselling
        ).run()

    def load_elders(self) -> tuple[int, int]:
        from meihao.demo.eldercare import ElderHistory

        people, _points = self._volunteer_side()
        return ElderHistory(plan=self.plan, residents=people, seed=self.seed).run()

    def load_care(self) -> tuple[int, int]:
        from meihao.demo.care import CareHistory

        people, _points = self._volunteer_side()
        return CareHistory(
            plan=self.plan, residents=people, seed=self.seed, count=self.care_orders
        ).run()

    def load_open311_client(self) -> tuple[int, int]:
        from meihao.demo.open311 import load_open311_client

        return load_open311_client(self.plan.district.code)

    # -- people --------------------------------------------------------------------------------
    def _prepare_people(self):
        if hasattr(self, "user_ids"):
            return
        # Hashing once: Argon2 per user would take minutes for the bulk log-ins.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.user_ids: dict[str, int] = dict(User.objects.values_list("phone", "id"))
        self.person_ids: dict[str, int] = dict(
            Person.objects.exclude(id_number_hash="").values_list("id_number_hash", "id")
        )
        # People loaded by an earlier version without a log-in they now have (a resident who
        # became a volunteer): linked to it below.
        self.people_without_user: set[str] = set(
            Person.objects.filter(user__isnull=True)
            .exclude(id_number_hash="")
            .values_list("id_number_hash", flat=True)
        )
        self.role_keys = set(
            RoleAssignment.objects.values_list("user_id", "role", "place_id", "organisation_id")
        )
        self.population = Population(self.plan, self.seed)
        self.writers = {
            "user": RowWriter(User, ["password", "is_superuser", "phone", "name", "is_staff"]),
            "person": RowWriter(
                Person,
                [
                    "user_id",
                    "real_name",
                    "gender",
                    "birth_date",
                    "id_number_encrypted",
                    "id_number_hash",
                    "id_number_masked",
                    "phone",
                    "home_place_id",
                    "home_place_path",
                    "building_id",
                    "address",
                    "is_demo",
                ],
            ),
            "tag": RowWriter(PersonTag, ["person_id", "tag"], ignore_conflicts=True),
            "role": RowWriter(RoleAssignment, ["user_id", "role", "place_id", "organisation_id"]),
            "member": RowWriter(
                TeamMember, ["team_id", "person_id", "position", "duty"], ignore_conflicts=True
            ),
        }

    def load_staff(self) -> tuple[int, int]:
        self._prepare_people()
        people = self.population.personas() + self.population.staff()
        return self._load_people(people)

    def load_residents(self) -> tuple[int, int]:
        self._prepare_people()
        created = existing = 0
        chunks = self.population.residents(self.residents)
        done = 0
        while True:
            group = [p for chunk in islice(chunks, GROUP // CHUNK) for p in chunk]
            if not group:
                break
            new, old = self._load_people(group)
            created += new
            existing += old
            done += len(group)
            self.progress(f"  residents {done}/{self.residents}")
        return created, existing

    def _load_people(self, specs: list[PersonSpec]) -> tuple[int, int]:
        with transaction.atomic():
            self._create_users(specs)
            created = self._create_people(specs)
            self._create_tags(specs)
            self._create_roles(specs)
            self._create_team_members(specs)
        return created, len(specs) - created

    def _ids(self, model, key_field: str, keys: list[str]) -> dict[str, int]:
        """{natural key: id} of rows just inserted, looked up in slices (parameter limits)."""
        found = {}
        for part in batched(keys, 500):
            found.update(
                model.objects.filter(**{f"{key_field}__in": part}).values_list(key_field, "id")
            )
        return found

    def _create_users(self, specs: list[PersonSpec]):
        new = [
            (self.password_hash, s.is_superuser, s.phone, s.real_name, s.is_staff)
            for s in specs
            if s.has_user and s.phone and s.phone not in self.user_ids
        ]
        if new:
            self.writers["user"].insert(new)
            self.user_ids.update(self._ids(User, "phone", [row[2] for row in new]))

    def _create_people(self, specs: list[PersonSpec]) -> int:
        new, hashes, links = [], [], []
        for spec in specs:
            digest = pii.search_hash(spec.id_number)
            spec.id_hash = digest
            if digest in self.person_ids:
                if digest in self.people_without_user and spec.has_user:
                    links.append((self.user_ids[spec.phone], self.person_ids[digest]))
                    self.people_without_user.discard(digest)
                continue
            grid_id, grid_path = self._place(spec.home_code)
            # AES-GCM per row: about 3 µs each, measured; cheap next to the insert itself.
            stored = id_number_fields(spec.id_number)
            new.append(
                (
                    self.user_ids.get(spec.phone) if spec.has_user else None,
                    spec.real_name,
                    spec.gender,
                    date_value(spec.birth_date),
                    stored["id_number_encrypted"],
                    digest,
                    stored["id_number_masked"],
                    spec.phone,
                    grid_id,
                    grid_path,
                    self.building_ids.get((spec.home_code, spec.building)),
                    spec.address,
                    True,
                )
            )
            hashes.append(digest)
        if new:
            self.writers["person"].insert(new)
            self.person_ids.update(self._ids(Person, "id_number_hash", hashes))
        if links:
            table = connection.ops.quote_name(Person._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET user_id = %s WHERE id = %s AND user_id IS NULL",  # noqa: S608
                    links,
                )
        return len(new)

    def _create_tags(self, specs: list[PersonSpec]):
        self.writers["tag"].insert(
            (self.person_ids[s.id_hash], tag) for s in specs for tag in s.tags
        )

    def _create_roles(self, specs: list[PersonSpec]):
        rows = []
        for spec in specs:
            user_id = self.user_ids.get(spec.phone)
            if not spec.roles or user_id is None:
                continue
            for role, (kind, ref) in spec.roles:
                place_id = self._place(ref)[0] if kind == "place" else None
                org_id = self.org_ids[ref] if kind == "org" else None
                key = (user_id, str(role), place_id, org_id)
                if key in self.role_keys:
                    continue
                self.role_keys.add(key)
                rows.append(key)
        self.writers["role"].insert(rows)

    def _create_team_members(self, specs: list[PersonSpec]):
        self.writers["member"].insert(
            (self.team_ids[(name, place_code)], self.person_ids[s.id_hash], position, duty)
            for s in specs
            for name, place_code, position, duty in s.teams
        )
