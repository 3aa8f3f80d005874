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


# 矛盾纠纷: a dispute taken in by the community's staff or a grid worker, claimed by a legal
# advisor of the community who mediates it; the follow-up visit (回访) closes it. The People's
# Mediation Law gives a mediation no fixed term; 30 days is the local committees' rule of thumb.
DISPUTE_TYPE = {
    "code": "DISPUTE",
    "number_prefix": "TJ",
    "name_zh": "矛盾纠纷调解",
    "name_en": "Dispute mediation",
    # Informational: disputes are taken in through the legal app (legal.disputes).
    "submit_roles": ["community_staff", "grid_worker"],
    "public_may_submit": False,
    "claim_roles": ["legal_advisor"],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": None,
    "response_limit": 2,
    "response_unit": "work_days",
    "handling_limit": 22,
    "handling_unit": "work_days",
}

DISPUTE_KINDS = [
    (
        "01",
        "矛盾纠纷",
        "Disputes",
        [
            ("0101", "婚姻家庭纠纷", "Marriage and family", None, ""),
            ("0102", "邻里纠纷", "Neighbours", None, ""),
            ("0103", "物业纠纷", "Property management", None, ""),
            ("0104", "劳动争议", "Work", None, ""),
            ("0105", "损害赔偿纠纷", "Injury and damage", None, ""),
            ("0106", "合同与债务纠纷", "Contracts and debts", None, ""),
            ("0107", "房屋土地纠纷", "Houses and land", None, ""),
            ("0199", "其他纠纷", "Other disputes", None, ""),
        ],
    ),
]


def load_dispute_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=DISPUTE_TYPE, classes=DISPUTE_KINDS)
