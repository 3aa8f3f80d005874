"""The EGOV case type, loaded by this app's data migration. An application's handling limit is
its item's promised time limit (egov.apps registers it), so the type has no classes; the
response limit is the intake: take it in, refuse it or ask for what is missing within two
working days."""

EGOV_TYPE = {
    "code": "EGOV",
    "number_prefix": "BJ",
    "name_zh": "网上办事",
    "name_en": "Online application",
    # Informational: applications are filed through the egov app (egov.services).
    "submit_roles": ["resident"],
    "public_may_submit": False,
    "claim_roles": [],
    "form_schema": {},
    "dispatch_mode": "assign",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": False,
    "onsite_radius_m": None,
    "response_limit": 2,
    "response_unit": "work_days",
    "handling_limit": 20,
    "handling_unit": "work_days",
}


# A visit to a service counter that ends there (a question answered, a form handed over): filed
# and closed at once by whoever served the resident (egov.services.counter_visit_record), so
# that it can be rated like an application.
COUNTER_TYPE = {
    **EGOV_TYPE,
    "code": "COUNTER",
    "number_prefix": "GT",
    "name_zh": "窗口服务",
    "name_en": "Service counter visit",
    "submit_roles": ["community_staff", "street_chief", "department_staff"],
    # The service item the resident came about, by name and code.
    "form_schema": {
        "type": "object",
        "properties": {
            "item": {"type": "string", "title": "服务事项", "maxLength": 100},
            "item_code": {"type": "string", "title": "事项编码", "maxLength": 32},
        },
        "required": ["item", "item_code"],
    },
    "response_limit": 1,
    "handling_limit": 1,
}


def load_counter_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=COUNTER_TYPE, classes=[])


def load_egov_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=EGOV_TYPE, classes=[])
