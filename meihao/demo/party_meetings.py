"""The demo's year of party meetings (三会一课 and the rest, `party.meetings`): every branch and
group holds what its meeting types require (`MeetingType`: period, minimum) over the months
since the first of this month a year ago, up to yesterday.

Each meeting is what the party app would have recorded: an activity of kind `branch_meeting`
(finished, at the organisation's place: the community's 党群服务中心, the street's, a unit's
meeting room; 14:30–16:00 on a weekday), the members it called (`party.meetings.
expected_people`: the committee for a 支部委员会, the group's members for a 党小组会, the
branch's otherwise; those who had joined by then) signed up and, for most, checked in — by QR
code, some working away (流动党员) online — and checked out when it was finished; a
`PartyMeeting` with its agenda, expected / present / quorate as finishing computes them, the
minutes and resolutions approved by the secretary within days, the lecturer of a 党课 (the
secretary at least once a year), and the reasons of about half of the absences. Members working
away mostly miss their home branch's meetings; those who take part with another branch
(`away_host`) are signed up at its meetings and attend most.

About one branch in eight is short: it skipped a month's 支部委员会 or 主题党日 around the Spring
Festival (January or February, and sometimes another month), a quarter's 支部党员大会, held a
meeting without its quorum (approved, not counted), or its secretary taught no 党课 all year.

The obligations' tallies are then rebuilt from the counted meetings (`party.meetings.
tallies_rebuild`, over `core.obligations.tally_rebuild`): per type and period, and the lectures
the organisation's secretary taught per year, with the years' periods met — what approving each
meeting's minutes (`minutes_approve`) would have added.

The demo branch secretary's branch (demo.party: the demo community's first branch) is never
short, and has work waiting: the latest 支部委员会 (this month's, or last month's on the first
days of a month) finished with its minutes written but not approved, and its next 主题党日 in two
to four days, published, its members signed up.

Written in bulk. Idempotent: a period of a type in which the organisation has a meeting is left
alone (a period still under way gets its meeting once its day has passed); the secretary's
meeting awaiting approval and the upcoming one only while the branch has none.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from meihao.activities.attendance import credited_minutes
from meihao.activities.models import Activity, Attendance, SignUp
from meihao.core.obligations import period_end, period_start, periods_between
from meihao.core.roles import Role
from meihao.demo.accounts import PERSONAS, persona_of
from meihao.demo.history import while_awake
from meihao.demo.party import FIRST
from meihao.demo.plan import Plan
from meihao.demo.rows import RowWriter, datetime_value, max_id
from meihao.party.meetings import GUEST_PLACES, tallies_rebuild
from meihao.party.models import (
    MeetingAbsence,
    MeetingType,
    PartyMeeting,
    PartyMember,
    PartyOrg,
    PartyPost,
)
from meihao.people.models import Person, RoleAssignment
from meihao.places.models import Venue

Level = PartyOrg.Level
Quorum = MeetingType.Quorum

START_HOURS = (14.5, 15, 15.5, 16)
MINUTES = {  # how long each type runs, in minutes
    "committee": (60, 75, 90),
    "group": (60, 75, 90),
    "general": (90, 105, 120),
    "lecture": (90, 105, 120),
    "theme_day": (90, 105, 120),
    "life": (120,),
    "review": (90, 105, 120),
}
DEFAULT_MINUTES = (60, 90, 120)
# Who comes: of the members called, at home, this share (drawn per meeting).
ATTENDANCE = (0.80, 0.95)
COMMITTEE_ATTENDANCE = (0.85, 1.0)
PERSONA_ATTENDS = 0.95  # the demo party member
# Members working away: at home, a few join the livestream; at the branch they take part
# with (away_host), most do.
AWAY_ONLINE = 0.15
HOSTED_ATTEND = 0.6
LATE = 0.04
REASONED = 0.45  # absences with a recorded reason
AWAY_REASONED = 0.7
ABSENCE_REASONS = ("出差", "生病住院", "照顾家人", "出差", "生病住院", "照顾家人", "身体不适")
AWAY_REASON = "外出务工"
SHORT_SHARE = 0.12  # of the branches
SECRETARY_LECTURES = 0.35  # of the other 党课, taught by the secretary too
ONLINE_URL = "https://meeting.tencent.com/dm/{number}"

# -- what is said ----------------------------------------------------------------------------------

STUDIES = [
    "上级党组织近期会议和文件精神",
    "《中国共产党支部工作条例（试行）》",
    "《中国共产党章程》总纲",
    "习近平总书记关于基层治理的重要论述",
    "《中国共产党纪律处分条例》有关条款",
    "全区基层党建工作推进会精神",
    "街道党工委关于党建引领基层治理的工作部署",
    "《中国共产党党员教育管理工作条例》",
    "市委关于作风建设的有关要求",
    "《中国共产党廉洁自律准则》",
    "上级关于做好流动党员管理服务的通知",
]
# (what was discussed, what was decided)
COMMUNITY_ISSUES = [
    ("困难党员和困难群众走访慰问名单", "确定走访慰问对象，由支委分片包干，月底前完成走访"),
    ("党费收缴情况", "按时足额收缴党费，对未按时交纳的党员由党小组长提醒"),
    ("发展党员工作", "确定入党积极分子的培养联系人，严格按程序做好发展党员工作"),
    ("流动党员联系管理", "由组织委员每月与流动党员联系一次，及时推送学习资料"),
    ("网格内独居老人关爱服务", "党员结对联系独居老人，每周至少上门或电话问候一次"),
    ("“双报到”在职党员认领服务岗位情况", "将社区需求清单推送给在职党员，督促认领并按时服务"),
    ("汛期防汛值守安排", "汛期由支委轮流带班值守，党员志愿者参加沿江巡查"),
    ("老旧小区改造居民意见征集", "组织党员入户征求意见，汇总后报社区党委"),
    ("党员积分管理", "按季度公示党员积分，积分情况作为评先评优的依据"),
    ("电动车充电棚建设的居民意见", "由党员骨干牵头召开楼栋议事会，形成方案报社区居委会"),
    ("辖区消防安全隐患排查", "组织党员志愿者配合网格员排查出租屋和沿街商铺消防隐患"),
    ("本月主题党日活动安排", "主题党日由组织委员牵头筹备，各党小组分工落实"),
]
# A temporary branch's on a project site (demo.projects).
PROJECT_ISSUES = [
    ("本月入户签约推进情况", "支委分片包干，对未签约户逐户分析原因，一户一策做好思想工作"),
    ("困难家庭过渡安置", "由社区党委书记牵头，为困难家庭协调过渡房源，搬家当天组织党员帮忙"),
    ("群众反映的补偿政策疑问", "整理常见问题，由项目专员在政策咨询点统一解答并张贴公示"),
    ("已搬迁房屋的安全管理", "对已腾空房屋及时封门断电，党员轮流带班夜间巡查"),
    ("党员先锋岗履职情况", "各先锋岗党员每周报告包干户进展，支部每月通报"),
    ("拆除施工扰民问题", "督促施工单位错峰作业、洒水降尘，每周听取周边居民意见"),
    ("回迁安置房选房准备", "提前公布选房规则和顺序，接受群众监督"),
]
OFFICE_ISSUES = [
    ("本单位党风廉政建设工作", "对照廉政风险点逐项自查，月底前形成自查报告"),
    ("在职党员到社区报到服务情况", "督促在职党员按时到居住地社区报到，每季度至少服务两次"),
    ("机关作风建设", "开展“马上就办”作风整治，公开服务承诺"),
    ("党费收缴情况", "按时足额收缴党费，由组织委员每月通报"),
    ("发展党员工作", "确定入党积极分子的培养联系人，严格按程序做好发展党员工作"),
    ("年度党建工作要点落实情况", "对未完成的事项明确责任人和完成时限"),
    ("结对共建社区的服务项目", "与结对社区共同办好一件民生实事，由支部书记牵头"),
    ("本月主题党日活动安排", "主题党日由组织委员牵头筹备，全体党员参加"),
]
# 主题党日 by month: (theme, what was done).
THEME_DAYS = {
    1: ("新春走访慰问", "分组走访慰问困难党员、老党员，送去慰问品和新春祝福"),
    2: ("春节期间安全巡查", "开展春节期间消防安全巡查，提醒商户和居民规范用火用电"),
    3: ("学雷锋志愿服务", "开展学雷锋志愿服务，为居民义务理发、测血压、清洁家园"),
    4: ("清明祭英烈", "到烈士陵园开展清明祭扫，缅怀革命先烈"),
    5: ("防汛备汛宣传", "入户宣传防汛知识，排查低洼地带和危旧房屋"),
    6: ("重温入党誓词", "面向党旗重温入党誓词，开展党史学习交流"),
    7: ("庆祝建党节", "庆祝中国共产党成立纪念日，为老党员颁发“光荣在党50年”纪念章"),
    8: ("“八一”走访慰问退役军人", "走访慰问辖区退役军人和军属"),
    9: ("全民国防教育日宣传", "观看国防教育专题片，开展国防教育宣传"),
    10: ("爱国主义教育", "观看爱国主义教育影片，交流观后感"),
    11: ("消防宣传月", "开展消防安全宣传和出租屋消防隐患排查"),
    12: ("国家宪法日学法用法", "集中学习宪法，开展普法宣传进楼栋"),
}
LECTURES = [
    "学习党章，做合格党员",
    "弘扬伟大建党精神",
    "以党建引领基层治理",
    "严守党的纪律，筑牢廉洁防线",
    "践行全心全意为人民服务的根本宗旨",
    "传承红色基因，赓续红色血脉",
    "做好新时代群众工作",
    "从梧州革命史看初心使命",
]
GENERAL = {  # 支部党员大会 by quarter: (agenda, what was said, decided)
    1: (
        "2. 通报上年度支部工作和本年度工作计划；3. 讨论年度党建工作要点",
        "支部书记通报了上年度支部工作和本年度工作计划，党员们对年度党建工作要点逐条讨论",
        "通过本年度支部党建工作要点，分解落实到各党小组",
    ),
    2: (
        "2. 通报上半年支部工作；3. 讨论入党积极分子推荐人选",
        "会议通报了上半年支部工作，党员们对入党积极分子推荐人选进行了讨论并举手表决",
        "同意将推荐人选列为入党积极分子，明确培养联系人",
    ),
    3: (
        "2. 听取党员参加志愿服务情况汇报；3. 讨论党员联系服务群众工作",
        "党员们汇报了参加志愿服务的情况，交流了联系服务群众的做法并提出建议",
        "每名党员联系五户群众，每月至少走访一次并记录",
    ),
    4: (
        "2. 通报全年工作完成情况；3. 部署民主评议党员和组织生活会准备工作",
        "会议通报了全年工作完成情况，部署了民主评议党员和组织生活会的准备工作",
        "开展谈心谈话和征求意见，为组织生活会做好准备",
    ),
}


@dataclass
class Org:
    """A branch or group as the stage needs it."""

    pk: int
    name: str
    key: str  # its parent's name and its own: stable across databases
    level: str
    path: str
    place_id: int
    place_path: str
    branch: int  # its branch (a branch: itself)
    community: bool = False  # a community's (else a street's or a unit's: an office's)
    # A temporary branch (临时党支部, demo.projects) from its first day: its members keep their
    # home branches, so it holds the meetings that call its committee.
    temporary: bool = False
    starts_on: datetime.date | None = None
    members: list[int] = field(default_factory=list)
    committee: list[int] = field(default_factory=list)
    secretary: int | None = None  # of its branch
    leader: int | None = None  # a group's
    hosted: list[int] = field(default_factory=list)  # members away who take part here
    venue: tuple = ("", "", None, None)  # name, address, lat, lon
    creator: int | None = None  # user
    approver: int | None = None  # user
    short: str = ""  # how it falls short: one of FLAWS
    flaw: dict = field(default_factory=dict)


@dataclass
class MeetingPlan:
    org: Org
    meeting_type: MeetingType
    day: datetime.date
    rng: random.Random
    state: str = "finished"  # finished | pending (minutes not approved) | upcoming
    quorate: bool = True
    lecturer: int | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    online_url: str = ""
    # Filled when written.
    called: list[int] = field(default_factory=list)
    came: dict[int, str] = field(default_factory=dict)  # person: check-in method
    guests: list[int] = field(default_factory=list)
    guests_came: set[int] = field(default_factory=set)
    absences: dict[int, str] = field(default_factory=dict)


FLAWS = ("missed_month", "inquorate", "missed_quarter", "no_lecture")


# The fixed-date public holidays (元旦, 劳动节, 国庆节), when no branch meets.
HOLIDAYS = {(1, 1), *((5, d) for d in range(1, 6)), *((10, d) for d in range(1, 8))}


def weekdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The working days of [first, last]: weekdays but the fixed-date holidays."""
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


class PartyMeetings:
    def __init__(self, *, plan: Plan, seed: int, now=None, temporary: bool = False):
        """`temporary`: the temporary branches' meetings (demo.projects), from their first day:
        the types such a branch owes (`MeetingType.owed_by_temporary`: its committee's)."""
        self.plan = plan
        self.seed = seed
        self.temporary = temporary
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now)
        # The first of this month a year ago: whole months behind.
        self.first = datetime.date(self.today.year - 1, self.today.month, 1)
        self.yesterday = self.today - datetime.timedelta(days=1)

    def run(self) -> tuple[int, int]:
        orgs = self._orgs()
        if not orgs:
            return 0, 0
        types = list(MeetingType.objects.filter(is_active=True))
        if self.temporary:
            types = [t for t in types if t.owed_by_temporary]
        held = list(
            PartyMeeting.objects.filter(org_id__in=[o.pk for o in orgs]).values_list(
                "org_id", "meeting_type_id", "held_on", "meeting_type__period"
            )
        )
        taken = {
            (org_id, type_id, period_start(period, day)) for org_id, type_id, day, period in held
        }
        if not self.temporary:
            self._shortfalls(orgs)
        plans = self._demo_branch(types, taken)
        for org in orgs:
            for meeting_type in types:
                if meeting_type.level == org.level:
                    plans += self._regular(org, meeting_type, taken)
        with transaction.atomic():
            self._write(plans)
            if plans:
                self._rebuild_tallies()
        return len(plans), len(held)

    # -- who and where -------------------------------------------------------------------------
    def _orgs(self) -> list[Org]:
        rows = list(
            PartyOrg.objects.filter(
                level__in=[Level.BRANCH, Level.GROUP], temporary=self.temporary, is_demo=True
            )
            .select_related("parent", "place", "unit")
            .order_by("path")
        )
        if not rows:
            return []
        orgs = {}
        for row in rows:
            parent = row.parent.name if row.parent else ""
            branch = row.parent_id if row.level == Level.GROUP else row.pk
            orgs[row.pk] = Org(
                row.pk,
                row.name,
                f"{parent}/{row.name}",
                row.level,
                row.path,
                row.place_id,
                row.place_path,
                branch,
                community=row.place.level == "community",
                temporary=row.temporary,
                starts_on=row.starts_on,
            )
            orgs[row.pk].venue = self._venue(row)
        self.joined: dict[int, datetime.date | None] = {}
        self.away_since: dict[int, datetime.date] = {}
        for person_id, branch_id, group_id, joined, away, since, host_id in (
            PartyMember.objects.filter(branch_id__in=list(orgs))
            .order_by("person_id")
            .values_list(
                "person_id",
                "branch_id",
                "group_id",
                "joined_party_on",
                "away",
                "away_since",
                "away_host_id",
            )
        ):
            self.joined[person_id] = joined
            orgs[branch_id].members.append(person_id)
            if group_id in orgs:
                orgs[group_id].members.append(person_id)
            if away:
                self.away_since[person_id] = since or self.first
                if host_id in orgs:
                    orgs[host_id].hosted.append(person_id)
        posts = PartyPost.objects.filter(org_id__in=list(orgs)).order_by("org_id", "person_id")
        for org_id, person_id, post in posts.values_list("org_id", "person_id", "post"):
            org = orgs[org_id]
            org.committee.append(person_id)
            if post == PartyPost.Post.SECRETARY:
                org.secretary = person_id
            elif post == PartyPost.Post.GROUP_LEADER:
                org.leader = person_id
        for org in orgs.values():
            if org.level == Level.GROUP:
                org.secretary = orgs[org.branch].secretary
            if org.temporary:
                org.members = list(org.committee)
        people = {p for o in orgs.values() for p in (o.secretary, o.leader) if p}
        people |= {p for o in orgs.values() for p in o.members}
        self.users = dict(
            Person.objects.filter(pk__in=people, user__isnull=False).values_list("pk", "user_id")
        )
        self.names = dict(
            Person.objects.filter(
                pk__in={p for o in orgs.values() for p in o.committee}
            ).values_list("pk", "real_name")
        )
        staff = self._staff(rows)
        found = []
        for org in orgs.values():
            fallback = staff.get(org.branch)
            secretary = self.users.get(org.secretary)
            leader = self.users.get(org.leader)
            org.approver = secretary or fallback
            org.creator = leader or secretary or fallback
            if org.members and org.creator and org.approver:
                found.append(org)
        self.orgs = {o.pk: o for o in found}
        return found

    def _venue(self, org: PartyOrg) -> tuple:
        place = org.place
        if org.temporary:  # on site: the project's headquarters (项目现场指挥部)
            site = org.name.removesuffix("临时党支部")
            return (f"{site}项目现场指挥部", "", place.centroid_lat, place.centroid_lon)
        if org.unit_id:
            return (
                f"{org.unit.name}会议室",
                org.unit.address,
                place.centroid_lat,
                place.centroid_lon,
            )
        if place.level == "community":
            if not hasattr(self, "_party_venues"):
                self._party_venues = {
                    v.place_id: v
                    for v in Venue.objects.filter(kind=Venue.Kind.PARTY).order_by("pk")
                }
            venue = self._party_venues.get(place.pk)
            if venue is not None:
                return (venue.name, venue.address, venue.lat, venue.lon)
        return (
            f"{place.name}党群服务中心",
            f"梧州市{self.plan.district.name}{place.name}" if place.level == "street" else "",
            place.centroid_lat,
            place.centroid_lon,
        )

    def _staff(self, rows: list[PartyOrg]) -> dict[int, int]:
        """A user of the office each branch belongs to, who records its meetings when its
        secretary has no log-in: the community's staff, the street's chief, the unit's staff,
        else the district's administrator."""
        by_place: dict[int, list[int]] = {}
        by_unit: dict[int, list[int]] = {}
        admins: list[int] = []
        for role, place_id, organisation_id, user_id in (
            RoleAssignment.objects.filter(
                role__in=[
                    Role.COMMUNITY_STAFF,
                    Role.STREET_CHIEF,
                    Role.DEPARTMENT_STAFF,
                    Role.DISTRICT_ADMIN,
                ]
            )
            .order_by("user_id")
            .values_list("role", "place_id", "organisation_id", "user_id")
        ):
            if role == Role.DEPARTMENT_STAFF and organisation_id:
                by_unit.setdefault(organisation_id, []).append(user_id)
            elif role == Role.DISTRICT_ADMIN:
                admins.append(user_id)
            elif place_id:
                by_place.setdefault(place_id, []).append(user_id)
        staff = {}
        for row in rows:
            if row.level != Level.BRANCH:
                continue
            users = (by_unit.get(row.unit_id) if row.unit_id else None) or by_place.get(
                row.place_id
            )
            users = users or admins
            if users:
                staff[row.pk] = users[0]
        return staff

    # -- which meetings ------------------------------------------------------------------------
    def _shortfalls(self, orgs: list[Org]):
        """About one branch in eight falls short in one way (FLAWS, in turn); the demo branch
        secretary's never."""
        demo = self._demo_branch_id()
        branches = sorted(
            (o for o in orgs if o.level == Level.BRANCH and o.pk != demo), key=lambda o: o.key
        )
        rng = random.Random(f"{self.seed}:meetings:short")
        chosen = rng.sample(branches, round(SHORT_SHARE * len(branches)))
        for k, org in enumerate(sorted(chosen, key=lambda o: o.key)):
            org.short = FLAWS[k % len(FLAWS)]
            org_rng = random.Random(f"{self.seed}:meetings:short:{org.key}")
            if org.short == "missed_month":
                # Around the Spring Festival (the first such branch in January), and for some
                # another month too.
                months = {1 if k == 0 else org_rng.choice((1, 2))}
                if org_rng.random() < 0.5:
                    months.add(org_rng.randint(3, 12))
                org.flaw = {"type": org_rng.choice(("committee", "theme_day")), "months": months}
            elif org.short == "inquorate":
                if org_rng.random() < 0.5:
                    org.flaw = {
                        "type": "committee",
                        "month": 1 if k == 1 else org_rng.randint(1, 12),
                    }
                else:
                    org.flaw = {"type": "general", "quarter": org_rng.randint(1, 4)}
            elif org.short == "missed_quarter":
                org.flaw = {"type": "general", "quarter": org_rng.randint(1, 4)}

    def _skipped(self, org: Org, meeting_type: MeetingType, start: datetime.date) -> bool:
        flaw = org.flaw
        if not flaw or flaw["type"] != meeting_type.code:
            return False
        if org.short == "missed_month":
            return start.month in flaw["months"]
        if org.short == "missed_quarter":
            return (start.month - 1) // 3 + 1 == flaw["quarter"]
        return False

    def _inquorate(self, org: Org, meeting_type: MeetingType, start: datetime.date) -> bool:
        flaw = org.flaw
        if org.short != "inquorate" or flaw["type"] != meeting_type.code:
            return False
        if "month" in flaw:
            return start.month == flaw["month"]
        return (start.month - 1) // 3 + 1 == flaw["quarter"]

    def _regular(self, org: Org, meeting_type: MeetingType, taken: set) -> list[MeetingPlan]:
        """One meeting per period (its minimum) from the first month on: on a weekday of the
        period drawn from the period's own seed; a period under way has its meeting once that
        day has passed."""
        plans = []
        first = max(self.first, org.starts_on) if org.starts_on else self.first
        for start in periods_between(meeting_type.period, first, self.yesterday):
            if (org.pk, meeting_type.pk, start) in taken or self._skipped(org, meeting_type, start):
                continue
            end = period_end(meeting_type.period, start)
            rng = random.Random(f"{self.seed}:meeting:{org.key}:{meeting_type.code}:{start}")
            if end >= self.today:
                days = weekdays(max(start, first), end)
            else:
                days = weekdays(max(start, first), end)
            for _n in range(meeting_type.minimum):
                if not days:
                    break
                day = rng.choice(days)
                if day >= self.today:
                    continue
                plan = MeetingPlan(org, meeting_type, day, rng)
                plan.quorate = not self._inquorate(org, meeting_type, start)
                plans.append(plan)
        return plans

    # -- the demo branch secretary's -----------------------------------------------------------
    def _demo_branch_id(self) -> int | None:
        if not hasattr(self, "_demo_id"):
            phone = persona_of("branch_secretary").phone
            self._demo_id = (
                PartyPost.objects.filter(
                    person__user__phone=phone,
                    post=PartyPost.Post.SECRETARY,
                    org__level=Level.BRANCH,
                    org__name__endswith=FIRST,
                )
                .values_list("org_id", flat=True)
                .first()
            )
        return self._demo_id

    def _demo_branch(self, types: list[MeetingType], taken: set) -> list[MeetingPlan]:
        """The secretary's work at home: the latest 支部委员会 awaiting her approval, the next
        主题党日 in a few days. Each takes its period's place of the regular meeting."""
        org = self.orgs.get(self._demo_branch_id())
        by_code = {t.code: t for t in types if t.level == Level.BRANCH}
        if org is None:
            return []
        plans = []
        meetings = PartyMeeting.objects.filter(org_id=org.pk)
        committee = by_code.get("committee")
        waiting = meetings.filter(
            activity__status=Activity.Status.FINISHED, approved_at__isnull=True
        ).exists()
        if committee is not None and not waiting:
            day = self.yesterday
            while day.weekday() >= 5:
                day -= datetime.timedelta(days=1)
            start = period_start(committee.period, day)
            if (org.pk, committee.pk, start) not in taken:
                rng = random.Random(f"{self.seed}:meeting:{org.key}:committee:waiting:{day}")
                plans.append(MeetingPlan(org, committee, day, rng, state="pending"))
                taken.add((org.pk, committee.pk, start))
        theme_day = by_code.get("theme_day")
        upcoming = meetings.filter(
            activity__status=Activity.Status.PUBLISHED, activity__starts_at__gt=self.now
        ).exists()
        if theme_day is not None and not upcoming:
            day = self.today + datetime.timedelta(days=2)
            while day.weekday() >= 5:
                day += datetime.timedelta(days=1)
            start = period_start(theme_day.period, day)
            if (org.pk, theme_day.pk, start) not in taken:
                rng = random.Random(f"{self.seed}:meeting:{org.key}:theme_day:next:{day}")
                plan = MeetingPlan(org, theme_day, day, rng, state="upcoming")
                plans.append(plan)
                taken.add((org.pk, theme_day.pk, start))
                # The month before it is over: its own 主题党日 was held before today.
                current = period_start(theme_day.period, self.today)
                if start != current and (org.pk, theme_day.pk, current) not in taken:
                    days = weekdays(current, self.yesterday)
                    if days:
                        seed = f"{self.seed}:meeting:{org.key}:theme_day:{current}"
                        rng = random.Random(seed)
                        plans.append(MeetingPlan(org, theme_day, rng.choice(days), rng))
                        taken.add((org.pk, theme_day.pk, current))
        return plans

    # -- what happened -------------------------------------------------------------------------
    def _schedule(self, plan: MeetingPlan):
        rng = plan.rng
        code = plan.meeting_type.code
        start = rng.choice(START_HOURS) if plan.state != "upcoming" else 15
        minutes = rng.choice(MINUTES.get(code, DEFAULT_MINUTES))
        plan.starts_at = datetime.datetime.combine(
            plan.day, datetime.time(), tzinfo=self.zone
        ) + datetime.timedelta(minutes=round(start * 60))
        plan.ends_at = plan.starts_at + datetime.timedelta(minutes=minutes)

    def _called(self, plan: MeetingPlan) -> list[int]:
        """`expected_people` as it was on the day: those who had joined by then."""
        org, meeting_type = plan.org, plan.meeting_type
        pool = org.committee if meeting_type.quorum == Quorum.COMMITTEE else org.members
        return [p for p in pool if self.joined.get(p) is None or self.joined[p] <= plan.day]

    def _away(self, person_id: int, day: datetime.date) -> bool:
        since = self.away_since.get(person_id)
        return since is not None and since <= day

    def _attendance(self, plan: MeetingPlan):
        rng = plan.rng
        org, meeting_type = plan.org, plan.meeting_type
        plan.called = self._called(plan)
        away = [p for p in plan.called if self._away(p, plan.day)]
        plan.guests = (
            [p for p in org.hosted if p not in plan.called and self._away(p, plan.day)]
            if meeting_type.quorum != Quorum.COMMITTEE and org.level == Level.BRANCH
            else []
        )
        if away or plan.guests:
            plan.online_url = ONLINE_URL.format(number=rng.randrange(10**9, 10**10))
        if plan.state == "upcoming":
            return
        share = rng.uniform(
            *(COMMITTEE_ATTENDANCE if meeting_type.quorum == Quorum.COMMITTEE else ATTENDANCE)
        )
        chair = org.leader if org.level == Level.GROUP else org.secretary
        persona = self.party_member
        for person in plan.called:
            if self._away(person, plan.day):
                if plan.online_url and rng.random() < AWAY_ONLINE:
                    plan.came[person] = Attendance.CheckInMethod.ONLINE
            elif person == chair or rng.random() < (
                PERSONA_ATTENDS if person == persona else share
            ):
                plan.came[person] = Attendance.CheckInMethod.QR
        expected = len(plan.called)
        absent = [p for p in plan.called if p not in plan.came]
        rng.shuffle(absent)
        at_home = [p for p in absent if not self._away(p, plan.day)]
        needed = 1 if meeting_type.quorum == Quorum.NONE else expected // 2 + 1
        if plan.quorate:
            for person in at_home + [p for p in absent if p not in at_home]:
                if len(plan.came) >= needed:
                    break
                online = self._away(person, plan.day) and plan.online_url
                method = Attendance.CheckInMethod.ONLINE if online else Attendance.CheckInMethod.QR
                plan.came[person] = method
            plan.quorate = _quorate(meeting_type, expected, len(plan.came))
        else:
            # Not its quorum: at most half came.
            keep = max(1, expected // 2) if expected > 1 else 0
            came = sorted(plan.came, key=lambda p: (p != chair, p))
            for person in came[keep:]:
                del plan.came[person]
            plan.quorate = _quorate(meeting_type, expected, len(plan.came))
        for person in plan.called:
            if person in plan.came:
                continue
            if self._away(person, plan.day):
                if rng.random() < AWAY_REASONED:
                    plan.absences[person] = AWAY_REASON
            elif rng.random() < REASONED:
                plan.absences[person] = rng.choice(ABSENCE_REASONS)
        plan.guests_came = {p for p in plan.guests if rng.random() < HOSTED_ATTEND}

    def _lecturers(self, plans: list[MeetingPlan]):
        """党课: the secretary teaches one a year (a quarter drawn per year; never, at the
        branches whose secretary did not), sometimes more; a committee member the others, or a
        lecturer from outside (none recorded)."""
        for plan in plans:
            if not plan.meeting_type.secretary_teaches_yearly:
                continue
            org = plan.org
            year_rng = random.Random(f"{self.seed}:lecture:{org.key}:{plan.day.year}")
            quarter = year_rng.randint(1, 4)
            teaches = (plan.day.month - 1) // 3 + 1 == quarter or (
                plan.rng.random() < SECRETARY_LECTURES
            )
            others = [p for p in org.committee if p != org.secretary]
            if org.short == "no_lecture":
                teaches = False
            if teaches and org.secretary:
                plan.lecturer = org.secretary
            elif others and plan.rng.random() < 0.8:
                plan.lecturer = plan.rng.choice(others)

    # -- the words ----------------------------------------------------------------------------
    def _texts(self, plan: MeetingPlan) -> tuple[str, str, str, str]:
        """(title, agenda, minutes, resolutions)."""
        rng = random.Random(f"{plan.rng.random()}:texts")
        org, meeting_type, day = plan.org, plan.meeting_type, plan.day
        code = meeting_type.code
        title = f"{org.name}{meeting_type.name_zh}"
        study = rng.choice(STUDIES)
        issues = COMMUNITY_ISSUES if org.community else OFFICE_ISSUES
        if org.temporary:
            issues = PROJECT_ISSUES
        issue, decided = rng.choice(issues)
        chair_id = org.leader if org.level == Level.GROUP else org.secretary
        chair = self.names.get(chair_id, "")
        if code == "committee":
            agenda = f"1. 传达学习{study}；2. 研究本月支部工作安排；3. 讨论{issue}。"
            body = f"会议传达学习了{study}。会议讨论了{issue}，支委们结合分管工作逐一发言。"
            resolution = f"1. {decided}；2. 本月支部工作按分工抓好落实，下次支委会通报进展。"
        elif code == "theme_day":
            theme, done = THEME_DAYS[day.month]
            title = f"{title}：{theme}"
            agenda = f"1. 学习{study}；2. {theme}主题活动；3. 交流心得体会。"
            body = f"会议学习了{study}。随后{done}。党员们交流了参加活动的体会。"
            resolution = f"1. 将本次活动情况在支部宣传栏和微信群公示；2. {decided}。"
        elif code == "lecture":
            topic = rng.choice(LECTURES)
            title = f"{title}：{topic}"
            lecturer = self.names.get(plan.lecturer, "")
            who = f"由{lecturer}同志讲授" if lecturer else "邀请区委党校教师讲授"
            agenda = f"专题党课《{topic}》，{who}；党员交流学习体会。"
            body = (
                f"本次党课{who}，题目为《{topic}》。授课结合{study}，联系本支部实际，"
                "讲述了党员在基层治理中发挥先锋模范作用的事例。党员们交流了学习体会。"
            )
            resolution = "1. 党员撰写学习心得，下次党小组会上交流；2. 课件在支部微信群共享。"
        elif code == "general":
            items, said, decided = GENERAL[(day.month - 1) // 3 + 1]
            agenda = f"1. 学习{study}；{items}。"
            body = f"会议学习了{study}。{said}。"
            resolution = f"1. {decided}；2. 会议精神由各党小组传达到每名党员。"
        elif code == "life":
            agenda = (
                "1. 通报上次组织生活会整改落实情况；2. 支部书记代表支委作对照检查；"
                "3. 党员开展批评和自我批评。"
            )
            body = (
                "会前支委广泛征求了党员群众意见并开展谈心谈话。会上支部书记代表支委作对照检查，"
                "党员逐一发言，开展了批评和自我批评，提出意见建议。"
            )
            resolution = "1. 形成整改清单，明确责任人和时限；2. 整改情况在下次组织生活会上通报。"
        elif code == "review":
            agenda = "1. 党员个人述职；2. 党员互评；3. 民主测评，评定等次。"
            body = (
                "党员逐一对照党员标准作个人述职，开展互评，进行民主测评。"
                f"共评议党员{len(plan.called)}名。"
            )
            resolution = "1. 评议结果报上级党组织；2. 对评议中提出的问题，由本人制定改进措施。"
        else:  # 党小组会 and any other
            agenda = f"1. 学习{study}；2. 组员汇报联系群众情况；3. 交流学习体会。"
            body = f"会议学习了{study}。组员逐一汇报了联系群众和参加志愿服务的情况。"
            resolution = f"1. {decided}；2. 组员本月至少参加一次社区志愿服务。"
        if plan.state == "upcoming":
            return title, agenda, "", ""
        present = len(plan.came)
        opening = f"会议由{chair}同志主持。" if chair else ""
        opening += f"应到{len(plan.called)}人，实到{present}人"
        if meeting_type.quorum != Quorum.NONE:
            opening += "，超过半数，符合规定。" if plan.quorate else "，未超过半数。"
        else:
            opening += "。"
        if not plan.quorate:
            body += "因到会人数未超过半数，会议所作决定待下次会议重新审议。"
        return title, agenda, opening + body, resolution

    # -- writing ------------------------------------------------------------------------------
    def _write(self, plans: list[MeetingPlan]):
        if not plans:
            return
        self.party_member = (
            Person.objects.filter(user__phone=self._party_member_phone())
            .values_list("pk", flat=True)
            .first()
        )
        plans.sort(key=lambda p: (p.day, p.org.key, p.meeting_type.order, p.meeting_type.code))
        for plan in plans:
            self._schedule(plan)
        self._lecturers(plans)
        for plan in plans:
            self._attendance(plan)
        # Nobody to call yet (its members joined later): no meeting, as meeting_schedule.
        plans[:] = [plan for plan in plans if plan.called]
        if not plans:
            return
        texts = [self._texts(plan) for plan in plans]
        moments = [self._moments(plan) for plan in plans]
        activity_ids = self._activities(plans, texts, moments)
        meetings = self._meetings(plans, texts, moments, activity_ids)
        signups = self._signups(plans, moments, activity_ids)
        self._attendances(plans, activity_ids, signups)
        MeetingAbsence.objects.bulk_create(
            [
                MeetingAbsence(meeting_id=meetings[k], person_id=person, reason=reason)
                for k, plan in enumerate(plans)
                for person, reason in plan.absences.items()
            ],
            batch_size=2000,
        )

    @staticmethod
    def _party_member_phone() -> str:
        return next(p.phone for p in PERSONAS if p.role == Role.PARTY_MEMBER and not p.account)

    def _moments(self, plan: MeetingPlan) -> dict:
        """When it was called (created), finished, and its minutes approved."""
        rng = random.Random(f"{plan.rng.random()}:moments")
        if plan.state == "upcoming":
            created = self.now - datetime.timedelta(hours=rng.uniform(20, 40))
            return {"created": created, "finished": None, "approved": None}
        created = plan.starts_at - datetime.timedelta(days=rng.uniform(3, 10))
        created = while_awake(created, rng)
        finished = plan.ends_at + datetime.timedelta(minutes=rng.uniform(5, 60))
        approved = None
        if plan.state == "finished":
            approved = while_awake(finished + datetime.timedelta(hours=rng.uniform(2, 72)), rng)
            approved = min(approved, self.now - datetime.timedelta(minutes=rng.uniform(5, 60)))
            approved = max(approved, finished)
        return {"created": created, "finished": min(finished, self.now), "approved": approved}

    def _activities(self, plans, texts, moments) -> list[int]:
        roles = Activity._meta.get_field("roles_needed").get_db_prep_save([], connection)
        rows = []
        for plan, (title, agenda, _m, _r), at in zip(plans, texts, moments, strict=True):
            org = plan.org
            venue, address, lat, lon = org.venue
            status = (
                Activity.Status.PUBLISHED if plan.state == "upcoming" else Activity.Status.FINISHED
            )
            called = len(plan.called)
            rows.append(
                (
                    Activity.Kind.BRANCH_MEETING,
                    title[:120],
                    agenda,
                    org.place_id,
                    org.place_path,
                    venue,
                    address,
                    lat if lon is not None else None,
                    lon if lat is not None else None,
                    plan.online_url,
                    datetime_value(plan.starts_at),
                    datetime_value(plan.ends_at),
                    called + max(GUEST_PLACES, len(plan.guests)),
                    roles,
                    status,
                    org.creator,
                    datetime_value(at["created"]),
                    datetime_value(at["finished"] or at["created"]),
                )
            )
        after = max_id(Activity)
        RowWriter(
            Activity,
            [
                "kind",
                "title",
                "description",
                "place_id",
                "place_path",
                "venue",
                "address",
                "lat",
                "lon",
                "online_url",
                "starts_at",
                "ends_at",
                "capacity",
                "roles_needed",
                "status",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        found = {
            (place_id, title, _utc(starts_at)): pk
            for pk, place_id, title, starts_at in Activity.objects.filter(
                pk__gt=after, kind=Activity.Kind.BRANCH_MEETING
            ).values_list("pk", "place_id", "title", "starts_at")
        }
        return [
            found[(plan.org.place_id, text[0][:120], _utc(plan.starts_at))]
            for plan, text in zip(plans, texts, strict=True)
        ]

    def _meetings(self, plans, texts, moments, activity_ids) -> list[int]:
        rows = []
        for plan, (_t, agenda, minutes, resolutions), at, activity_id in zip(
            plans, texts, moments, activity_ids, strict=True
        ):
            org = plan.org
            meeting = PartyMeeting(
                activity_id=activity_id,
                org_id=org.pk,
                org_path=org.path,
                meeting_type=plan.meeting_type,
                held_on=plan.day,
                agenda=agenda,
                lecturer_id=plan.lecturer,
                is_demo=True,
            )
            if plan.state != "upcoming":
                present = sum(1 for p in plan.called if p in plan.came)
                meeting.expected = len(plan.called)
                meeting.present = present
                meeting.quorate = _quorate(plan.meeting_type, len(plan.called), present)
                meeting.minutes = minutes
                meeting.resolutions = resolutions
                meeting.minutes_by_id = self.users.get(org.leader) or org.approver
            if plan.state == "finished":
                meeting.approved_by_id = org.approver
                meeting.approved_at = at["approved"]
                meeting.counted = bool(meeting.quorate)
            rows.append(meeting)
        return [m.pk for m in PartyMeeting.objects.bulk_create(rows, batch_size=1000)]

    def _signups(self, plans, moments, activity_ids) -> dict[tuple[int, int], int]:
        rows = []
        for plan, at, activity_id in zip(plans, moments, activity_ids, strict=True):
            called_at = at["created"].replace(microsecond=0)
            for person in plan.called:
                rows.append((activity_id, person, SignUp.Status.CONFIRMED, called_at))
            rng = random.Random(f"{plan.rng.random()}:guests")
            latest = min(plan.starts_at, self.now)
            for person in plan.guests:
                moment = called_at + (latest - called_at) * rng.uniform(0.1, 0.9)
                rows.append(
                    (activity_id, person, SignUp.Status.CONFIRMED, moment.replace(microsecond=0))
                )
        after = max_id(SignUp)
        RowWriter(SignUp, ["activity_id", "person_id", "status", "created_at"]).insert(
            (a, p, s, datetime_value(t)) for a, p, s, t in rows
        )
        found = {}
        ids = set(activity_ids)
        top = max_id(SignUp)
        for start in range(after, top, 50000):
            for pk, activity_id, person_id in SignUp.objects.filter(
                pk__gt=start, pk__lte=min(start + 50000, top)
            ).values_list("pk", "activity_id", "person_id"):
                if activity_id in ids:
                    found[(activity_id, person_id)] = pk
        return found

    def _attendances(self, plans, activity_ids, signups):
        rows = []
        for plan, activity_id in zip(plans, activity_ids, strict=True):
            if plan.state == "upcoming":
                continue
            rng = random.Random(f"{plan.rng.random()}:attendance")
            came = [(p, m) for p, m in plan.came.items()]
            came += [(p, Attendance.CheckInMethod.ONLINE) for p in sorted(plan.guests_came)]
            for person, method in came:
                if method == Attendance.CheckInMethod.ONLINE:
                    arrive = plan.starts_at - datetime.timedelta(minutes=rng.uniform(0, 5))
                elif rng.random() < LATE:
                    arrive = plan.starts_at + datetime.timedelta(minutes=rng.uniform(16, 35))
                else:
                    arrive = plan.starts_at - datetime.timedelta(minutes=rng.uniform(2, 20))
                arrive = arrive.replace(microsecond=0)
                late = arrive > plan.starts_at + datetime.timedelta(minutes=15)
                minutes = credited_minutes(plan, arrive, plan.ends_at)
                rows.append(
                    (
                        signups[(activity_id, person)],
                        datetime_value(arrive),
                        method,
                        late,
                        datetime_value(plan.ends_at),
                        Attendance.CheckOutMethod.FINISH,
                        minutes,
                    )
                )
        RowWriter(
            Attendance,
            [
                "signup_id",
                "checked_in_at",
                "check_in_method",
                "late",
                "checked_out_at",
                "check_out_method",
                "credited_minutes",
            ],
        ).insert(rows)

    # -- the tallies ---------------------------------------------------------------------------
    def _rebuild_tallies(self):
        """What approving every counted meeting's minutes added (`minutes_approve`): per type,
        and for 党课 the lectures its organisation's secretary taught, with the years' periods
        met (`party.meetings.tallies_rebuild`, over `core.obligations.tally_rebuild`)."""
        for meeting_type in MeetingType.objects.all():
            tallies_rebuild(meeting_type)


def _quorate(meeting_type: MeetingType, expected: int, present: int) -> bool:
    """As `party.meetings._quorate`."""
    if meeting_type.quorum == Quorum.NONE:
        return present > 0
    return present * 2 > expected


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(microsecond=0)
