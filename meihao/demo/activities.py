"""The demo's year of activities (meihao.demo.activity_plan says which), with everything the
activities app would have recorded: sign-ups (some cancelled, some left on a waiting list),
check-ins by QR code, location or the organiser (some late, some absent), check-outs, the
service records of those who served long enough and their points through the ledger.

Written in bulk with the values the services compute (credited minutes are the overlap of
presence and planned time: `attendance.credited_minutes`; hours are credited at the activity's
share of its planned time: `credit_due`; only service kinds and role sign-ups earn:
`earns_service_hours`; points by the ledger's earning rule under `service-record:<id>`).

Besides: a few activities were signed in on paper, their records entered by staff with the
sheet as evidence (demo.evidence); two records were reversed, with their points; activities
that ended lately are still waiting for their organiser to finish them (the demo community's
staff have a few days' backlog); the demo community has one upcoming activity called off.

Idempotent: activities by (community, title, start); everything else only for activities
written in this run.
"""

import datetime
import math
import random

from django.db import connection, transaction
from django.utils import timezone

from meihao.activities.attendance import SERVICE_KINDS, credit_due, credited_minutes, distance_m
from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.activity_plan import ActivityPlan, Planner
from meihao.demo.evidence import evidence_file
from meihao.demo.participants import Participant, Pools, SigningUp
from meihao.demo.plan import Plan
from meihao.demo.points import Points, TransferRow, service_memo
from meihao.demo.residents import Residents
from meihao.demo.rows import RowWriter, date_value, datetime_value, max_id
from meihao.ledger.models import Transfer
from meihao.people.models import Organisation, Team
from meihao.places.models import Level, Place, Venue

PAPER_SHARE = 0.03  # activities of the year signed in on a paper sheet
ABSENT = 0.12
ABSENT_PERSONA = 0.08
LATE = 0.08
LEAVES_EARLY = 0.05
CHECKS_OUT_SELF = 0.55
REVERSALS = ["同一次服务重复签到，冲正多计时长", "签到人员登记错误，予以冲正"]
DEPARTMENTS = {short: name for name, short in data.DEPARTMENTS}
METRES_PER_DEGREE = 111_320
# The columns of a service record's row (a reversal's adds what it reverses and why).
RECORD_COLUMNS = [
    "person_id", "activity_id", "service_date", "place_id", "place_path", "content", "minutes",
    "source", "attendance_id", "evidence", "recording_organisation", "person_in_charge",
    "created_by_id", "created_at",
]  # fmt: skip


class ActivityHistory:
    def __init__(
        self,
        *,
        plan: Plan,
        residents: Residents,
        points: Points,
        seed: int,
        per_year: int,
        now=None,
    ):
        self.plan = plan
        self.residents = residents
        self.points = points
        self.seed = seed
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.per_year = per_year
        self.persona = residents.personas.get(Role.VOLUNTEER)
        self.sheets: dict[str, str] = {}
        self.derived: dict[int, tuple] = {}
        self.pools = Pools(residents, self.persona)
        self.places = {
            p.code: p
            for p in Place.objects.filter(
                level=Level.COMMUNITY, code__startswith=plan.district.code
            ).only("id", "code", "name", "path")
        }
        self.venues: dict[tuple[str, str], Venue] = {}
        for venue in Venue.objects.filter(place__code__in=list(self.places)).select_related(
            "place"
        ):
            self.venues.setdefault((venue.place.code, venue.kind), venue)
        self.teams = {
            (name, code): (pk, name)
            for pk, name, code in Team.objects.filter(is_demo=True).values_list(
                "id", "name", "place__code"
            )
        }
        self.organisations = dict(
            Organisation.objects.filter(name__in=list(DEPARTMENTS.values())).values_list(
                "name", "id"
            )
        )

    # -- running -------------------------------------------------------------------------------
    def run(self) -> tuple[int, int]:
        demo_code = self.plan.communities[0].code
        has_cancelled = Activity.objects.filter(
            place__code=demo_code, status=Activity.Status.CANCELLED
        ).exists()
        planner = Planner(
            plan=self.plan, seed=self.seed, per_year=self.per_year, now=self.now, zone=self.zone
        )
        plans = planner.all(with_cancelled=not has_cancelled)
        place_ids = {p.pk: code for code, p in self.places.items()}
        first = min(p.starts_at for p in plans)
        existing = {
            (place_ids[place_id], title, starts_at)
            for place_id, title, starts_at in Activity.objects.filter(
                place_id__in=list(place_ids), starts_at__gte=first
            ).values_list("place_id", "title", "starts_at")
        }
        new = [p for p in plans if p.key not in existing]
        with transaction.atomic():
            self.write(new)
        return len(new), len(plans) - len(new)

    def write(self, plans: list[ActivityPlan]) -> None:
        if not plans:
            return
        ids = self._activities(plans)
        paper = self._paper(plans)
        on_paper = {id(p) for p in paper}
        signing_up = SigningUp(
            pools=self.pools, persona=self.persona, demo=self.plan.communities[0], now=self.now
        )
        participants = {
            id(p): signing_up.participants(p, opened=self._created_at(p))
            for p in plans
            if id(p) not in on_paper
        }
        signups = self._signups(plans, ids, participants)
        attendances = self._attendances(plans, ids, participants, signups)
        records = self._records(plans, ids, attendances)
        records += self._paper_records(paper, ids)
        transfers = self._points(records)
        self._reversals(records, transfers)
        self.points.settle()

    # -- activities ----------------------------------------------------------------------------
    def _paper(self, plans: list[ActivityPlan]) -> list[ActivityPlan]:
        """The activities signed in on paper: a share of the finished service activities, and at
        least one whenever there is one, so that even a small demo shows staff entries."""
        eligible = [
            p
            for p in plans
            if p.state == "finished" and p.kind in SERVICE_KINDS and not p.persona_patrol
        ]
        chosen = [p for p in eligible if p.rng.random() < PAPER_SHARE]
        return chosen or eligible[:1]

    def _derived(self, plan: ActivityPlan) -> tuple:
        """(organiser, created at, finished at) of the activity, each from its own seed."""
        key = id(plan)
        if key not in self.derived:
            staff = self.residents.organiser(
                plan.community.code, random.Random(plan.seed + ":staff")
            )
            days = random.Random(plan.seed + ":created").uniform(7, 20)
            created = min(plan.starts_at - datetime.timedelta(days=days), self.now)
            finished = min(self._finishing_time(plan), self.now)
            self.derived[key] = (staff, created, finished)
        return self.derived[key]

    def _finishing_time(self, plan: ActivityPlan) -> datetime.datetime:
        """The organiser finishes an activity within hours of its end, or, late in the
        evening, the next working morning."""
        rng = random.Random(plan.seed + ":finished")
        finished = plan.ends_at + datetime.timedelta(hours=rng.uniform(0.2, 3))
        local = finished.astimezone(self.zone)
        if local.hour >= 21 or local.date() != plan.ends_at.astimezone(self.zone).date():
            morning = datetime.datetime.combine(
                plan.ends_at.astimezone(self.zone).date() + datetime.timedelta(days=1),
                datetime.time(9),
                tzinfo=self.zone,
            )
            finished = morning + datetime.timedelta(minutes=rng.randrange(150))
        return finished

    def organiser(self, plan: ActivityPlan):
        return self._derived(plan)[0]

    def _where(self, plan: ActivityPlan) -> Venue:
        code = plan.community.code
        return (
            self.venues.get((code, plan.spec.venue))
            or self.venues.get((code, "activity_room"))
            or self.venues[(code, "party")]
        )

    def _status(self, plan: ActivityPlan) -> str:
        return {
            "finished": Activity.Status.FINISHED,
            "open": Activity.Status.PUBLISHED,
            "upcoming": Activity.Status.PUBLISHED,
            "cancelled": Activity.Status.CANCELLED,
        }[plan.state]

    def _created_at(self, plan: ActivityPlan) -> datetime.datetime:
        return self._derived(plan)[1]

    def finished_at(self, plan: ActivityPlan) -> datetime.datetime:
        return self._derived(plan)[2]

    def recording_organisation(self, plan: ActivityPlan) -> str:
        """As `records.recording_organisation_of`: the organising unit, else the team."""
        department = DEPARTMENTS.get(plan.spec.organiser)
        if department:
            return department
        return plan.team[0] if plan.team else self.places[plan.community.code].name

    def _activities(self, plans: list[ActivityPlan]) -> dict[int, int]:
        """Insert the activities; {id(plan): activity id}."""
        roles_field = Activity._meta.get_field("roles_needed")
        rows = []
        for plan in plans:
            place = self.places[plan.community.code]
            venue = self._where(plan)
            team = self.teams.get(plan.team) if plan.team else None
            updated = self.finished_at(plan) if plan.state == "finished" else self._created_at(plan)
            rows.append(
                (
                    plan.kind,
                    plan.title,
                    plan.spec.description,
                    team[0] if team else None,
                    self.organisations.get(DEPARTMENTS.get(plan.spec.organiser, "")),
                    place.pk,
                    place.path,
                    venue.name,
                    venue.address,
                    venue.lat,
                    venue.lon,
                    datetime_value(plan.starts_at),
                    datetime_value(plan.ends_at),
                    plan.capacity,
                    roles_field.get_db_prep_save(
                        [{"role": r, "count": n} for r, n in plan.roles], connection
                    ),
                    self._status(plan),
                    plan.cancel_reason,
                    self.organiser(plan).user_id,
                    datetime_value(self._created_at(plan)),
                    datetime_value(updated),
                )
            )
        after = max_id(Activity)
        RowWriter(
            Activity,
            [
                "kind",
                "title",
                "description",
                "organiser_team_id",
                "organiser_id",
                "place_id",
                "place_path",
                "venue",
                "address",
                "lat",
                "lon",
                "starts_at",
                "ends_at",
                "capacity",
                "roles_needed",
                "status",
                "cancel_reason",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        codes = {p.pk: code for code, p in self.places.items()}
        found = {
            (codes[place_id], title, _utc(starts_at)): pk
            for pk, place_id, title, starts_at in Activity.objects.filter(pk__gt=after).values_list(
                "pk", "place_id", "title", "starts_at"
            )
        }
        return {
            id(plan): found[(plan.community.code, plan.title, _utc(plan.starts_at))]
            for plan in plans
        }

    # -- sign-ups ------------------------------------------------------------------------------
    def _signups(self, plans, ids, participants) -> dict[tuple[int, int], int]:
        rows = []
        for plan in plans:
            people = participants.get(id(plan))
            if not people:
                continue
            for p in people:
                rows.append(
                    (
                        ids[id(plan)],
                        p.resident.person_id,
                        p.role,
                        p.status,
                        datetime_value(p.signed_up_at),
                        datetime_value(p.cancelled_at) if p.cancelled_at else None,
                    )
                )
        after = max_id(SignUp)
        RowWriter(
            SignUp,
            ["activity_id", "person_id", "role", "status", "created_at", "cancelled_at"],
        ).insert(rows)
        found = {}
        for part_after in _pages(SignUp, after):
            for pk, activity_id, person_id, status in part_after.values_list(
                "pk", "activity_id", "person_id", "status"
            ):
                if status != SignUp.Status.CANCELLED:
                    found[(activity_id, person_id)] = pk
        return found

    # -- attendance ----------------------------------------------------------------------------
    def _attendances(self, plans, ids, participants, signups) -> list[tuple]:
        """Insert check-ins and check-outs; returns (plan, participant, attendance id,
        credited minutes) of every attendance."""
        rows, kept = [], []
        for plan in plans:
            if plan.state not in ("finished", "open"):
                continue
            venue = self._where(plan)
            for p in participants.get(id(plan), ()):
                if p.status != "confirmed":
                    continue
                attended = self._attendance(plan, p, venue)
                if attended is None:
                    continue
                row, minutes = attended
                signup_id = signups[(ids[id(plan)], p.resident.person_id)]
                rows.append((signup_id, *row))
                kept.append((plan, p, signup_id, minutes))
        after = max_id(Attendance)
        RowWriter(
            Attendance,
            [
                "signup_id",
                "checked_in_at",
                "check_in_method",
                "check_in_lat",
                "check_in_lon",
                "check_in_distance_m",
                "late",
                "checked_out_at",
                "check_out_method",
                "credited_minutes",
            ],
        ).insert(rows)
        found = {}
        for page in _pages(Attendance, after):
            found.update(page.values_list("signup_id", "pk"))
        return [(plan, p, found[signup_id], minutes) for plan, p, signup_id, minutes in kept]

    def _attendance(self, plan: ActivityPlan, p: Participant, venue: Venue):
        rng = plan.rng
        if rng.random() < (ABSENT_PERSONA if p.resident is self.persona else ABSENT):
            return None
        start, end = plan.starts_at, plan.ends_at
        if rng.random() < LATE:
            arrive = start + datetime.timedelta(minutes=rng.uniform(16, 40))
        else:
            arrive = start + datetime.timedelta(minutes=rng.uniform(-25, 12))
        arrive = arrive.replace(microsecond=0)
        late = arrive > start + datetime.timedelta(minutes=15)
        draw = rng.random()
        if p.resident.elder:
            method = "staff" if draw < 0.4 else ("qr" if draw < 0.8 else "geofence")
        else:
            method = "qr" if draw < 0.55 else ("geofence" if draw < 0.95 else "staff")
        where = (None, None, None)
        if method == "geofence" and venue.lat is not None:
            distance = rng.uniform(5, 150)
            bearing = rng.uniform(0, 2 * math.pi)
            lat = venue.lat + distance * math.cos(bearing) / METRES_PER_DEGREE
            lon = venue.lon + distance * math.sin(bearing) / (
                METRES_PER_DEGREE * math.cos(math.radians(venue.lat))
            )
            where = (lat, lon, round(distance_m(lat, lon, venue.lat, venue.lon)))
        elif method == "geofence":
            method = "qr"
        draw = rng.random()
        duration = end - start
        if draw < LEAVES_EARLY:
            leave = start + duration * rng.uniform(0.15, 0.45)
            out = (max(leave, arrive + datetime.timedelta(minutes=5)), "self")
        elif draw < LEAVES_EARLY + CHECKS_OUT_SELF:
            out = (end + datetime.timedelta(minutes=rng.uniform(-10, 15)), "self")
        elif plan.state == "finished":
            out = (end, "finish")  # still in when the organiser finished it
        else:
            out = (None, "")
        if out[0] is not None and out[0] > self.now:
            out = (None, "")
        checked_out = out[0].replace(microsecond=0) if out[0] else None
        minutes = credited_minutes(plan, arrive, checked_out) if checked_out else 0
        row = (
            datetime_value(arrive),
            method,
            *where,
            late,
            datetime_value(checked_out) if checked_out else None,
            out[1],
            minutes,
        )
        return row, minutes

    # -- service records -----------------------------------------------------------------------
    def _records(self, plans, ids, attendances) -> list[dict]:
        rows, records = [], []
        for plan, p, attendance_id, minutes in attendances:
            if plan.state != "finished":
                continue
            earns = plan.kind in SERVICE_KINDS or bool(p.role)
            if not (earns and credit_due(plan, minutes)):
                continue
            staff = self.organiser(plan)
            content = f"{plan.title}（{p.role}）" if p.role else plan.title
            at = self.finished_at(plan)
            rows.append(
                (
                    p.resident.person_id,
                    ids[id(plan)],
                    date_value(plan.starts_at.astimezone(self.zone).date()),
                    self.places[plan.community.code].pk,
                    self.places[plan.community.code].path,
                    content[:200],
                    minutes,
                    ServiceRecord.Source.ATTENDANCE,
                    attendance_id,
                    "",
                    self.recording_organisation(plan)[:100],
                    staff.name[:50],
                    staff.user_id,
                    datetime_value(at),
                )
            )
            records.append(
                {
                    "attendance": attendance_id,
                    "plan": plan,
                    "resident": p.resident,
                    "minutes": minutes,
                    "at": at,
                    "staff": staff,
                }
            )
        after = max_id(ServiceRecord)
        self._insert_records(rows)
        found = {}
        for page in _pages(ServiceRecord, after):
            found.update(page.values_list("attendance_id", "pk"))
        for record in records:
            record["id"] = found[record["attendance"]]
        return records

    def _insert_records(self, rows):
        RowWriter(ServiceRecord, RECORD_COLUMNS).insert(rows)

    def _paper_records(self, plans: list[ActivityPlan], ids) -> list[dict]:
        """Activities signed in on a paper sheet: staff entered each volunteer's time from it,
        with a photo of the sheet as evidence (source staff_entry, no attendance)."""
        rows, records = [], []
        for plan in plans:
            rng = plan.rng
            taken: set[int] = set()
            count = round(plan.capacity * rng.uniform(*plan.spec.fill))
            people = self.pools.draw(rng, plan.community.code, "volunteers", count, taken)
            if not people:
                continue
            staff = self.organiser(plan)
            local = plan.starts_at.astimezone(self.zone)
            at = min(plan.ends_at + datetime.timedelta(days=rng.uniform(1, 3)), self.now)
            evidence = self._sheets(plan.community)
            for resident in people:
                minutes = plan.planned_minutes
                rows.append(
                    (
                        resident.person_id,
                        ids[id(plan)],
                        date_value(local.date()),
                        self.places[plan.community.code].pk,
                        self.places[plan.community.code].path,
                        plan.title[:200],
                        minutes,
                        ServiceRecord.Source.STAFF_ENTRY,
                        None,
                        evidence,
                        self.recording_organisation(plan)[:100],
                        staff.name[:50],
                        staff.user_id,
                        datetime_value(at),
                    )
                )
                records.append(
                    {
                        "key": (ids[id(plan)], resident.person_id),
                        "plan": plan,
                        "resident": resident,
                        "minutes": minutes,
                        "at": at,
                        "staff": staff,
                    }
                )
        if not rows:
            return []
        after = max_id(ServiceRecord)
        self._insert_records(rows)
        found = {}
        for page in _pages(ServiceRecord, after):
            for pk, activity_id, person_id in page.values_list("pk", "activity_id", "person_id"):
                found[(activity_id, person_id)] = pk
        for record in records:
            record["id"] = found[record["key"]]
        return records

    def _sheets(self, community) -> str:
        if community.code not in self.sheets:
            self.sheets[community.code] = evidence_file(
                f"signin-sheets-{community.code}.jpg",
                [
                    f"{community.name}志愿服务纸质签到表（扫描件）",
                    "无智能手机的志愿者现场手写签到，由社区工作人员据此录入服务时长",
                ],
            )
        return self.sheets[community.code]

    # -- points --------------------------------------------------------------------------------
    def _points(self, records: list[dict]) -> dict[int, int]:
        """The points of every record; {record id: transfer id}."""
        accounts = self.points.accounts_of(
            {r["resident"].person_id: r["resident"].path for r in records}, self.now
        )
        rows = []
        for record in records:
            amount = self.points.points_for_service(record["plan"].kind, record["minutes"])
            if amount <= 0:
                continue
            rows.append(
                TransferRow(
                    key=f"service-record:{record['id']}",
                    kind=Transfer.Kind.SERVICE,
                    amount=amount,
                    source_id=self.points.issuer.pk,
                    target_id=accounts[record["resident"].person_id],
                    created_at=record["at"],
                    created_by_id=record["staff"].user_id,
                    cause=("activities.servicerecord", str(record["id"])),
                    memo=service_memo(record["minutes"]),
                )
            )
        found = self.points.write(rows)
        return {
            int(key.split(":")[1]): pk for key, pk in found.items() if key.startswith("service-")
        }

    def _reversals(self, records: list[dict], transfers: dict[int, int]) -> None:
        """Two records corrected by reversal (a double sign-in, a wrong person), with their
        points taken back as `service_record_reverse` does; only while the district has none."""
        if ServiceRecord.objects.filter(
            reverses__isnull=False, place_path__startswith=f"{self.plan.district.code}/"
        ).exists():
            return
        candidates = [
            r
            for r in records
            if r["resident"] is not self.persona
            and r["plan"].community in self.plan.communities[:2]
        ]
        chosen = []
        for community in self.plan.communities[:2]:
            chosen += [r for r in candidates if r["plan"].community is community][:1]
        if not chosen:
            return
        originals = {
            r.pk: r for r in ServiceRecord.objects.filter(pk__in=[c["id"] for c in chosen])
        }
        rows = []
        for record, reason in zip(chosen, REVERSALS, strict=False):
            original = originals[record["id"]]
            record["reason"] = reason
            record["reversed_at"] = min(record["at"] + datetime.timedelta(days=2), self.now)
            rows.append(
                (
                    original.person_id,
                    original.activity_id,
                    date_value(original.service_date),
                    original.place_id,
                    original.place_path,
                    original.content,
                    -original.minutes,
                    original.source,
                    original.attendance_id,
                    original.evidence.name,
                    original.recording_organisation,
                    record["staff"].name[:50],
                    record["staff"].user_id,
                    datetime_value(record["reversed_at"]),
                    original.pk,
                    reason,
                )
            )
        RowWriter(ServiceRecord, [*RECORD_COLUMNS, "reverses_id", "reason"]).insert(rows)
        originals_transfers = {
            t.pk: t
            for t in Transfer.objects.filter(pk__in=[transfers.get(c["id"]) for c in chosen])
        }
        reversal_rows = []
        for record in chosen:
            transfer = originals_transfers.get(transfers.get(record["id"]))
            if transfer is None:
                continue
            reversal_rows.append(
                TransferRow(
                    key=f"reversal:{transfer.pk}",
                    kind=Transfer.Kind.REVERSAL,
                    amount=transfer.amount,
                    source_id=transfer.target_id,
                    target_id=transfer.source_id,
                    created_at=record["reversed_at"],
                    created_by_id=record["staff"].user_id,
                    cause=("ledger.transfer", str(transfer.pk)),
                    memo=record["reason"],
                    reverses_id=transfer.pk,
                )
            )
        self.points.write(reversal_rows)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def _pages(model, after: int, size: int = 20000):
    """Querysets of the rows with id above `after`, a page of ids at a time."""
    top = max_id(model)
    for start in range(after, top, size):
        yield model.objects.filter(pk__gt=start, pk__lte=min(start + size, top))
