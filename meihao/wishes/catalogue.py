"""The WISH case type and its kinds of wish, loaded by this app's data migration.

Claimed by party members (claim role), only once the community party committee has published
the wish (`claim_after_acceptance`); the resident who ordered it confirms it. Response: reviewed
and taken on within two weeks (unclaimed wishes are escalated earlier, after
WISH_UNCLAIMED_DAYS); handling (claim → fulfilment with a photo) per kind, in calendar days.
"""

WISH_TYPE = {
    "code": "WISH",
    "number_prefix": "XY",
    "name_zh": "微心愿",
    "name_en": "Micro-wish",
    # Informational: wishes are ordered through the wishes app (wishes.services.wish_order).
    "submit_roles": ["resident"],
    "public_may_submit": False,
    "claim_roles": ["party_member"],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": True,
    "confirmed_by_requester": True,
    "onsite_radius_m": None,
    "response_limit": 14,
    "response_unit": "days",
    "handling_limit": 10,
    "handling_unit": "days",
}

CLASSES = [
    (
        "01",
        "微心愿",
        "Micro-wishes",
        [
            ("0101", "生活物资", "Daily necessities", 10, "days"),
            ("0102", "助学圆梦", "Help with schooling", 15, "days"),
            ("0103", "健康关爱", "Health care", 10, "days"),
            ("0104", "陪伴服务", "Company and care", 10, "days"),
            ("0105", "其他", "Other wishes", 10, "days"),
        ],
    ),
]


def load_wish_catalogue(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=WISH_TYPE, classes=CLASSES)
