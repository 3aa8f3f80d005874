"""The VISIT case type (探访关爱), loaded by this app's data migration.

A visit to an elder of 80 or more who lives alone, filed by the schedule (eldercare.visits) once
a period for each such elder. Claimed by the volunteers, party members and grid workers covering
the elder's home (claim roles); checked in and out within 300 m of the elder's building; the
elder, or the community's officials, confirm it. A visit should be taken within two days and done
within five of being taken: one not done in its week shows overdue on the community's board.
"""

VISIT_TYPE = {
    "code": "VISIT",
    "number_prefix": "TF",
    "name_zh": "探访关爱",
    "name_en": "Visit to an elder",
    # Informational: visits are filed by the schedule only (eldercare.visits).
    "submit_roles": [],
    "public_may_submit": False,
    "claim_roles": ["volunteer", "party_member", "grid_worker"],
    "form_schema": {},
    "dispatch_mode": "claim",
    "visibility": "private",
    "claim_after_acceptance": False,
    "confirmed_by_requester": True,
    "onsite_radius_m": 300,
    "response_limit": 2,
    "response_unit": "days",
    "handling_limit": 5,
    "handling_unit": "days",
}


def load_visit_type(CaseType, CaseCategory):  # noqa: N803
    from meihao.cases.catalogue import load_case_type

    return load_case_type(CaseType, CaseCategory, fields=VISIT_TYPE, classes=[])
