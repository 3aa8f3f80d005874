"""The COUNSEL case type (心灵驿站 counselling appointment) and its topics, loaded by this app's
data migration; maintained afterwards in the admin site."""

COUNSEL_TYPE = {
    "code": "COUNSEL",
    "number_prefix": "XL",
    "name_zh": "心理咨询预约",
    "name_en": "Counselling appointment",
    # Informational: appointments are asked through the counselling app.
    "submit_roles": ["resident"],
    "public_may_submit": False,
    "claim_roles": ["counsellor"],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": None,
    "response_limit": 2,
    "response_unit": "work_days",
    "handling_limit": 10,
    "handling_unit": "work_days",
}

TOPICS = [
    (
        "01",
        "心理咨询",
        "Counselling",
        [
            ("0101", "情绪与压力", "Mood and stress", None, ""),
            ("0102", "家庭与婚姻", "Family and marriage", None, ""),
            ("0103", "亲子与教育", "Children and school", None, ""),
            ("0104", "老年心理", "Later life", None, ""),
            ("0105", "失眠与焦虑", "Sleep and anxiety", None, ""),
            ("0199", "其他", "Other", None, ""),
        ],
    ),
]


def load_counsel_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=COUNSEL_TYPE, classes=TOPICS)
