"""Venue bookings in the demo district (`venues`): which venues open for booking, and a month of
bookings behind and two weeks ahead.

Every community's activity room (文体活动室) and 新时代文明实践站 (a community service centre),
its party service centre (党群服务中心) but in the last community of each street (there a small
office the branch keeps for its own meetings), and the communities' squares (文化广场), are
bookable: 08:00–21:30, the squares 06:00–22:00; bookings of a service centre wait for the
community's staff. That is the article's 92 recreation venues, out of the plan's 120 (30
activity rooms, 30 service centres, 25 party centres and the 7 squares, 18 or 19 a street; the
reading rooms, counselling rooms and fitness grounds stay unbooked, being open to all), which
the `venues` indicator counts.

The community's volunteer teams (booked by their leader) and the district's departments (by one
of their staff) book them: rehearsals, meetings, trainings, square dancing, in the fixed slots of
each kind of venue, so no two bookings of a venue overlap. A few past ones were cancelled; the
service centres' were confirmed by the community's staff, except two requests for the demo
community's centre next week, which wait for its staff (13900000003).

Written in bulk, once: a rerun adds nothing."""

import datetime
import random

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meihao.core.roles import Role
from meihao.demo.accounts import role_persona
from meihao.people.models import RoleAssignment, Team, TeamMember
from meihao.places.models import PATH_SEPARATOR, Level, Venue
from meihao.venues.models import Booking

DAYS_BEHIND, DAYS_AHEAD = 30, 14
ROOM_HOURS = (datetime.time(8, 0), datetime.time(21, 30))
SQUARE_HOURS = (datetime.time(6, 0), datetime.time(22, 0))
EQUIPMENT = {
    Venue.Kind.ACTIVITY_ROOM: "音响、投影仪、折叠桌椅、钢琴",
    Venue.Kind.PARTY: "会议桌椅、投影仪、话筒",
    Venue.Kind.SERVICE_CENTRE: "多功能厅、音响、投影仪、LED 屏",
    Venue.Kind.SQUARE: "小舞台、音响、照明",
}
# The slots each kind of venue is booked in (local times), disjoint.
SLOTS = {
    Venue.Kind.ACTIVITY_ROOM: ((9, 0, 11, 0), (14, 30, 16, 30), (19, 0, 21, 0)),
    Venue.Kind.PARTY: ((9, 0, 11, 30), (15, 0, 17, 0)),
    Venue.Kind.SERVICE_CENTRE: ((9, 30, 11, 30), (14, 30, 17, 0), (19, 30, 21, 0)),
    Venue.Kind.SQUARE: ((7, 0, 8, 30), (19, 30, 21, 30)),
}
# Per slot and day, the chance it is booked at scale 1.
BOOKED_SHARE = {
    Venue.Kind.ACTIVITY_ROOM: 0.35,
    Venue.Kind.PARTY: 0.2,
    Venue.Kind.SERVICE_CENTRE: 0.2,
    Venue.Kind.SQUARE: 0.45,
}
TEAM_PURPOSES = (
    "志愿者例会",
    "合唱队排练",
    "广场舞排练",
    "志愿服务培训",
    "便民服务活动筹备",
    "邻里议事会",
    "书法兴趣小组",
    "健康知识讲座",
)
SQUARE_PURPOSES = ("广场舞", "太极拳晨练", "文艺汇演", "消夏晚会排练")
UNIT_PURPOSES = ("政策宣传进社区", "业务培训", "共建座谈会", "安全知识讲座")
CANCELLED_SHARE = 0.05
UNIT_SHARE = 0.25
WAITING_REQUESTS = 2


class VenueBookings:
    def __init__(self, *, plan, seed: int, scale: float, now=None):
        self.plan = plan
        self.seed = seed
        self.scale = scale
        self.now = now or timezone.now()

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            opened, there = self._open_venues()
            if Booking.objects.filter(is_demo=True).exists():
                return opened, there
            return opened + self._bookings(), there

    # -- the venues open for booking ----------------------------------------------------------
    def _open_venues(self) -> tuple[int, int]:
        demo = Venue.objects.filter(place__is_demo=True, kind__in=list(SLOTS))
        there = demo.filter(bookable=True).count()
        opened = 0
        kept = self._kept_for_the_branch(demo)
        for kind in SLOTS:
            opens, closes = SQUARE_HOURS if kind == Venue.Kind.SQUARE else ROOM_HOURS
            opened += (
                demo.filter(kind=kind, bookable=False)
                .exclude(pk__in=kept)
                .update(
                    bookable=True,
                    opens_at=opens,
                    closes_at=closes,
                    needs_approval=kind == Venue.Kind.SERVICE_CENTRE,
                    equipment=EQUIPMENT[kind],
                )
            )
        return opened, there

    @staticmethod
    def _kept_for_the_branch(demo) -> list[int]:
        """The party service centre of the last community of each street, not opened."""
        last: dict[str, int] = {}
        for pk, path in (
            demo.filter(kind=Venue.Kind.PARTY, place__level=Level.COMMUNITY)
            .order_by("place_path", "pk")
            .values_list("pk", "place_path")
        ):
            street = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:2])
            last[street] = pk
        return list(last.values())

    # -- who books ------------------------------------------------------------------------------
    def _holders(self):
        """{community path: [(team id, leader's user id)]}, and [(department id, staff user)]."""
        teams: dict[str, list[tuple[int, int]]] = {}
        for team_id, user_id, path in (
            TeamMember.objects.filter(
                team__is_demo=True,
                team__kind=Team.Kind.VOLUNTEER,
                team__place__level=Level.COMMUNITY,
                position=TeamMember.Position.LEADER,
                person__user__isnull=False,
            )
            .order_by("team_id", "pk")
            .values_list("team_id", "person__user_id", "team__place_path")
        ):
            teams.setdefault(path, []).append((team_id, user_id))
        units: dict[int, int] = {}
        for organisation_id, user_id in (
            RoleAssignment.objects.filter(
                role=Role.DEPARTMENT_STAFF, organisation__is_demo=True, user__is_active=True
            )
            .order_by("organisation_id", "user_id")
            .values_list("organisation_id", "user_id")
        ):
            units.setdefault(organisation_id, user_id)
        staff: dict[str, int] = {}
        for user_id, path in (
            RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, place__level=Level.COMMUNITY)
            .order_by("user_id")
            .values_list("user_id", "place__path")
        ):
            staff.setdefault(path, user_id)
        return teams, sorted(units.items()), staff

    # -- the bookings ---------------------------------------------------------------------------
    def _bookings(self) -> int:
        teams, units, staff = self._holders()
        venues = list(
            Venue.objects.filter(place__is_demo=True, bookable=True, kind__in=list(SLOTS)).order_by(
                "place_path", "pk"
            )
        )
        zone = timezone.get_current_timezone()
        today = timezone.localdate(self.now)
        # The demo community's staff log-in (13900000003) decides the requests left waiting.
        demo_community = (
            RoleAssignment.objects.filter(
                user__phone=role_persona(Role.COMMUNITY_STAFF).phone, role=Role.COMMUNITY_STAFF
            )
            .values_list("place__path", flat=True)
            .first()
        )
        share = min(1.0, max(self.scale, 0.25))
        rows: list[Booking] = []
        for venue in venues:
            rng = random.Random(f"{self.seed}:venues:{venue.place_path}:{venue.name}")
            community = venue.place_path
            local_teams = teams.get(community, [])
            if not local_teams and not units:
                continue
            for offset in range(-DAYS_BEHIND, DAYS_AHEAD):
                day = today + datetime.timedelta(days=offset)
                for h1, m1, h2, m2 in SLOTS[venue.kind]:
                    if rng.random() >= BOOKED_SHARE[venue.kind] * share:
                        continue
                    starts_at = datetime.datetime.combine(day, datetime.time(h1, m1), tzinfo=zone)
                    ends_at = datetime.datetime.combine(day, datetime.time(h2, m2), tzinfo=zone)
                    booking = self._booking(
                        rng, venue, starts_at, ends_at, local_teams, units, staff
                    )
                    if booking is None:
                        continue
                    rows.append(booking)
        rows += self._waiting(venues, rows, teams, demo_community, today)
        Booking.objects.bulk_create(rows, batch_size=2000)
        # Booked a few days before the slot, not when the demo was loaded.
        Booking.objects.filter(is_demo=True).update(
            created_at=F("starts_at") - datetime.timedelta(days=3),
            updated_at=F("starts_at") - datetime.timedelta(days=3),
        )
        return len(rows)

    def _waiting(self, venues, rows, teams, community, today) -> list[Booking]:
        """Requests of the demo community's teams for its service centre in the coming days,
        in slots nobody holds, waiting for its staff."""
        centre = next((v for v in venues if v.place_path == community and v.needs_approval), None)
        local_teams = teams.get(community, [])
        if centre is None or not local_teams:
            return []
        taken = {b.starts_at for b in rows if b.venue_id == centre.pk}
        zone = timezone.get_current_timezone()
        waiting = []
        for offset in range(2, DAYS_AHEAD):
            day = today + datetime.timedelta(days=offset)
            h1, m1, h2, m2 = SLOTS[centre.kind][-1]  # an evening: after the working day
            starts_at = datetime.datetime.combine(day, datetime.time(h1, m1), tzinfo=zone)
            if starts_at in taken:
                continue
            team_id, user_id = local_teams[len(waiting) % len(local_teams)]
            waiting.append(
                Booking(
                    venue=centre,
                    place_path=centre.place_path,
                    booked_by_id=user_id,
                    team_id=team_id,
                    purpose=TEAM_PURPOSES[len(waiting)],
                    starts_at=starts_at,
                    ends_at=datetime.datetime.combine(day, datetime.time(h2, m2), tzinfo=zone),
                    status=Booking.Status.REQUESTED,
                    is_demo=True,
                )
            )
            if len(waiting) == WAITING_REQUESTS:
                break
        return waiting

    def _booking(self, rng, venue, starts_at, ends_at, local_teams, units, staff):
        for_unit = units and (not local_teams or rng.random() < UNIT_SHARE)
        if for_unit:
            organisation_id, user_id = units[rng.randrange(len(units))]
            team_id = None
            purpose = rng.choice(UNIT_PURPOSES)
        else:
            team_id, user_id = local_teams[rng.randrange(len(local_teams))]
            organisation_id = None
            purposes = SQUARE_PURPOSES if venue.kind == Venue.Kind.SQUARE else TEAM_PURPOSES
            purpose = rng.choice(purposes)
        booking = Booking(
            venue=venue,
            place_path=venue.place_path,
            booked_by_id=user_id,
            team_id=team_id,
            organisation_id=organisation_id,
            purpose=purpose,
            starts_at=starts_at,
            ends_at=ends_at,
            status=Booking.Status.CONFIRMED,
            is_demo=True,
        )
        if venue.needs_approval:
            decider = staff.get(venue.place_path)
            if decider is None:
                return None
            booking.decided_by_id = decider
            booking.decided_at = starts_at - datetime.timedelta(days=2)
        if starts_at < self.now and rng.random() < CANCELLED_SHARE:
            booking.status = Booking.Status.CANCELLED
            booking.cancel_reason = "活动改期"
        return booking
