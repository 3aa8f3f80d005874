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


def load_egov_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=EGOV_TYPE, classes=[])
