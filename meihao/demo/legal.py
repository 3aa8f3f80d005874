"""The demo's legal consultations (一社区一法律顾问): a year of residents' questions to their
community's legal advisor, each taken through legal.services and the case engine as of the
moment it happened (`demo_clock`, see demo.cases). The advisor takes a question within hours,
answers it with the minutes it took; the resident confirms, or asks again once and is answered
again; some rate the answer. A few are turned away as no legal question; the most recent wait
for the advisor or for the resident's confirmation.

Besides, every community's advisor holds a duty session (值班) twice a month, which residents
book (`DutySessions`); the hours of both count toward the advisor's monthly obligation. The
sessions' service rows are written directly, as the finish effect would write them, so their
stages recount the posts' monthly tallies from the services afterwards
(`legal.compliance.hours_tallies_rebuild`); the consultations, recorded through the services,
move them as they go.

Idempotent: consultations by their case's idempotency key (`legal-demo-<n>`), duty sessions by
community and start.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from meihao.activities.models import Activity, Attendance, SignUp
from meihao.cases import sla
from meihao.cases.models import Case
from meihao.cases.services import case_rate, case_reject, case_reopen, case_verify_close
from meihao.core.roles import Role
from meihao.demo.accounts import RESERVED_PHONE_PREFIX
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.demo.plan import history_scale
from meihao.demo.residents import Resident
from meihao.legal import aid
from meihao.legal import services as legal
from meihao.legal.compliance import hours_tallies_rebuild
from meihao.legal.models import AdvisorService, LegalAidCentre
from meihao.people.models import Organisation, RoleAssignment
from meihao.people.selectors import department_staff
from meihao.places.models import Level, Place, Venue

KEY_PREFIX = "legal-demo-"
# The seed's figure for the demo year: 394 consultations (docs/product.md).
CONSULTATIONS_PER_SCALE = 394
DAYS = 365

# (topic, question, answer): what residents of the old town ask, and what the advisor says.
MATTERS = [
    (
        "0101",
        "父亲去世没有留遗嘱，房子怎么继承？兄弟姐妹都要分吗？",
        "没有遗嘱按法定继承：第一顺序继承人是配偶、子女、父母，原则上均等分配。可先协商签订"
        "继承协议，再到公证处办理继承公证后过户；协商不成可向法院起诉。",
    ),
    (
        "0101",
        "离婚时孩子抚养权一般判给谁？",
        "不满两周岁的子女以由母亲直接抚养为原则；已满两周岁的，按最有利于未成年子女的原则判决；"
        "子女已满八周岁的，应尊重其真实意愿。",
    ),
    (
        "0102",
        "公司拖欠两个月工资不发，我该怎么办？",
        "可先保留劳动合同、考勤、工资条等证据，向公司书面催告；仍不支付的，可向区劳动保障监察"
        "大队投诉，或向劳动人事争议仲裁委员会申请仲裁，仲裁不收费。",
    ),
    (
        "0102",
        "在工地干活受伤，老板说没签合同不管，怎么办？",
        "未签劳动合同不影响认定劳动关系，工友证言、工资转账记录都可作证据。应在事故发生之日起"
        "一年内申请工伤认定，同时可申请法律援助。",
    ),
    (
        "0103",
        "房东不退押金，合同写明退租后7天内退还，我该怎么办？",
        "可先书面催告房东按约退还，保留聊天记录和交房凭证；仍不退的，可申请人民调解，或向法院"
        "提起小额诉讼，费用低、审理快。",
    ),
    (
        "0103",
        "物业费上涨没有开业主大会，我们可以不交吗？",
        "物业费调整应按合同约定或经业主共同决定，未经程序擅自涨价的，业主可拒绝上涨部分，但原价"
        "部分仍应缴纳，以免被追讨滞纳金。可向住建部门或社区反映。",
    ),
    (
        "0104",
        "楼上邻居装修漏水把我家天花板泡坏了，怎么索赔？",
        "先拍照固定损失，请物业出具漏水原因说明，再与邻居协商赔偿；协商不成可申请社区人民调解，"
        "或起诉要求赔偿维修费用。",
    ),
    (
        "0104",
        "邻居在楼道堆放杂物，说了也不听，能怎么办？",
        "楼道属于共有部分，堆放杂物影响通行和消防安全。可请物业或社区调解，也可向消防部门反映，"
        "由其责令清理。",
    ),
    (
        "0105",
        "朋友借了我三万块钱只打了个欠条，现在不还怎么办？",
        "欠条是有效证据，注意诉讼时效为三年，自约定还款日起算。可先发催款信息保留记录，仍不还的"
        "可向法院起诉，金额不大的适用小额诉讼程序。",
    ),
    (
        "0105",
        "买的二手车隐瞒了事故，可以退车吗？",
        "卖方故意隐瞒重大事故构成欺诈的，可请求撤销合同、退车退款，经营者还应承担三倍赔偿。请保留"
        "合同、付款凭证和检测报告。",
    ),
    (
        "0106",
        "老人在小区被电动车撞倒，车主跑了怎么办？",
        "先报警并就医，保留病历和票据；调取小区监控查找车主。找到后可要求赔偿医疗费、护理费等，"
        "找不到的可向物业主张未尽安全保障义务的责任。",
    ),
    (
        "0107",
        "网购买到假货商家不退款，怎么维权？",
        "可先向平台投诉申请介入，保留商品照片和聊天记录；也可拨打12315投诉。经营者有欺诈行为的，"
        "可要求退一赔三，不足五百元的按五百元赔偿。",
    ),
    (
        "0199",
        "被人在网上发帖骂，还把我照片发出去了，能告他吗？",
        "公开侮辱、诽谤并擅自使用您的照片，侵犯名誉权和肖像权。请截图并做公证保全，可要求平台"
        "删除，也可起诉要求停止侵害、赔礼道歉和赔偿损失。",
    ),
]
# What is referred for legal aid: unpaid wages and work injuries.
AID_MATTERS = [matter for matter in MATTERS if matter[0] == "0102"]
TURNED_AWAY = (
    "0199",
    "小区门口的路灯坏了好久了，找谁修？",
    "路灯维修不属于法律咨询，请通过“网格上报”反映，或拨打12345热线，会有部门处理。",
)
FATES = [
    ("closed", 77),
    ("again", 8),
    ("answered", 5),
    ("waiting", 4),
    ("turned_away", 3),
    ("legal_aid", 3),
]
# The legal-aid centre is the justice bureau's (司法局); it grants most of what is referred.
AID_CENTRE = "万秀区司法局"
AID_SUMMARY = "申请人为低保户，无力支付律师费，事项属于法律援助范围，建议给予援助。"
AID_GRANTED = 0.85
# The recent ones still in progress are no older than this.
OPEN_DAYS = {"answered": 6, "waiting": 1.5}
RATE_SHARE = 0.55
# The first consultations are the demo community's, one in each state its log-ins meet: two
# waiting for its advisor, the demo resident's own answered (for her to confirm), one asked again
# and closed, one turned away, one referred for legal aid.
SHOWN = ("waiting", "answered", "waiting", "again", "turned_away", "legal_aid")
DEMO_RESIDENTS_OWN = 1
SCORES = {5: 70, 4: 24, 3: 5, 2: 1}


@dataclass(frozen=True)
class ConsultationPlan:
    key: str
    filed_at: datetime.datetime
    community: str
    matter: tuple[str, str, str]
    fate: str
    rng: random.Random


class ConsultationHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.LEGAL_ADVISOR,)

    def __init__(self, **history):
        super().__init__(**history)
        self.officials = set(
            RoleAssignment.objects.exclude(
                role__in=(Role.RESIDENT, Role.VOLUNTEER, Role.PARTY_MEMBER)
            ).values_list("user", flat=True)
        )
        self.askers: dict[str, list[Resident]] = {}
        self.paths = dict(Place.objects.filter(level=Level.COMMUNITY).values_list("code", "path"))

    def run(self) -> tuple[int, int]:
        organisation = Organisation.objects.filter(name=AID_CENTRE).first()
        self.centre = (
            LegalAidCentre.objects.get_or_create(organisation=organisation)[0]
            if organisation
            else None
        )
        self.centre_staff = (
            list(department_staff(organisation.pk).order_by("pk")) if organisation else []
        )
        created, existing = self.load(self.plans(), self._consultation)
        if created:
            sla.sla_sweep(self.now)
        return created, existing

    def plans(self) -> list[ConsultationPlan]:
        rng = random.Random(f"{self.seed}:legal")
        fates, weights = zip(*FATES, strict=True)
        communities = [
            c.code
            for c in self.plan.communities
            if self._askers(c.code) and (Role.LEGAL_ADVISOR, self.paths.get(c.code)) in self.holders
        ]
        plans = []
        for index in range(self.count if communities else 0):
            fate = rng.choices(fates, weights)[0]
            if index < len(SHOWN):  # the first community's advisor and resident meet each state
                fate = SHOWN[index]
            days = rng.uniform(0.1, OPEN_DAYS[fate]) if fate in OPEN_DAYS else rng.uniform(7, DAYS)
            plans.append(
                ConsultationPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    filed_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    community=communities[0] if index < len(SHOWN) else rng.choice(communities),
                    matter=TURNED_AWAY
                    if fate == "turned_away"
                    else rng.choice(AID_MATTERS if fate == "legal_aid" else MATTERS),
                    fate=fate,
                    rng=random.Random(f"{self.seed}:legal:{index}"),
                )
            )
        return plans

    def _askers(self, community_code: str) -> list[Resident]:
        """Residents with a log-in who hold no office and are none of the demo log-ins."""
        if community_code not in self.askers:
            self.askers[community_code] = [
                r
                for r in self.residents.with_login(community_code)
                if r.user_id not in self.officials and not r.phone.startswith(RESERVED_PHONE_PREFIX)
            ]
        return self.askers[community_code]

    def _consultation(self, plan: ConsultationPlan) -> bool:
        rng = plan.rng
        people = self._askers(plan.community)
        resident = self.residents.personas.get(Role.RESIDENT)
        if plan.key == f"{KEY_PREFIX}{DEMO_RESIDENTS_OWN:05d}" and resident is not None:
            asker = self.user(resident.user_id)
        else:
            asker = self.user(people[rng.randrange(len(people))].user_id)
        topic, question, answer = plan.matter
        consultation = self.file(
            plan.filed_at,
            legal.consultation_ask,
            actor=asker,
            topic=topic,
            question=question,
            idempotency_key=plan.key,
        )
        if consultation is None:
            return False
        if plan.fate == "waiting":
            return True
        advisor = self.holder(Role.LEGAL_ADVISOR, self.paths[plan.community], rng)
        timeline = Timeline(plan.filed_at, rng, pace=0.3 if plan.fate in OPEN_DAYS else 1.0)

        def step(actor, service, **kwargs):
            case = Case.objects.get(pk=consultation.case_id)
            return self.at(timeline.moment, service, actor=actor, case=case, **kwargs)

        timeline.later(1, 20)
        if plan.fate == "turned_away":
            step(advisor, case_reject, reason=answer)
            return True
        if plan.fate == "legal_aid" and self.centre is not None and self.centre_staff:
            referral = step(
                advisor,
                aid.legal_aid_refer,
                centre_id=self.centre.pk,
                matter="wages",
                hardship=True,
                summary=AID_SUMMARY,
            )
            if referral is None:
                return True
            timeline.later(4, 72)
            granted = rng.random() < AID_GRANTED
            self.at(
                timeline.moment,
                aid.legal_aid_decide,
                actor=self.centre_staff[rng.randrange(len(self.centre_staff))],
                referral=referral,
                granted=granted,
                note="已指派律师承办，律师将与您联系。"
                if granted
                else "经审查，申请人家庭收入超过经济困难标准。",
            )
            return True
        step(advisor, legal.consultation_answer, answer=answer, minutes=rng.randint(10, 60))
        if plan.fate == "answered":
            return True
        timeline.later(2, 48)
        if plan.fate == "again":
            step(asker, case_reopen, reason="谢谢，还想问一下：需要准备哪些材料？")
            timeline.later(1, 20)
            step(
                advisor,
                legal.consultation_answer,
                answer="请带身份证、相关合同或凭证原件和复印件，以及能证明事情经过的聊天记录、照片。",
                minutes=rng.randint(5, 20),
            )
            timeline.later(2, 48)
        step(asker, case_verify_close)
        if rng.random() < RATE_SHARE:
            timeline.later(0.1, 24)
            score = rng.choices(list(SCORES), list(SCORES.values()))[0]
            step(asker, case_rate, score=score)
        return True


def consultations_for_scale(scale: float) -> int:
    return round(CONSULTATIONS_PER_SCALE * history_scale(scale))


# Duty sessions (值班): every community's advisor sits at its service centre twice a month for
# two and a half hours; residents book a place. A few sessions were missed (the advisor called
# away), so a few posts fall short of the month's hours. The next two are open for booking.
DUTY_TITLE = "法律顾问值班"
DUTY_DAYS = (8, 22)  # of each month
DUTY_HOURS = (datetime.time(9, 0), datetime.time(11, 30))
DUTY_MISSED = 0.08
DUTY_BOOKINGS = (0, 3)


def _duty_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, DUTY_HOURS[0], tzinfo=timezone.get_current_timezone())


def duty_days(now: datetime.datetime, scale: float) -> list[datetime.date]:
    """The duty days of the year behind `now` (fewer below scale 1) and the next two ahead."""
    today = timezone.localtime(now).date()
    days = []
    for back in range(13):
        month = (today.month - back - 1) % 12 + 1
        year = today.year - ((back - today.month + 12) // 12)
        days += [datetime.date(year, month, d) for d in DUTY_DAYS]
    over = now - datetime.timedelta(hours=3)  # a session ends 2.5 hours after its start
    past = sorted(d for d in days if _duty_start(d) < over)
    past = past[-max(1, round(len(past) * min(scale, 1.0))) :]
    following = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    candidates = [*days, *(following.replace(day=d) for d in DUTY_DAYS)]
    # The next two: one of them starts later than now, whatever the hour (a resident books it).
    ahead = sorted(d for d in candidates if _duty_start(d) >= over)[:2]
    return [*past, *ahead]


class DutySessions:
    """Writes the duty sessions in bulk, with what the activities app would have recorded
    (sign-ups, the advisor's check-in and credited minutes) and the advisor's service row the
    finish effect writes (`legal.services.count_session_hours`). Idempotent: by the community's
    sessions of that title and start."""

    def __init__(self, *, plan, residents, seed: int, scale: float, now=None):
        self.plan = plan
        self.residents = residents
        self.rng = random.Random(f"{seed}:legal-duty")
        self.scale = scale
        self.now = now or timezone.now()

    def run(self) -> tuple[int, int]:
        communities = {p.code: p for p in Place.objects.filter(level=Level.COMMUNITY, is_demo=True)}
        advisors = self._advisors(communities)
        staff = dict(
            RoleAssignment.objects.filter(
                role=Role.COMMUNITY_STAFF, place__code__in=list(communities)
            )
            .order_by("place__code", "user_id")
            .values_list("place__code", "user_id")
        )
        centres = {
            v.place.code: v
            for v in Venue.objects.filter(
                place__code__in=list(communities), kind=Venue.Kind.SERVICE_CENTRE
            ).select_related("place")
        }
        existing = set(
            Activity.objects.filter(kind=Activity.Kind.LEGAL_DUTY, title=DUTY_TITLE).values_list(
                "place__code", "starts_at"
            )
        )
        days = duty_days(self.now, self.scale)
        written = 0
        with transaction.atomic():
            for code in sorted(advisors):
                community = communities[code]
                for day in days:
                    start = _duty_start(day)
                    if (code, start) in existing or code not in staff:
                        continue
                    self._session(community, advisors[code], staff[code], centres.get(code), start)
                    written += 1
            if written:
                hours_tallies_rebuild()
        return written, len(existing)

    def _advisors(self, communities) -> dict:
        """Each community's first advisor (by id), as (user id, person id)."""
        posted = (
            RoleAssignment.objects.filter(
                role=Role.LEGAL_ADVISOR,
                place__code__in=list(communities),
                user__person__isnull=False,
            )
            .order_by("place__code", "user_id")
            .values_list("place__code", "user_id", "user__person")
        )
        advisors = {}
        for code, user_id, person_id in posted:
            advisors.setdefault(code, (user_id, person_id))
        return advisors

    def _session(self, community, advisor, organiser_id, centre, start) -> None:
        rng = self.rng
        end = datetime.datetime.combine(start.date(), DUTY_HOURS[1], tzinfo=start.tzinfo)
        done = end < self.now
        activity = Activity.objects.create(
            kind=Activity.Kind.LEGAL_DUTY,
            title=DUTY_TITLE,
            description="社区法律顾问现场值班，解答居民法律问题，可提前预约。",
            place=community,
            place_path=community.path,
            venue=centre.name if centre else community.name,
            address=centre.address if centre else "",
            lat=centre.lat if centre else None,
            lon=centre.lon if centre else None,
            starts_at=start,
            ends_at=end,
            capacity=6,
            roles_needed=[],
            status=Activity.Status.FINISHED if done else Activity.Status.PUBLISHED,
            created_by_id=organiser_id,
        )
        Activity.objects.filter(pk=activity.pk).update(
            created_at=start - datetime.timedelta(days=10)
        )
        user_id, person_id = advisor
        signups = [
            SignUp(
                activity=activity,
                person_id=person_id,
                role="法律顾问",
                status=SignUp.Status.CONFIRMED,
            )
        ]
        people = [r for r in self.residents.with_login(community.code) if r.person_id != person_id]
        for resident in rng.sample(people, min(len(people), rng.randint(*DUTY_BOOKINGS))):
            signups.append(
                SignUp(
                    activity=activity, person_id=resident.person_id, status=SignUp.Status.CONFIRMED
                )
            )
        SignUp.objects.bulk_create(signups)
        if not done or rng.random() < DUTY_MISSED:
            return
        came = start + datetime.timedelta(minutes=rng.randint(-10, 5))
        minutes = int((end - max(came, start)).total_seconds() // 60)
        Attendance.objects.create(
            signup=signups[0],
            checked_in_at=came,
            check_in_method=Attendance.CheckInMethod.STAFF,
            checked_out_at=end,
            check_out_method=Attendance.CheckOutMethod.FINISH,
            credited_minutes=minutes,
        )
        AdvisorService.objects.create(
            advisor_id=user_id,
            community=community,
            place_path=community.path,
            kind=AdvisorService.Kind.DUTY,
            minutes=minutes,
            served_at=came,
            activity=activity,
        )


class EducationSessions:
    """The community's advisor spoke at each legal-education session held there (普法宣传): their
    sign-up, attendance and the service row finishing the session writes
    (`legal.services.count_session_hours`), for the sessions already finished. Idempotent: a
    session with its advisor's service row is skipped."""

    def run(self) -> tuple[int, int]:
        advisors = {
            path: (user_id, person_id)
            for path, user_id, person_id in RoleAssignment.objects.filter(
                role=Role.LEGAL_ADVISOR, place__level=Level.COMMUNITY, user__person__isnull=False
            )
            .order_by("-user_id")
            .values_list("place__path", "user_id", "user__person")
        }
        done = set(
            AdvisorService.objects.filter(kind=AdvisorService.Kind.EDUCATION).values_list(
                "activity_id", flat=True
            )
        )
        sessions = Activity.objects.filter(
            kind=Activity.Kind.LEGAL_EDUCATION,
            status=Activity.Status.FINISHED,
            place__level=Level.COMMUNITY,
        ).select_related("place")
        written = 0
        with transaction.atomic():
            for session in sessions:
                advisor = advisors.get(session.place_path)
                if session.pk in done or advisor is None:
                    continue
                user_id, person_id = advisor
                signup, _created = SignUp.objects.get_or_create(
                    activity=session,
                    person_id=person_id,
                    defaults={"role": "", "status": SignUp.Status.CONFIRMED},
                )
                minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
                Attendance.objects.get_or_create(
                    signup=signup,
                    defaults={
                        "checked_in_at": session.starts_at,
                        "check_in_method": Attendance.CheckInMethod.STAFF,
                        "checked_out_at": session.ends_at,
                        "check_out_method": Attendance.CheckOutMethod.FINISH,
                        "credited_minutes": minutes,
                    },
                )
                AdvisorService.objects.create(
                    advisor_id=user_id,
                    community=session.place,
                    place_path=session.place_path,
                    kind=AdvisorService.Kind.EDUCATION,
                    minutes=minutes,
                    served_at=session.starts_at,
                    activity=session,
                )
                written += 1
            if written:
                hours_tallies_rebuild()
        return written, len(done)
