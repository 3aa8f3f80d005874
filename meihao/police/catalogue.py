"""The TIP case type (可疑线索 / 安全隐患, a resident's tip or hazard to their block's police
officer) and its classes, loaded by this app's data migration; maintained afterwards in the
admin site. A tip is routed to the block's officer the moment it is sent (police.services:
nobody dispatches it), who acts on it and closes it; the reporter is only told that it was
handled."""

TIP_TYPE = {
    "code": "TIP",
    "number_prefix": "JW",
    "name_zh": "警情线索",
    "name_en": "Police tip",
    # Informational: tips are sent through the police app (police.services).
    "submit_roles": ["resident"],
    "public_may_submit": False,
    "claim_roles": [],
    "form_schema": {},
    "dispatch_mode": "assign",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": False,
    "onsite_radius_m": None,
    "response_limit": 4,
    "response_unit": "hours",
    "handling_limit": 3,
    "handling_unit": "work_days",
}

TIP_CLASSES = [
    (
        "01",
        "可疑线索",
        "Suspicious activity",
        [
            ("0101", "可疑人员", "Suspicious person", None, ""),
            ("0102", "可疑车辆或物品", "Suspicious vehicle or object", None, ""),
            ("0103", "涉诈线索", "Fraud", None, ""),
            ("0104", "涉黄涉赌涉毒线索", "Vice, gambling or drugs", None, ""),
            ("0199", "其他可疑线索", "Other suspicious activity", None, ""),
        ],
    ),
    (
        "02",
        "安全隐患",
        "Safety hazards",
        [
            ("0201", "消防隐患", "Fire hazard", None, ""),
            ("0202", "电动车违规充电", "E-bike charged unsafely", None, ""),
            ("0203", "门禁监控损坏", "Broken door lock or camera", None, ""),
            ("0204", "交通安全隐患", "Traffic hazard", None, ""),
            ("0299", "其他安全隐患", "Other hazard", None, ""),
        ],
    ),
]


def load_tip_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=TIP_TYPE, classes=TIP_CLASSES)
