"""The CARE case type and the starting catalogue of home-care services, loaded by this app's
data migrations (the catalogue is edited in the admin afterwards).

An order is claimed by the staff of the providers it is offered to (a claim group, see
care.apps) or assigned by the community's officials; checked in and out within 300 m of the
elder's home; confirmed by the elder, a family member acting for them, or the officials. It
should be taken within two hours; its handling clock runs to the end of the service it orders
(care.orders.handling_limit).

Items follow the families of GB/T 43153-2023; prices are what the district's partners charged
in the article's year, in cents.
"""

CARE_TYPE = {
    "code": "CARE",
    "number_prefix": "YL",
    "name_zh": "居家养老服务",
    "name_en": "Home-care order",
    # Informational: orders are placed through care.services (the elder, a family member
    # acting for them, or the officials of their home).
    "submit_roles": ["resident", "community_staff", "street_chief", "district_admin"],
    "public_may_submit": False,
    "claim_roles": [],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": 300,
    "response_limit": 2,
    "response_unit": "hours",
    "handling_limit": 1,
    "handling_unit": "days",
}

# 投诉: a complaint about an order's provider, filed only by care.services.complaints. The
# community's staff covering the elder's home take it (claim), look into it with the provider
# and report back; the elder or their family confirm the outcome. Answered within a working day,
# settled within five.
COMPLAINT_TYPE = {
    "code": "COMPLAINT",
    "number_prefix": "TS",
    "name_zh": "养老服务投诉",
    "name_en": "Complaint about home care",
    "submit_roles": [],
    "public_may_submit": False,
    "claim_roles": ["community_staff"],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": None,
    "response_limit": 1,
    "response_unit": "work_days",
    "handling_limit": 5,
    "handling_unit": "work_days",
}

# (code, family, name, English name, includes, price in cents, minutes, skill, subsidised,
#  activity kind)
SERVICES = [
    ("MEAL-01", "meal", "长者食堂午餐", "Lunch at the elders' canteen",
     "一荤两素一汤，按老人口味少盐少油", 1200, 60, "meal", True, ""),
    ("MEAL-02", "meal", "送餐上门", "Meal delivered home",
     "午餐或晚餐一份送到家，餐盒回收", 1500, 30, "meal", True, ""),
    ("CLEAN-01", "cleaning", "居室保洁", "Home cleaning",
     "两小时：地面、厨房、卫生间清洁，垃圾带走", 6000, 120, "cleaning", True, ""),
    ("CLEAN-02", "cleaning", "衣物被褥清洗", "Washing clothes and bedding",
     "上门收取，洗净晾干后送回", 3000, 60, "cleaning", True, ""),
    ("BATH-01", "bathing", "上门助浴", "Bathing at home",
     "两名护理员，带助浴椅和防滑垫，浴前测血压", 8000, 90, "bathing", True, ""),
    ("WALK-01", "walking", "陪同外出", "Going out together",
     "陪同散步、购物或办事，一小时", 3000, 60, "escort", True, ""),
    ("EMERG-01", "emergency", "紧急援助", "Emergency help",
     "一键呼叫后就近人员上门查看，必要时联系 120 和家属", 0, 60, "first_aid", True, ""),
    ("MED-01", "medical", "陪同就医", "Going to the doctor together",
     "陪同挂号、候诊、取药，半天", 5000, 240, "escort", True, ""),
    ("MED-02", "medical", "上门测血压血糖", "Blood pressure and sugar at home",
     "护士上门测量并记录，异常时告知家属和社区医生", 1000, 30, "medical", True, ""),
    ("NURS-01", "nursing", "康复训练", "Rehabilitation exercises",
     "康复护理员指导肢体训练，一小时", 8000, 60, "nursing", True, ""),
    ("NURS-02", "nursing", "压疮护理", "Pressure-sore care",
     "清创、换药、翻身指导", 6000, 45, "nursing", True, ""),
    ("VISIT-01", "visiting", "陪伴聊天", "Company and a chat",
     "上门陪伴一小时，读报、聊天、检查水电气", 2000, 60, "company", True, ""),
    ("DAY-01", "day_care", "日间照料", "A day at the day-care centre",
     "早上接、傍晚送，午餐、午休和文体活动", 6000, 480, "day_care", True, ""),
    ("FUN-01", "recreation", "文体活动", "Recreation and sport",
     "社区的文艺、健身、棋牌活动，报名参加", 0, 120, "", False, "cultural_event"),
    ("EDU-01", "learning", "老年课堂", "Classes for elders",
     "健康、防诈骗、智能手机等讲座，报名参加", 0, 90, "", False, "lecture"),
]  # fmt: skip


def load_care_catalogue(CaseType, CaseCategory, CareService):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    load_case_type(CaseType, CaseCategory, fields=CARE_TYPE, classes=[])
    for position, row in enumerate(SERVICES):
        code, family, name, name_en, includes, cents, minutes, skill, subsidised, activity = row
        CareService.objects.get_or_create(
            code=code,
            defaults={
                "family": family,
                "name": name,
                "name_en": name_en,
                "includes": includes,
                "price_cents": cents,
                "duration_minutes": minutes,
                "skill": skill,
                "subsidised": subsidised,
                "activity_kind": activity,
                "position": position,
            },
        )


def load_complaint_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=COMPLAINT_TYPE, classes=[])
