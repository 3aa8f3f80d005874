"""The permission matrix over HTTP: every action posted by every persona who cannot see the case,
through the staff pages and the API, answers 404 like a missing case and changes nothing.

The service-level matrix (test_permissions.py) says who may act; this proves the pages and the
API do not turn "out of scope" into a 403 that would confirm the case exists."""

import pytest

from meihao.cases.models import Case
from meihao.cases.tests.test_permissions import MATRIX, NF, PERSONAS, bring_to, snapshot


def _form(args, case, personas, new_case) -> dict:
    data = {}
    for key, value in args.items():
        if value == "department":
            value = personas.department.pk
        elif value == "other_case":
            value = new_case().number
        elif value == "later":
            value = (case.resolve_by.date()).isoformat()
        data[key] = value
    return data


def _post(client, surface, number, action, data):
    if surface == "page":
        return client.post(f"/cases/{number}/act/{action}/", data)
    return client.post(
        f"/api/v1/cases/{number}/actions/{action}", data, content_type="application/json"
    )


@pytest.mark.parametrize("surface", ["page", "api"])
@pytest.mark.parametrize("action", list(MATRIX))
def test_out_of_scope_actions_answer_404_and_change_nothing(
    client, personas, new_case, action, surface
):
    state, args, expected = MATRIX[action]
    case = bring_to(state, new_case(), personas)
    data = _form(args, case, personas, new_case)
    outsiders = [name for name in PERSONAS if expected[name] is NF]
    assert outsiders
    before = snapshot(case), Case.objects.count()
    for name in outsiders:
        client.force_login(getattr(personas, name))
        response = _post(client, surface, case.number, action, data)
        assert response.status_code == 404, (action, name, surface)
        if surface == "api":
            assert response.json()["code"] == "not_found"
        assert (snapshot(case), Case.objects.count()) == before, (action, name, "changed")
    # The same request for a case that does not exist answers the same.
    missing = case.number[:-4] + "9999"
    assert _post(client, surface, missing, action, data).status_code == 404
