"""Cultural life in the demo district (`culture`): the partner units of the year's cultural
events and the showcases (精品) the communities picked.

The events are the year's cultural activities (demo.activities). Those in a festival's season
(春节, 三月三, 端午, 中秋, 重阳, 国庆) were put on with one or two of the units registered with
the communities, as are one in five of the others. Showcases: of the events held, the
communities picked reading, festival and mass-culture ones in the article's proportions (23,
56 and 121 at scale 1; at least one of each below it, as many as there are events), each with
a write-up.

Written in bulk; idempotent: partners once an event, showcases once an event."""

import random

from django.db import transaction
from django.utils import timezone

from meihao.activities.models import Activity
from meihao.core.roles import Role
from meihao.culture.models import Partner, Showcase
from meihao.culture.selectors import seasons_between
from meihao.demo.accounts import role_persona
from meihao.people.models import Organisation, User

SHOWCASES = {
    Showcase.Category.READING: 23,
    Showcase.Category.FESTIVAL: 56,
    Showcase.Category.MASS: 121,
}
OTHER_PARTNERED = 0.2
READING_WORDS = ("书", "读", "讲堂", "书画")
WRITE_UPS = {
    Showcase.Category.READING: (
        "社区书香阅读活动，居民和孩子们一起读书、分享，已坚持多期，成为邻里交流的好去处。"
    ),
    Showcase.Category.FESTIVAL: (
        "节日期间与共建单位联合举办，居民踊跃参与，展现了骑楼老城浓浓的节日氛围。"
    ),
    Showcase.Category.MASS: (
        "由社区文艺骨干和志愿者组织，群众自编自演，丰富了居民的精神文化生活。"
    ),
}


class CulturalLife:
    def __init__(self, *, plan, seed: int, scale: float, now=None):
        self.plan = plan
        self.seed = seed
        self.scale = scale
        self.now = now or timezone.now()

    def run(self) -> tuple[int, int]:
        events = list(
            Activity.objects.filter(kind=Activity.Kind.CULTURAL_EVENT)
            .exclude(status=Activity.Status.DRAFT)
            .select_related("place")
            .order_by("starts_at", "pk")
        )
        if not events:
            return 0, 0
        with transaction.atomic():
            written = self._partners(events) + self._showcases(events)
        return written, 0

    def _partners(self, events) -> int:
        units = list(
            Organisation.objects.filter(kind="unit").order_by("pk").values_list("pk", flat=True)
        )
        if not units:
            return 0
        done = set(Partner.objects.values_list("activity_id", flat=True))
        first = timezone.localdate(events[0].starts_at)
        last = timezone.localdate(events[-1].starts_at)
        seasons = seasons_between(first, last)
        rows = []
        for event in events:
            if event.pk in done:
                continue
            rng = random.Random(f"{self.seed}:culture:partners:{event.pk}")
            day = timezone.localdate(event.starts_at)
            festive = any(s.holds(day) for s in seasons)
            if not festive and rng.random() >= OTHER_PARTNERED:
                continue
            for unit in rng.sample(units, min(len(units), rng.randint(1, 2))):
                rows.append(Partner(activity=event, organisation_id=unit))
        Partner.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)

    def _showcases(self, events) -> int:
        if Showcase.objects.filter(is_demo=True).exists():
            return 0
        staff = User.objects.filter(phone=role_persona(Role.DISTRICT_ADMIN).phone).first()
        if staff is None:
            return 0
        held = [e for e in events if e.status == Activity.Status.FINISHED]
        first = timezone.localdate(held[0].starts_at) if held else None
        seasons = seasons_between(first, timezone.localdate(held[-1].starts_at)) if held else []
        festive = [
            e for e in held if any(s.holds(timezone.localdate(e.starts_at)) for s in seasons)
        ]
        reading = [e for e in held if any(w in e.title for w in READING_WORDS) and e not in festive]
        mass = [e for e in held if e not in festive and e not in reading]
        rng = random.Random(f"{self.seed}:culture:showcases")
        rows = []
        for category, pool in (
            (Showcase.Category.READING, reading),
            (Showcase.Category.FESTIVAL, festive),
            (Showcase.Category.MASS, mass),
        ):
            wanted = max(1, round(SHOWCASES[category] * self.scale))
            for event in rng.sample(pool, min(wanted, len(pool))):
                rows.append(
                    Showcase(
                        category=category,
                        title=event.title,
                        write_up=WRITE_UPS[category],
                        activity=event,
                        place=event.place,
                        place_path=event.place_path,
                        created_by=staff,
                        is_demo=True,
                    )
                )
        Showcase.objects.bulk_create(rows)
        return len(rows)
