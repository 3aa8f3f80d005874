"""The demo's volunteers: real-name registrations (志愿者实名注册) of the residents the population
marks as volunteers, the alliance's team leaders, pairings with communities (结对共建) and
member units (成员单位). Written in bulk with the fields `volunteers.services` would give:

- a profile per volunteer with a log-in, registered with their home community on a day of the
  last two years, agreeing to the current consent text; those under 18 on that day with a
  guardian's name, mobile number and consent (未成年人须监护人同意);
- the VOLUNTEER role on that community and the volunteer tag (the population gives both);
  all active (a suspension would take the role away: `volunteer_suspend`).

Idempotent: profiles by person, pairings and member units by their unique pairs; team leaders
are only chosen for teams without one.
"""

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.plan import Plan
from meihao.demo.residents import Resident, Residents
from meihao.demo.rows import RowWriter, batched, date_value, datetime_value
from meihao.people.models import Organisation, RoleAssignment, Team, TeamMember
from meihao.places.models import Level, Place
from meihao.volunteers import consent
from meihao.volunteers.models import AllianceUnit, ServiceArea, TeamPairing, VolunteerProfile
from meihao.volunteers.services import ADULT_AGE

# Registrations began with the current consent text (2025) and run to a month ago.
REGISTRATION_OPENED = datetime.date(2025, 1, 6)
SKILLS = [
    "",
    "",
    "",
    "驾驶",
    "急救证",
    "摄影",
    "书法",
    "粤语、普通话",
    "理发",
    "维修家电",
    "中医推拿",
]
# Each service squad is paired with this many communities, in turn.
SQUAD_PAIRINGS = 5


class Volunteering:
    def __init__(self, *, plan: Plan, residents: Residents, seed: int, now=None):
        self.plan = plan
        self.residents = residents
        self.seed = seed
        self.now = now or timezone.now()
        self.places = dict(
            Place.objects.filter(
                level=Level.COMMUNITY, code__startswith=plan.district.code
            ).values_list("code", "id")
        )
        self.paths = {code: f"{code[:6]}/{code[:9]}/{code}/" for code in self.places}

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            self._former_duties()
            self._former_volunteer_roles()
            created, existing = self._profiles()
            self._leaders()
            self._pairings()
            self._alliance_units()
        return created, existing

    # -- fix-ups of databases seeded by earlier versions -------------------------------------
    def _former_duties(self):
        for former, duty in data.FORMER_RED_ARMBAND_DUTIES.items():
            TeamMember.objects.filter(team__kind=Team.Kind.RED_ARMBAND, duty=former).update(
                duty=duty
            )

    def _former_volunteer_roles(self):
        """Earlier versions gave the VOLUNTEER role on the home grid; it is held on the
        community (volunteers.services). Drop a grid one where the community one exists."""
        on_community = set(
            RoleAssignment.objects.filter(
                role=Role.VOLUNTEER, place__level=Level.COMMUNITY
            ).values_list("user_id", "place__code")
        )
        stale = [
            pk
            for pk, user_id, code in RoleAssignment.objects.filter(
                role=Role.VOLUNTEER,
                place__level=Level.GRID,
                place__code__startswith=self.plan.district.code,
            ).values_list("pk", "user_id", "place__code")
            if (user_id, code[:12]) in on_community
        ]
        for part in batched(stale, 500):
            RoleAssignment.objects.filter(pk__in=part).delete()

    # -- registrations -------------------------------------------------------------------------
    def _profiles(self) -> tuple[int, int]:
        existing = set(VolunteerProfile.objects.values_list("person_id", flat=True))
        volunteers = [
            r
            for r in sorted(self.residents.by_id.values(), key=lambda r: r.person_id)
            if r.volunteer and r.user_id is not None and r.community_code in self.places
        ]
        opened = datetime.datetime.combine(
            REGISTRATION_OPENED, datetime.time(9), tzinfo=timezone.get_current_timezone()
        )
        last = self.now - datetime.timedelta(days=30)
        span = (last - opened).total_seconds()
        rows = []
        for resident in volunteers:
            if resident.person_id in existing:
                continue
            rng = random.Random(f"{self.seed}:volunteer:{resident.phone}")
            registered = opened + datetime.timedelta(seconds=rng.uniform(0, span))
            registered = registered.replace(microsecond=0)
            rows.append(self._profile_row(resident, registered, rng))
        writer = RowWriter(
            VolunteerProfile,
            [
                "person_id",
                "community_id",
                "community_path",
                "registered_at",
                "consent_version",
                "consent_at",
                "skills",
                "service_areas",
                "status",
                "guardian_name",
                "guardian_phone",
                "guardian_consent_at",
                "created_at",
                "updated_at",
            ],
        )
        writer.insert(rows)
        return len(rows), len(volunteers) - len(rows)

    def _profile_row(self, resident: Resident, registered: datetime.datetime, rng) -> tuple:
        areas = rng.sample(list(ServiceArea.values), rng.randint(1, 3))
        if resident.elder:
            areas = sorted({*areas, ServiceArea.ELDERLY})
        minor = resident.age_on(timezone.localdate(registered)) < ADULT_AGE
        guardian = ("", "", None)
        if minor:
            surname = resident.name[0]
            guardian = (
                surname + rng.choice(["建华", "志明", "秀梅", "丽娟", "国强"]),
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                datetime_value(registered),
            )
        stamp = datetime_value(registered)
        return (
            resident.person_id,
            self.places[resident.community_code],
            self.paths[resident.community_code],
            stamp,
            consent.VERSION,
            stamp,
            rng.choice(SKILLS),
            VolunteerProfile._meta.get_field("service_areas").get_db_prep_save(areas, connection),
            VolunteerProfile.Status.ACTIVE,
            *guardian,
            stamp,
            stamp,
        )

    # -- the alliance --------------------------------------------------------------------------
    def _leaders(self):
        """Every team of the alliance in a community has a leader and a deputy: its most
        engaged members (the demo volunteer is never made one: she is a member)."""
        teams = Team.objects.filter(
            kind__in=[Team.Kind.VOLUNTEER, Team.Kind.RED_ARMBAND],
            place__level=Level.COMMUNITY,
            is_demo=True,
        ).values_list("id", flat=True)
        led = set(
            TeamMember.objects.filter(
                team_id__in=list(teams), position=TeamMember.Position.LEADER
            ).values_list("team_id", flat=True)
        )
        persona = self.residents.personas.get(Role.VOLUNTEER)
        for team_id in teams:
            if team_id in led:
                continue
            members = sorted(
                (
                    self.residents.by_id[pk]
                    for pk in self.residents.members.get(team_id, ())
                    if pk in self.residents.by_id and self.residents.by_id[pk] is not persona
                ),
                key=lambda r: (-r.engagement, r.person_id),
            )
            for resident, position in zip(
                members, [TeamMember.Position.LEADER, TeamMember.Position.DEPUTY], strict=False
            ):
                TeamMember.objects.filter(team_id=team_id, person_id=resident.person_id).update(
                    position=position
                )

    def _pairings(self):
        """Each community team pairs with the next community of its street; each service
        squad with five communities of the district, in turn (结对共建)."""
        teams = {
            (name, place_code): pk
            for pk, name, place_code in Team.objects.filter(is_demo=True).values_list(
                "id", "name", "place__code"
            )
        }
        rows = []
        for street in self.plan.streets:
            communities = [c for c in self.plan.communities if c.parent_code == street.code]
            for k, community in enumerate(communities):
                partner = communities[(k + 1) % len(communities)]
                team = teams.get((f"{community.name}红棉志愿服务队", community.code))
                if team:
                    rows.append((team, partner.code))
        communities = self.plan.communities
        for s, squad in enumerate(data.SERVICE_SQUADS):
            team = teams.get((squad, self.plan.district.code))
            for k in range(SQUAD_PAIRINGS):
                community = communities[(s * SQUAD_PAIRINGS + k) % len(communities)]
                if team:
                    rows.append((team, community.code))
        writer = RowWriter(
            TeamPairing,
            ["team_id", "community_id", "community_path", "created_at", "updated_at"],
            ignore_conflicts=True,
        )
        stamp = datetime_value(self.now)
        writer.insert(
            (team, self.places[code], self.paths[code], stamp, stamp) for team, code in rows
        )

    def _alliance_units(self):
        """Every unit belongs to the district alliance; the street alliances share them out."""
        district = Team.objects.filter(
            is_demo=True, kind=Team.Kind.VOLUNTEER, parent__isnull=True, place__level="district"
        ).first()
        if district is None:
            return
        streets = list(Team.objects.filter(is_demo=True, parent=district).order_by("place__code"))
        units = list(
            Organisation.objects.filter(kind=Organisation.Kind.UNIT, is_demo=True).order_by("name")
        )
        rows = [(district.pk, unit.pk) for unit in units]
        for k, unit in enumerate(units):
            if streets:
                rows.append((streets[k % len(streets)].pk, unit.pk))
        writer = RowWriter(
            AllianceUnit,
            ["team_id", "organisation_id", "joined_on", "created_at", "updated_at"],
            ignore_conflicts=True,
        )
        joined = self.now.date().replace(month=1, day=1)
        stamp = datetime_value(self.now)
        writer.insert(
            (team, organisation, date_value(joined), stamp, stamp) for team, organisation in rows
        )
