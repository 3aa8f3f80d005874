"""Schemathesis over the whole /api/v1/openapi.json, as a resident and as a staff member.

Every operation gets a few generated requests (valid and invalid, derandomised so a run is
repeatable) with a bearer token; each answer must not be a 5xx and must match the schema the
operation declares (its success shapes and `ErrorOut`). It runs inside the test transaction on
SQLite and PostgreSQL alike, over Django's WSGI handler.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from meihao.people.services import api_token_create

# Per operation and mode (valid input, invalid input): enough to reach every handler's
# refusals, few enough for the whole module to stay within about a minute.
EXAMPLES_PER_OPERATION = 3
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app(db):
    # Django closes the connection around each request; in the test transaction it must not.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(app, token: str) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures, exercised = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        exercised += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _exercise(operation, mode, headers)
            if failure:
                failures.append(f"{operation.label} ({mode}): {failure}")
    assert exercised >= 40
    return failures


def _exercise(operation, mode, headers) -> str:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def exercise(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        exercise()
    except Exception as exc:  # noqa: BLE001 - every operation's failure is reported
        return str(exc)
    return ""


@pytest.mark.parametrize("role", ["resident_a", "community_staff_a"])
def test_the_api_never_fails_and_keeps_its_schema(wsgi_app, personas, role):
    _token, plaintext = api_token_create(actor=getattr(personas, role), name="fuzz")
    failures = _fuzz(wsgi_app, plaintext)
    assert not failures, "\n\n".join(failures)
