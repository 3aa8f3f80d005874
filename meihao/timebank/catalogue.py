"""The TIMEBANK case type and its kinds of help, loaded by this app's data migration.

Claimed by the time bank's members (a claim group, see timebank.apps), confirmed by the requester,
checked in and out within 200 m of the request. Response: a member should take a request on
within a day; handling (claim → check-out) per kind of help, in calendar days since elders ask
for help on weekends too.
"""

TIMEBANK_TYPE = {
    "code": "TIMEBANK",
    "number_prefix": "SJ",
    "name_zh": "时间银行互助",
    "name_en": "Time-bank help",
    # Informational: help requests are filed through the time bank (timebank.services), which
    # lets an elder ask for themself and community staff ask on an elder's behalf.
    "submit_roles": ["resident", "community_staff", "street_chief", "district_admin"],
    "public_may_submit": False,
    "claim_roles": [],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": 200,
    "response_limit": 24,
    "response_unit": "hours",
    "handling_limit": 3,
    "handling_unit": "days",
}

CLASSES = [
    (
        "01",
        "邻里互助",
        "Neighbourly help",
        [
            ("0101", "陪伴聊天", "Company and a chat", 2, "days"),
            ("0102", "代买代办", "Shopping and errands", 1, "days"),
            ("0103", "陪同就医", "Going to the doctor together", 2, "days"),
            ("0104", "家务帮扶", "Help with housework", 3, "days"),
            ("0105", "理发修剪", "Haircut and trimming", 3, "days"),
            ("0106", "其他", "Other help", 3, "days"),
        ],
    ),
]


def load_timebank_catalogue(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=TIMEBANK_TYPE, classes=CLASSES)
