"""The LEGAL case type (法律咨询, a resident's question to their community's legal advisor) and
its topics, loaded by this app's data migration; maintained afterwards in the admin site.

A consultation is claimed from the pool by a legal advisor covering the resident's community
(the type's claim role), answered (the engine's report-back, with the minutes it took) and
confirmed by the resident, who may ask again instead (reopen). The topics are the type's
classes: they have no department, an advisor answers every one of them.
"""

LEGAL_TYPE = {
    "code": "LEGAL",
    "number_prefix": "FL",
    "name_zh": "法律咨询",
    "name_en": "Legal consultation",
    # Informational: consultations are asked through the legal app (legal.services).
    "submit_roles": ["resident"],
    "public_may_submit": False,
    "claim_roles": ["legal_advisor"],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": None,
    "response_limit": 1,
    "response_unit": "work_days",
    "handling_limit": 3,
    "handling_unit": "work_days",
}

# (major code, name, English name, [(minor code, name, English name, limit, unit)])
TOPICS = [
    (
        "01",
        "法律咨询",
        "Legal questions",
        [
            ("0101", "婚姻家庭与继承", "Marriage, family and inheritance", None, ""),
            ("0102", "劳动与社会保障", "Work and social insurance", None, ""),
            ("0103", "房产与物业", "Housing and property management", None, ""),
            ("0104", "邻里与相邻关系", "Neighbours", None, ""),
            ("0105", "合同与债务", "Contracts and debts", None, ""),
            ("0106", "人身与财产损害", "Injury and damage", None, ""),
            ("0107", "消费者权益", "Consumer rights", None, ""),
            ("0199", "其他法律问题", "Other legal questions", None, ""),
        ],
    ),
]


def load_legal_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=LEGAL_TYPE, classes=TOPICS)
