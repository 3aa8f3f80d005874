"""Which activities the demo district holds, day by day: a pure plan, no database.

Every activity is a function of its calendar day, so the plan for a day is the same whenever
the seed runs, and an activity's natural key (community, title, start) finds it again: seeding
twice on one day adds nothing, seeding on a later day adds only the days since.

- The year behind: ACTIVITIES_PER_SCALE × scale activities over 365 days (more at weekends),
  each drawn from its own seed (day, slot), so a larger scale only adds slots. Every kind of
  activity, in every community in turn.
- The demo community's red-armband station patrols every Tuesday and Saturday morning at any
  scale: the demo volunteer's own patrol, so that her hours, star and points do not depend on
  the scale the demo runs at.
- The two weeks ahead: every community's weekly programme (two fixed slots a week), published
  and open for sign-up, so that the demo volunteer can sign up today wherever she looks.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from meihao.activities.models import Activity
from meihao.demo import data
from meihao.demo.plan import VOLUNTEER_TEAM_NAMES, PlaceSpec, Plan, history_scale

ACTIVITIES_PER_SCALE = 3000
DAYS = 365
AHEAD_DAYS = 14
WEEKEND_FACTOR = 1.4
WEEKDAY_FACTOR = (7 - 2 * WEEKEND_FACTOR) / 5
PATROL_DAYS = (1, 5)  # Tuesday, Saturday

K = Activity.Kind


@dataclass(frozen=True)
class KindSpec:
    kind: str
    weight: int
    titles: tuple[str, ...]  # "{c}" is the community's name, "{t}" a lecture topic
    description: str
    hours: tuple[float, ...]
    starts: tuple[float, ...]  # local start hours
    capacity: tuple[int, int]
    roles: tuple[tuple[str, int], ...] = ()
    venue: str = "service_centre"  # the community venue's kind
    team: str = ""  # volunteer | red_armband | lecture | squad
    organiser: str = ""  # the organising department's short name
    audience: str = "volunteers"  # volunteers | residents | party
    fill: tuple[float, float] = (0.6, 1.0)
    weekdays_only: bool = False


KINDS = [
    KindSpec(
        K.VOLUNTEER_SERVICE,
        36,
        (
            "{c}“清洁家园”环境卫生整治",
            "{c}关爱独居老人上门探访",
            "{c}文明交通劝导志愿服务",
            "{c}垃圾分类宣传督导",
            "{c}骑楼街区清洁日",
            "{c}助老助餐志愿服务",
            "{c}义务理发进社区",
            "{c}防汛防台巡查",
            "{c}创建文明城市志愿服务",
            "{c}“四点半课堂”志愿辅导",
            "{c}反诈宣传进楼栋",
            "{c}西江河堤清洁行动",
        ),
        "志愿者请提前10分钟到场签到，着红马甲，自备饮用水。",
        (2, 2.5, 3),
        (8.5, 9, 15),
        (10, 24),
        team="volunteer",
        fill=(0.7, 1.1),
    ),
    # Patrols by shift: the day patrols start in the morning or afternoon, the night patrol in
    # the evening (a "night patrol" at 08:30 is what a generator writes, not a community).
    KindSpec(
        K.PATROL_SHIFT,
        12,
        ("{c}红袖章治安巡逻", "{c}消防安全隐患巡查"),
        "佩戴红袖章，两人一组沿辖区主要街巷巡查，发现问题及时上报网格员。",
        (2,),
        (8.5, 15),
        (6, 10),
        venue="party",
        team="red_armband",
        fill=(0.7, 1.0),
    ),
    KindSpec(
        K.PATROL_SHIFT,
        6,
        ("{c}夜间平安巡逻",),
        "佩戴红袖章，两人一组沿辖区主要街巷巡查，发现问题及时上报网格员。",
        (2,),
        (19, 19.5),
        (6, 10),
        venue="party",
        team="red_armband",
        fill=(0.7, 1.0),
    ),
    KindSpec(
        K.JOINT_PATROL,
        5,
        ("{c}警民联防巡逻",),
        "社区民警带队，红袖章队员与群防群治力量共同巡逻。",
        (2,),
        (20,),
        (8, 12),
        venue="party",
        team="red_armband",
        organiser="公安",
        fill=(0.7, 1.0),
    ),
    KindSpec(
        K.LECTURE,
        11,
        ("骑楼讲堂·{t}（{c}）",),
        "骑楼讲堂进社区，欢迎居民报名参加。",
        (1.5,),
        (9.5, 15),
        (30, 60),
        roles=(("引导员", 2), ("签到登记", 1)),
        venue="activity_room",
        team="lecture",
        audience="residents",
        fill=(0.4, 0.9),
    ),
    KindSpec(
        K.CULTURAL_EVENT,
        9,
        (
            "{c}邻里文化节",
            "{c}粤剧票友联谊会",
            "{c}广场舞展演",
            "{c}书画摄影作品展",
            "{c}亲子趣味运动会",
        ),
        "欢迎社区居民携家人参加。",
        (2.5,),
        (9, 19.5),
        (40, 100),
        roles=(("场务志愿者", 4), ("摄影", 1)),
        venue="square",
        team="volunteer",
        audience="residents",
        fill=(0.4, 0.9),
    ),
    # Party members' volunteer service (党员志愿服务) on weekdays. The branches' meetings are
    # the party app's (demo.party_meetings: an activity of kind branch_meeting without its
    # PartyMeeting is seen by nobody); this spec takes the weight, place and weekdays of the
    # generic branch meeting it replaces, so that every other activity draws as it did.
    KindSpec(
        K.VOLUNTEER_SERVICE,
        6,
        (
            "{c}党员先锋志愿服务",
            "{c}在职党员进社区志愿服务",
            "{c}党员责任区清洁行动",
        ),
        "社区党员和报到的在职党员请佩戴党徽参加，服务时长计入志愿服务记录。",
        (2,),
        (9, 15),
        (10, 24),
        venue="party",
        audience="party",
        fill=(0.5, 0.9),
        weekdays_only=True,
    ),
    KindSpec(
        K.LEGAL_EDUCATION,
        6,
        (
            "{c}法律进社区·防范电信诈骗",
            "{c}法律进社区·民法典宣讲",
            "{c}法律进社区·老年人权益保护",
            "{c}法律进社区·婚姻家庭法律常识",
        ),
        "法律顾问现场讲解并解答居民法律问题。",
        (1.5,),
        (9.5, 15),
        (30, 60),
        roles=(("引导员", 2),),
        venue="activity_room",
        organiser="司法",
        audience="residents",
        fill=(0.4, 0.9),
    ),
    KindSpec(
        K.HEALTH_CLINIC,
        7,
        (
            "{c}义诊进社区",
            "{c}免费测血压血糖",
            "{c}中医义诊与健康咨询",
            "{c}老年人免费体检",
        ),
        "医护人员现场义诊，请携带医保卡和既往病历。",
        (3,),
        (8.5,),
        (50, 100),
        roles=(("医护志愿者", 4), ("引导员", 2)),
        venue="party",
        team="squad",
        organiser="卫健",
        audience="residents",
        fill=(0.4, 0.8),
    ),
]
BY_KIND: dict[str, KindSpec] = {}
for _spec in KINDS:
    BY_KIND.setdefault(_spec.kind, _spec)  # a kind's first spec: the day patrol, not the night one
PATROL = BY_KIND[K.PATROL_SHIFT]


@dataclass
class ActivityPlan:
    """One activity as planned. `state`: finished, open (over, not yet finished by its
    organiser), upcoming or cancelled."""

    community: PlaceSpec
    spec: KindSpec
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    roles: list[tuple[str, int]]
    team: tuple[str, str] | None  # (name, place code)
    seed: str
    state: str = "finished"
    # The demo volunteer's own patrol: she signs up to most of them.
    persona_patrol: bool = False
    cancel_reason: str = ""
    min_attendance_share: Decimal = Decimal("0.50")
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def planned_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def key(self) -> tuple[str, str, datetime.datetime]:
        return (self.community.code, self.title, self.starts_at)


def activities_for_scale(scale: float) -> int:
    return round(ACTIVITIES_PER_SCALE * history_scale(scale))


class Planner:
    def __init__(self, *, plan: Plan, seed: int, per_year: int, now: datetime.datetime, zone):
        self.plan = plan
        self.seed = seed
        self.per_year = per_year
        self.now = now
        self.zone = zone
        self.today = now.astimezone(zone).date()
        self.weights = [spec.weight for spec in KINDS]

    def at(self, day: datetime.date, hour: float) -> datetime.datetime:
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=self.zone)
        return start + datetime.timedelta(minutes=round(hour * 60))

    def state(self, community: PlaceSpec, ends_at: datetime.datetime) -> str:
        """Past activities are finished by their organiser within hours; the demo community's
        organisers are behind by up to four days, so its staff always have some to finish."""
        if ends_at > self.now:
            return "upcoming"
        backlog = datetime.timedelta(hours=96 if community is self.demo_community else 20)
        return "open" if self.now - ends_at < backlog else "finished"

    @property
    def demo_community(self) -> PlaceSpec:
        return self.plan.communities[0]

    def activity(self, community, spec, day, rng, *, seed, hours=None, start=None, title=None):
        hours = hours or rng.choice(spec.hours)
        start_hour = start if start is not None else rng.choice(spec.starts)
        starts_at = self.at(day, start_hour)
        ends_at = starts_at + datetime.timedelta(minutes=round(hours * 60))
        if title is None:
            title = rng.choice(spec.titles).format(
                c=community.name, t=rng.choice(data.LECTURE_TOPICS)
            )
        topic = title.split("·", 1)[1].split("（", 1)[0] if spec.team == "lecture" else ""
        return ActivityPlan(
            community=community,
            spec=spec,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=rng.randint(*spec.capacity),
            roles=list(spec.roles),
            team=self.team(spec, community, rng, topic),
            seed=seed,
            state=self.state(community, ends_at),
        )

    def team(self, spec: KindSpec, community: PlaceSpec, rng, topic: str):
        if spec.team == "volunteer":
            label = rng.choice(VOLUNTEER_TEAM_NAMES)
            return (f"{community.name}{label}志愿服务队", community.code)
        if spec.team == "red_armband":
            return (f"{community.name}红袖章服务站", community.code)
        if spec.team == "lecture":
            return (f"骑楼讲堂·{topic}讲师团", self.plan.district.code)
        if spec.team == "squad":
            return (data.SERVICE_SQUADS[2], self.plan.district.code)  # 助医小分队
        return None

    # -- the year behind -----------------------------------------------------------------------
    def year(self) -> list[ActivityPlan]:
        mean = self.per_year / DAYS
        plans = []
        for offset in range(DAYS, 0, -1):
            day = self.today - datetime.timedelta(days=offset)
            factor = WEEKEND_FACTOR if day.weekday() >= 5 else WEEKDAY_FACTOR
            expected = mean * factor
            day_rng = random.Random(f"{self.seed}:activities:{day}")
            count = int(expected) + (day_rng.random() < expected - int(expected))
            for slot in range(count):
                seed = f"{self.seed}:activity:{day}:{slot}"
                rng = random.Random(seed)
                community = rng.choice(self.plan.communities)
                spec = rng.choices(KINDS, self.weights)[0]
                if spec.weekdays_only and day.weekday() >= 5:
                    spec = BY_KIND[K.VOLUNTEER_SERVICE]
                plans.append(self.activity(community, spec, day, rng, seed=seed))
        return plans

    # -- the demo volunteer's patrol -----------------------------------------------------------
    def patrols(self) -> list[ActivityPlan]:
        community = self.demo_community
        plans = []
        for offset in range(-DAYS, AHEAD_DAYS + 1):
            day = self.today + datetime.timedelta(days=offset)
            if day.weekday() not in PATROL_DAYS:
                continue
            seed = f"{self.seed}:patrol:{day}"
            activity = self.activity(
                community,
                PATROL,
                day,
                random.Random(seed),
                seed=seed,
                hours=2.5,
                start=8.5,
                title=f"{community.name}红袖章治安巡逻",
            )
            activity.capacity = 12
            activity.persona_patrol = True
            plans.append(activity)
        return plans

    # -- the two weeks ahead -------------------------------------------------------------------
    def ahead(self) -> list[ActivityPlan]:
        plans = []
        for community in self.plan.communities:
            programme_rng = random.Random(f"{self.seed}:programme:{community.code}")
            slots = [
                (
                    programme_rng.randrange(7),
                    programme_rng.choices(KINDS, self.weights)[0],
                    programme_rng.random(),
                )
                for _ in range(2)
            ]
            for offset in range(1, AHEAD_DAYS + 1):
                day = self.today + datetime.timedelta(days=offset)
                for n, (weekday, spec, _draw) in enumerate(slots):
                    if day.weekday() != weekday:
                        continue
                    if spec.weekdays_only and weekday >= 5:
                        spec = BY_KIND[K.VOLUNTEER_SERVICE]
                    seed = f"{self.seed}:programme:{community.code}:{day}:{n}"
                    plans.append(
                        self.activity(community, spec, day, random.Random(seed), seed=seed)
                    )
        return plans

    def cancelled(self) -> ActivityPlan:
        """A walk along the river in the demo community, called off for a rainstorm warning
        (the demo volunteer had signed up). Planned only while the community has none."""
        community = self.demo_community
        day = self.today + datetime.timedelta(days=3)
        day += datetime.timedelta(days=(6 - day.weekday()) % 7)  # the Sunday after
        seed = f"{self.seed}:cancelled:{day}"
        activity = self.activity(
            community,
            BY_KIND[K.CULTURAL_EVENT],
            day,
            random.Random(seed),
            seed=seed,
            hours=2,
            start=8,
            title=f"{community.name}西江江滨健步行",
        )
        activity.state = "cancelled"
        activity.cancel_reason = "气象台发布暴雨橙色预警，为安全起见活动取消，另行通知。"
        return activity

    def all(self, *, with_cancelled: bool) -> list[ActivityPlan]:
        plans = self.year() + self.patrols() + self.ahead()
        if with_cancelled:
            plans.append(self.cancelled())
        unique = {}
        for activity in plans:
            unique.setdefault(activity.key, activity)
        return sorted(unique.values(), key=lambda a: (a.starts_at, a.community.code, a.title))
