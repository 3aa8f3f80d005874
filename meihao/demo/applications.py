"""The demo's online applications (网上办事): a year of applications for the catalogue's online
items, each taken through egov.services as of the moment it happened (`demo_clock`, see
demo.cases): filed by a resident with a scanned PDF per material (the ID card and household
registration waived with consent), sometimes asked once for a missing material and handed in,
taken in by the first stage's office, passed on stage by stage (the street's 7-day public
notice for 低保), decided by the competent department — approved, or refused with reasons — or
not taken in. An approval issues its electronic document (one of the first community's is
revoked). The most recent ones are still open at every stage.

The demo resident has an application in each state a resident meets: waiting for intake,
missing a material (she hands it in on its page), being processed, approved and refused.

Idempotent: applications by their case's idempotency key (`egov-demo-<n>`, `egov-demo-<state>`).
"""

import datetime
import io
import random
from dataclasses import dataclass
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from meihao.cases.models import Case
from meihao.catalogue.models import ServiceItem
from meihao.core.pdf import chinese_font
from meihao.core.roles import Role
from meihao.demo.history import History, Timeline, filed_while_awake
from meihao.demo.plan import history_scale
from meihao.egov import documents as egov_documents
from meihao.egov import services as egov
from meihao.people.models import User

KEY_PREFIX = "egov-demo-"
APPLICATIONS_PER_SCALE = 240
DAYS = 365
# The article's four items are what residents apply for most.
POPULAR = {"居住证明": 8, "最低生活保障申请": 4, "就业失业登记证明": 6, "婚育情况证明": 5}
FATES = [
    ("approved", 70),
    ("refused", 6),
    ("not_taken_in", 4),
    ("supplemented_approved", 8),
    ("open", 12),
]
# Where an open application stops: how many steps after filing it has taken.
OPEN_STOPS = ("filed", "parked", "taken_in", "passed")
# The demo resident's applications, as (fate, item, days ago it was filed).
DEMO_STATES = [
    ("filed", "居住证明", 0.3),
    ("parked", "就业失业登记证明", 2),
    ("passed", "就业失业登记证明", 6),
    ("approved", "居住证明", 40),
    ("refused", "婚育情况证明", 90),
]
# The first community's showcase of the rest, by other residents: (fate, item, days ago).
SHOWCASE = [
    ("not_taken_in", "居住证明", 30),
    ("supplemented_approved", "就业失业登记证明", 50),
    ("publicity", "最低生活保障申请", 4),
    ("approved", "最低生活保障申请", 70),
    ("refused", "最低生活保障申请", 120),
    ("revoked", "居住证明", 60),
]
SUPPLEMENTS = [
    "户口簿本人页复印件不清晰，请重新上传",
    "缺少本人签字的申请表",
    "照片不符合要求，请上传近期免冠照片",
]
REFUSALS = {
    "最低生活保障申请": (
        "经入户调查核实，申请人家庭月人均收入高于本市城市低保标准，"
        "不符合《社会救助暂行办法》第九条规定的条件。"
    ),
    "婚育情况证明": "经核查，申请人提供的婚姻状况与婚姻登记信息不一致，请更正后重新申请。",
}
DEFAULT_REFUSAL = (
    "经审核，申请人不符合本事项的办理条件。如对决定不服，可依法申请行政复议或提起行政诉讼。"
)
NOT_TAKEN_IN = "申请人户籍不在本辖区，请向户籍所在地提出申请。"
# What an approval's electronic document is for, by item (the watermark says it).
PURPOSES = {
    "居住证明": "办理居住证",
    "最低生活保障申请": "享受最低生活保障待遇",
    "就业失业登记证明": "办理就业失业登记相关业务",
    "婚育情况证明": "办理生育登记",
}
DEFAULT_PURPOSE = "向有关单位出示"
DOCUMENT_DAYS = 90
REVOKED = "申请人实际居住地址已变更，原证明内容不再属实。"


@cache
def scanned(material: str) -> bytes:
    """A one-page PDF standing for the scan of a material."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont(chinese_font(), 20)
    page.drawString(72, 760, material)
    page.setFont(chinese_font(), 11)
    page.drawString(72, 730, "（演示数据：扫描件）")
    page.save()
    return buffer.getvalue()


@dataclass
class ApplicationPlan:
    key: str
    filed_at: datetime.datetime
    community: str
    item: str
    fate: str
    rng: random.Random
    demo: bool = False
    # How fast its offices act, relative to the usual: the showcase's 低保 reaches its public
    # notice within days, so that the notice runs whenever the demo is seeded.
    pace: float = 1.0


class ApplicationHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.COMMUNITY_STAFF, Role.STREET_CHIEF, Role.DEPARTMENT_STAFF)

    def __init__(self, **history):
        super().__init__(**history)
        self.items = {
            item.name: item
            for item in ServiceItem.objects.published()
            .filter(online=True)
            .prefetch_related("materials")
            .select_related("department")
        }
        self.resident = self.residents.personas.get(Role.RESIDENT)

    def run(self) -> tuple[int, int]:
        if not self.items:
            return 0, 0
        return self.load(self.plans(), self._application)

    def plans(self) -> list[ApplicationPlan]:
        rng = random.Random(f"{self.seed}:applications")
        names = sorted(self.items)
        weights = [POPULAR.get(name, 1) for name in names]
        fates, fate_weights = zip(*FATES, strict=True)
        communities = [c.code for c in self.plan.communities if self.residents.with_login(c.code)]
        plans = []
        for index in range(self.count if communities else 0):
            fate = rng.choices(fates, fate_weights)[0]
            days = rng.uniform(0.2, 12) if fate == "open" else rng.uniform(20, DAYS)
            if fate == "open":
                fate = rng.choice(OPEN_STOPS)
            plans.append(
                ApplicationPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    filed_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    community=rng.choice(communities),
                    item=rng.choices(names, weights)[0],
                    fate=fate,
                    rng=random.Random(f"{self.seed}:application:{index}"),
                )
            )
        showcase = [(fate, name, days, False) for fate, name, days in SHOWCASE]
        if self.resident is not None:
            showcase += [(fate, name, days, True) for fate, name, days in DEMO_STATES]
        for fate, name, days, demo in showcase:
            label = f"{'' if demo else 'show-'}{fate.replace('_', '-')}"
            rng = random.Random(f"{self.seed}:application:{label}")
            plans.append(
                ApplicationPlan(
                    key=f"{KEY_PREFIX}{label}",
                    filed_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    community=self.plan.communities[0].code,
                    item=name,
                    fate=fate,
                    rng=rng,
                    demo=demo,
                    pace=0.2 if fate == "publicity" else 1.0,
                )
            )
        return sorted(
            (p for p in plans if p.filed_at < self.now and p.item in self.items),
            key=lambda p: (p.filed_at, p.key),
        )

    # -- one application ---------------------------------------------------------------------
    def _holder(self, application, rng) -> User | None:
        """Who acts for the office of the application's stage."""
        if application.stage_body == "department":
            return self.department_staff(application.department_id, rng)
        if application.stage_body == "street":
            return self.street_chief(application.home_path, rng)
        return self.holder(Role.COMMUNITY_STAFF, application.home_path, rng)

    def _application(self, plan: ApplicationPlan) -> bool:
        rng = plan.rng
        item = self.items[plan.item]
        if plan.demo:
            applicant = self.resident
        else:
            people = self.residents.with_login(plan.community)
            applicant = people[rng.randrange(len(people))]
        user = User.objects.get(pk=applicant.user_id)
        files = {
            m.pk: [SimpleUploadedFile(f"{m.name[:20]}.pdf", scanned(m.name), "application/pdf")]
            for m in item.materials.all()
            if not m.held
        }
        # Drawn apart from the plan's dice, so that the rest of the history stays as it was.
        filled = random.Random(f"{self.seed}:answers:{plan.key}")
        road = self.plan.place(plan.community).road
        application = self.file(
            plan.filed_at,
            egov.application_file,
            actor=user,
            item=item,
            files=files,
            consent=True,
            idempotency_key=plan.key,
            answers=answers_for(item.form_schema, filled, road=road, year=plan.filed_at.year),
        )
        if application is None:
            return False
        if plan.fate == "filed":
            return True
        timeline = Timeline(plan.filed_at, rng, plan.pace)

        def case():
            return Case.objects.get(pk=application.case_id)

        def step(service, **kwargs):
            holder = self._holder(application, rng)
            if holder is None:
                return None
            return self.at(timeline.moment, service, actor=holder, case=case(), **kwargs)

        materials = [m.pk for m in item.materials.all()]
        if plan.fate in ("parked", "supplemented_approved") and materials:
            timeline.later(2, 30)
            if not step(egov.application_ask_supplement, missing=rng.choice(SUPPLEMENTS)):
                return True
            if plan.fate == "parked":
                return True
            timeline.later(10, 72)
            self.at(
                timeline.moment,
                egov.application_supplement,
                actor=user,
                case=case(),
                files={materials[0]: [SimpleUploadedFile("补正.pdf", scanned("补正材料"))]},
            )
        if plan.fate == "not_taken_in":
            timeline.later(2, 30)
            step(egov.application_refuse_intake, reason=NOT_TAKEN_IN)
            return True
        timeline.later(1, 30)
        if step(egov.application_take_in) is None:
            return True
        if plan.fate == "taken_in":
            return True
        while not application.is_last_stage:
            publicised = application.duty == "publicise"
            if publicised:
                timeline.later(7 * 24 + 1, 7 * 24 + 30)
            else:
                timeline.later(4, 60)
            note = "公示期满无异议" if publicised else "材料齐全，审核通过"
            passed = step(egov.application_pass, note=note)
            if passed is None:
                return True
            application = passed
            if plan.fate == "passed" or (
                plan.fate == "publicity" and application.duty == "publicise"
            ):
                return True
        timeline.later(4, 24 * max(application.item.promised_days - 1, 1))
        approve = plan.fate != "refused"
        reasons = "" if approve else REFUSALS.get(item.name, DEFAULT_REFUSAL)
        if step(egov.application_decide, approve=approve, reasons=reasons) is None or not approve:
            return True
        # The deciding office issues the electronic document the same day; a year's documents
        # run out after their 90 days, so the verify page shows expired ones too.
        timeline.later(0.5, 6)
        holder = self._holder(application, rng)
        document = self.at(
            timeline.moment,
            egov_documents.document_issue,
            actor=holder,
            application=application,
            purpose=PURPOSES.get(item.name, DEFAULT_PURPOSE),
            valid_days=DOCUMENT_DAYS,
        )
        if document is not None and plan.fate == "revoked":
            timeline.later(24, 72)
            self.at(
                timeline.moment,
                egov_documents.document_revoke,
                actor=holder,
                document=document,
                reason=REVOKED,
            )
        return True


# What applicants write in the items' own form fields (demo catalogue_items.json, "form").
REASONS = ("因病导致家庭生活困难", "家庭成员残疾，无固定收入", "失业后家庭生活困难，无其他收入来源")
EMPLOYERS = ("梧州市骑楼商贸有限公司", "万秀区河东物业服务中心", "梧州市西江运输有限公司")


def answers_for(schema: dict, rng: random.Random, *, road: str, year: int) -> dict:
    """Plausible answers to an item's form fields, within each field's limits."""
    draw = {
        "household": lambda: rng.randint(1, 5),
        "income": lambda: float(rng.randrange(300, 1600, 50)),
        "reason": lambda: rng.choice(REASONS),
        "address": lambda: f"{road or '万秀区'}{rng.randint(1, 199)}号",
        "since": lambda: rng.randint(1995, year),
        "employer": lambda: rng.choice(EMPLOYERS),
        "children": lambda: rng.randint(0, 3),
    }
    answers = {}
    for name, spec in (schema or {}).get("properties", {}).items():
        if "enum" in spec:
            answers[name] = rng.choice(spec["enum"])
        elif name in draw:
            answers[name] = draw[name]()
        elif spec["type"] in ("integer", "number"):
            answers[name] = spec.get("minimum", 0)
        elif spec["type"] == "boolean":
            answers[name] = False
    return answers


def applications_for_scale(scale: float) -> int:
    return round(APPLICATIONS_PER_SCALE * history_scale(scale))
