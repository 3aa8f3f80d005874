"""The RECTIFY case type (差评整改), loaded by this app's data migration. Its handling limit is
`settings.RATING_RECTIFY_DAYS` working days (ratings.apps registers it), so it has no classes;
the rater confirms the fix (`confirmed_by_requester`), or a dispatcher on their behalf after
calling them back."""

RECTIFY_TYPE = {
    "code": "RECTIFY",
    "number_prefix": "ZG",
    "name_zh": "差评整改",
    "name_en": "Rectification of a poor rating",
    # Informational: rectifications are opened by the ratings app when a service is rated poorly.
    "submit_roles": [],
    "public_may_submit": False,
    "claim_roles": [],
    "form_schema": {},
    "dispatch_mode": "assign",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": None,
    "response_limit": 1,
    "response_unit": "work_days",
    "handling_limit": 5,
    "handling_unit": "work_days",
}


def load_rectify_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=RECTIFY_TYPE, classes=[])
