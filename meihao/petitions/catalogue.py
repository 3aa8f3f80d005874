"""The PETITION case type and its topics, the dispatch catalogue (loaded by this app's data
migration; maintained afterwards as the type's classes, in the admin site).

A topic whose department is named (a short name, as the case catalogue's: 城管, 民政) goes
straight to that department (the type routes automatically) and is never pushed down to a
street or community; a topic without one (物业小区) waits for the petitioner's community or
street, which handles it or dispatches it. The reply limit is the petition's kind's (see
`models.REPLY_DAYS`), so the topics have none.
"""

PETITION_TYPE = {
    "code": "PETITION",
    "number_prefix": "WZ",
    "name_zh": "网络问政",
    "name_en": "Online petition",
    # Informational: petitions are filed through the petitions app (petitions.services).
    "submit_roles": ["resident"],
    "public_may_submit": False,
    "claim_roles": [],
    "form_schema": {
        "type": "object",
        "properties": {
            "kind": {
                "type": "string",
                "title": "类型",
                "enum": ["consult", "complaint", "suggestion", "help"],
            },
            "title": {"type": "string", "title": "标题", "maxLength": 25},
        },
        "required": ["kind", "title"],
    },
    "dispatch_mode": "auto",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": False,
    "onsite_radius_m": None,
    "response_limit": 1,
    "response_unit": "work_days",
    "handling_limit": 13,
    "handling_unit": "work_days",
}

TOPICS = [
    (
        "01",
        "城市管理",
        "City management",
        [
            ("0101", "市容环境", "Streetscape", None, "", "城管"),
            ("0102", "违法建设", "Illegal construction", None, "", "城管"),
            ("0103", "垃圾清运", "Refuse collection", None, "", "环卫"),
        ],
    ),
    (
        "02",
        "交通与安全",
        "Traffic and safety",
        [
            ("0201", "交通秩序", "Traffic order", None, "", "交警"),
            ("0202", "治安问题", "Public order", None, "", "公安"),
            ("0203", "消防安全", "Fire safety", None, "", "消防"),
        ],
    ),
    (
        "03",
        "市场与消费",
        "Markets and consumers",
        [
            ("0301", "食品安全", "Food safety", None, "", "市场监督"),
            ("0302", "消费维权", "Consumer rights", None, "", "市场监督"),
        ],
    ),
    (
        "04",
        "民生保障",
        "Social security",
        [
            ("0401", "社会救助与低保", "Social assistance", None, "", "民政"),
            ("0402", "养老服务", "Elderly care", None, "", "民政"),
            ("0403", "就业与社保", "Jobs and social insurance", None, "", "人社"),
            ("0404", "医疗卫生", "Health care", None, "", "卫健"),
        ],
    ),
    (
        "05",
        "法律服务",
        "Legal services",
        [("0501", "法律咨询与援助", "Legal advice and aid", None, "", "司法")],
    ),
    (
        "06",
        "社区事务",
        "Community affairs",
        [
            ("0601", "物业与小区管理", "Property management", None, ""),
            ("0602", "社区服务", "Community services", None, ""),
            ("0603", "其他", "Other", None, ""),
        ],
    ),
]


def load_petition_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=PETITION_TYPE, classes=TOPICS)
