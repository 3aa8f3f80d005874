"""The demo's dual registration (双报到) this year: units and their in-service party members
registered with communities, the communities' service posts (岗位), and the members' claims —
open, cancelled and confirmed. A confirmed claim has what `dual.services.post_claim_confirm`
writes: the claim's minutes, who confirmed it and when, a volunteer service record whose
source is the confirmed post (the claim is its evidence), and the record's points through the
ledger (`service-record:<id>`).

Written in bulk. Idempotent: registrations by their unique (who, community, year), posts by
(community, year, title), claims by (post, person); records, files and points only for claims
written in this run. A post's `claimed_count` is its live claims, recounted.
"""

import datetime
import random

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from meihao.activities.models import Activity, ServiceRecord
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.plan import Plan
from meihao.demo.points import Points, TransferRow, service_memo
from meihao.demo.residents import Resident, Residents
from meihao.demo.rows import RowWriter, batched, date_value, datetime_value, max_id
from meihao.dual.models import (
    MemberRegistration,
    PostClaim,
    ServicePost,
    UnitRegistration,
)
from meihao.ledger.models import Transfer
from meihao.people.models import Organisation
from meihao.places.models import Level, Place

# (title, expected minutes, places)
POSTS = [
    ("社区文明劝导岗", 120, 8),
    ("关爱独居老人结对帮扶岗", 180, 6),
    ("政策宣讲岗", 120, 4),
    ("垃圾分类督导岗", 120, 10),
    ("矛盾纠纷调解岗", 180, 4),
    ("网格协管岗", 240, 6),
    ("“四点半课堂”辅导岗", 120, 5),
]
POSTS_PER_COMMUNITY = 4
# Units register with two communities each, in turn; the demo community has a few more.
UNITS_PER_COMMUNITY_TURN = 2
DEMO_COMMUNITY_UNITS = 4
# In-service party members (under 60) who registered with their home community this year.
MEMBER_SHARE = 0.7
IN_SERVICE_AGE = 60
CLAIMS = [(0, 25), (1, 50), (2, 25)]  # claims per registered member: (number, weight)
CLAIM_OUTCOMES = [("completed", 60), ("claimed", 30), ("cancelled", 10)]
PARTY_MEMBER_UNIT = data.UNITS[8]  # 万秀区教育局, the demo party member's
# 万秀区住房和城乡建设局, the demo project officer's (demo.projects): he is registered through it.
PROJECT_OFFICER_UNIT = data.UNITS[13]
CONFIRM_NOTES = ["", "", "服务认真，群众反映好", "按时到岗，完成任务", "协助处理邻里纠纷一起"]


class DualRegistration:
    def __init__(self, *, plan: Plan, residents: Residents, points: Points, seed: int, now=None):
        self.plan = plan
        self.residents = residents
        self.points = points
        self.seed = seed
        self.now = now or timezone.now()
        self.year = timezone.localdate(self.now).year
        self.year_start = datetime.datetime(
            self.year, 1, 1, 9, tzinfo=timezone.get_current_timezone()
        )
        self.communities = {
            p.code: p
            for p in Place.objects.filter(
                level=Level.COMMUNITY, code__startswith=plan.district.code
            )
        }
        self.units = list(
            Organisation.objects.filter(
                is_demo=True, kind__in=[Organisation.Kind.UNIT, Organisation.Kind.DEPARTMENT]
            ).order_by("kind", "name")
        )

    def moment(self, rng: random.Random, after: datetime.datetime) -> datetime.datetime:
        """A moment in office hours between `after` and a week ago."""
        latest = self.now - datetime.timedelta(days=7)
        after = min(after, latest - datetime.timedelta(days=1))
        seconds = rng.uniform(0, (latest - after).total_seconds())
        moment = timezone.localtime(after + datetime.timedelta(seconds=seconds))
        return moment.replace(hour=rng.randint(9, 17), minute=rng.randrange(60), microsecond=0)

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            new_units = self._unit_registrations()
            new_members, registrations = self._member_registrations()
            posts = self._posts()
            new_claims, existing_claims = self._claims(registrations, posts)
            self.points.settle()
        return new_units + new_members + new_claims, existing_claims

    # -- registrations -------------------------------------------------------------------------
    def _staff(self, code: str, rng: random.Random):
        return self.residents.organiser(code, rng)

    def _unit_registrations(self) -> int:
        codes = [c.code for c in self.plan.communities]
        wanted = []
        for k, unit in enumerate(self.units):
            for turn in range(UNITS_PER_COMMUNITY_TURN):
                wanted.append((unit, codes[(k * UNITS_PER_COMMUNITY_TURN + turn) % len(codes)]))
        for unit in self.units[:DEMO_COMMUNITY_UNITS]:
            wanted.append((unit, codes[0]))
        # The demo party member's unit, so that he may claim wishes for it (demo.wishes).
        wanted += [(u, codes[0]) for u in self.units if u.name == PARTY_MEMBER_UNIT]
        existing = set(
            UnitRegistration.objects.filter(year=self.year).values_list(
                "organisation_id", "community__code"
            )
        )
        rows = []
        for unit, code in dict.fromkeys(wanted):
            if (unit.pk, code) in existing:
                continue
            rng = random.Random(f"{self.seed}:unit:{unit.name}:{code}:{self.year}")
            stamp = datetime_value(self.moment(rng, self.year_start))
            community = self.communities[code]
            rows.append(
                (
                    unit.pk,
                    community.pk,
                    community.path,
                    self.year,
                    rng.choice("陈李黄梁何林吴莫覃韦") + rng.choice(["主任", "科长", "干事"]),
                    unit.contact_phone or f"0774-38{rng.randrange(10**5):05d}",
                    self._staff(code, rng).user_id,
                    stamp,
                    stamp,
                )
            )
        RowWriter(
            UnitRegistration,
            [
                "organisation_id",
                "community_id",
                "community_path",
                "year",
                "contact_name",
                "contact_phone",
                "registered_by_id",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        return len(rows)

    def _member_registrations(self) -> tuple[int, dict[int, tuple[int, Resident, str]]]:
        """Registered members: {person id: (registration id, resident, community code)}."""
        persona = self.residents.personas.get(Role.PARTY_MEMBER)
        officer = self.residents.accounts.get("project_officer")
        today = timezone.localdate(self.now)
        members = []
        for code in (c.code for c in self.plan.communities):
            for resident in self.residents.with_login(code):
                if not resident.party_member or resident.age_on(today) >= IN_SERVICE_AGE:
                    continue
                rng = random.Random(f"{self.seed}:member:{resident.phone}:{self.year}")
                if resident is persona or resident is officer or rng.random() < MEMBER_SHARE:
                    members.append((resident, code, rng))
        existing = {
            person_id: pk
            for pk, person_id in MemberRegistration.objects.filter(year=self.year).values_list(
                "pk", "person_id"
            )
        }
        rows = []
        for resident, code, rng in members:
            if resident.person_id in existing:
                continue
            unit = self.units[rng.randrange(len(self.units))]
            if resident is persona or resident is officer:
                name = PARTY_MEMBER_UNIT if resident is persona else PROJECT_OFFICER_UNIT
                unit = next(u for u in self.units if u.name == name)
            community = self.communities[code]
            stamp = datetime_value(self.moment(rng, self.year_start))
            rows.append(
                (
                    resident.person_id,
                    unit.pk,
                    community.pk,
                    community.path,
                    self.year,
                    self._staff(code, rng).user_id,
                    stamp,
                    stamp,
                )
            )
        RowWriter(
            MemberRegistration,
            [
                "person_id",
                "unit_id",
                "community_id",
                "community_path",
                "year",
                "registered_by_id",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        ids = dict(MemberRegistration.objects.filter(year=self.year).values_list("person_id", "pk"))
        registered = {
            resident.person_id: (ids[resident.person_id], resident, code)
            for resident, code, _rng in members
            if resident.person_id in ids
        }
        return len(rows), registered

    # -- posts and claims ----------------------------------------------------------------------
    def _posts(self) -> dict[str, list[ServicePost]]:
        existing = set(
            ServicePost.objects.filter(year=self.year).values_list("community__code", "title")
        )
        rows = []
        for community in self.plan.communities:
            rng = random.Random(f"{self.seed}:posts:{community.code}:{self.year}")
            place = self.communities[community.code]
            for title, minutes, slots in rng.sample(POSTS, POSTS_PER_COMMUNITY):
                if (community.code, title) in existing:
                    continue
                stamp = datetime_value(self.moment(rng, self.year_start))
                rows.append(
                    (
                        place.pk,
                        place.path,
                        self.year,
                        title,
                        f"{community.name}面向在职党员发布的{title}，请按时到岗并做好记录。",
                        minutes,
                        slots,
                        self._staff(community.code, rng).user_id,
                        stamp,
                        stamp,
                    )
                )
        RowWriter(
            ServicePost,
            [
                "community_id",
                "community_path",
                "year",
                "title",
                "description",
                "expected_minutes",
                "slots",
                "published_by_id",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        posts: dict[str, list[ServicePost]] = {}
        for post in (
            ServicePost.objects.filter(year=self.year, community__code__in=list(self.communities))
            .select_related("community")
            .order_by("pk")
        ):
            posts.setdefault(post.community.code, []).append(post)
        return posts

    def _claims(self, registrations, posts) -> tuple[int, int]:
        persona = self.residents.personas.get(Role.PARTY_MEMBER)
        existing = set(
            PostClaim.objects.filter(post__year=self.year).values_list("post_id", "person_id")
        )
        taken = {
            row["post_id"]: row["n"]
            for row in PostClaim.objects.filter(post__year=self.year)
            .exclude(status=PostClaim.Status.CANCELLED)
            .values("post_id")
            .annotate(n=Count("id"))
        }
        claims = []
        counts, weights = zip(*CLAIMS, strict=True)
        outcomes, outcome_weights = zip(*CLAIM_OUTCOMES, strict=True)
        for person_id in sorted(registrations):
            registration_id, resident, code = registrations[person_id]
            rng = random.Random(f"{self.seed}:claims:{resident.phone}:{self.year}")
            chosen = rng.sample(posts.get(code, []), min(len(posts.get(code, [])), 2))
            number = 2 if resident is persona else rng.choices(counts, weights)[0]
            for k, post in enumerate(chosen[:number]):
                outcome = rng.choices(outcomes, outcome_weights)[0]
                if resident is persona:
                    outcome = ("completed", "claimed")[k]
                if (post.pk, person_id) in existing:
                    continue
                if outcome != "cancelled":
                    if taken.get(post.pk, 0) >= post.slots:
                        continue
                    taken[post.pk] = taken.get(post.pk, 0) + 1
                claims.append((post, registration_id, resident, outcome, rng))
        records = self._records(claims)
        rows = []
        for post, registration_id, resident, outcome, rng in claims:
            record = records.get((post.pk, resident.person_id))
            claimed_at = self.moment(rng, post.created_at)
            completed_at = record[1] if record else None
            if completed_at and completed_at <= claimed_at:
                claimed_at = completed_at - datetime.timedelta(days=rng.randint(3, 20))
            cancelled_at = (
                claimed_at + datetime.timedelta(days=rng.randint(1, 10))
                if outcome == "cancelled"
                else None
            )
            rows.append(
                (
                    post.pk,
                    registration_id,
                    resident.person_id,
                    post.community_path,
                    outcome if outcome != "completed" or record else "claimed",
                    datetime_value(claimed_at),
                    record[2] if record else None,
                    record[3] if record else "",
                    record[4] if record else None,
                    datetime_value(completed_at) if completed_at else None,
                    datetime_value(cancelled_at) if cancelled_at else None,
                    record[0] if record else None,
                    datetime_value(claimed_at),
                    datetime_value(completed_at or cancelled_at or claimed_at),
                )
            )
        RowWriter(
            PostClaim,
            [
                "post_id",
                "registration_id",
                "person_id",
                "community_path",
                "status",
                "claimed_at",
                "minutes",
                "note",
                "confirmed_by_id",
                "completed_at",
                "cancelled_at",
                "service_record_id",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        self._recount(posts)
        return len(rows), len(existing)

    def _records(self, claims) -> dict[tuple[int, int], tuple]:
        """The service records of the claims confirmed: {(post, person): (record id,
        completed at, minutes, note, confirmed by)}, with their points."""
        confirmed = [c for c in claims if c[3] == "completed"]
        planned = {}
        rows = []
        for post, _registration_id, resident, _outcome, rng in confirmed:
            completed_at = self.moment(rng, post.created_at + datetime.timedelta(days=14))
            minutes = max(30, post.expected_minutes + rng.choice([-30, 0, 0, 0, 30, 60]))
            note = rng.choice(CONFIRM_NOTES)
            staff = self._staff(post.community.code, rng)
            planned[(resident.person_id, post.title)] = (
                post,
                resident,
                completed_at,
                minutes,
                note,
                staff,
            )
            rows.append(
                (
                    resident.person_id,
                    date_value(timezone.localdate(completed_at)),
                    post.community.pk,
                    post.community_path,
                    post.title,
                    minutes,
                    ServiceRecord.Source.CONFIRMED_POST,
                    post.community.name,
                    staff.name[:50],
                    staff.user_id,
                    datetime_value(completed_at),
                )
            )
        if not rows:
            return {}
        after = max_id(ServiceRecord)
        RowWriter(
            ServiceRecord,
            [
                "person_id",
                "service_date",
                "place_id",
                "place_path",
                "content",
                "minutes",
                "source",
                "recording_organisation",
                "person_in_charge",
                "created_by_id",
                "created_at",
            ],
        ).insert(rows)
        ids = {
            (person_id, content): pk
            for pk, person_id, content in ServiceRecord.objects.filter(pk__gt=after).values_list(
                "pk", "person_id", "content"
            )
        }
        accounts = self.points.accounts_of(
            {r.person_id: r.path for _p, r, *_rest in planned.values()}, self.now
        )
        transfers = []
        found = {}
        for key, (post, resident, completed_at, minutes, note, staff) in planned.items():
            record_id = ids[key]
            found[(post.pk, resident.person_id)] = (
                record_id,
                completed_at,
                minutes,
                note,
                staff.user_id,
            )
            amount = self.points.points_for_service(Activity.Kind.VOLUNTEER_SERVICE, minutes)
            if amount > 0:
                transfers.append(
                    TransferRow(
                        key=f"service-record:{record_id}",
                        kind=Transfer.Kind.SERVICE,
                        amount=amount,
                        source_id=self.points.issuer.pk,
                        target_id=accounts[resident.person_id],
                        created_at=completed_at,
                        created_by_id=staff.user_id,
                        cause=("activities.servicerecord", str(record_id)),
                        memo=service_memo(minutes),
                    )
                )
        self.points.write(transfers)
        return found

    def _recount(self, posts):
        live = ~Q(claims__status=PostClaim.Status.CANCELLED) & Q(claims__isnull=False)
        ids = [post.pk for group in posts.values() for post in group]
        for part in batched(ids, 500):
            for pk, n in (
                ServicePost.objects.filter(pk__in=part)
                .annotate(n=Count("claims", filter=live))
                .values_list("pk", "n")
            ):
                ServicePost.objects.filter(pk=pk).exclude(claimed_count=n).update(claimed_count=n)
