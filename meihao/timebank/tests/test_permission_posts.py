"""Every step of a help request, posted through the page and the API by every persona who
cannot see the request, answers 404 like a missing request and changes nothing (the request,
its events, time-bank members, points and the audit log). Steps come from the app's one step
table, so a new step is covered too."""

import pytest
from django.urls import reverse

from meihao.cases.models import Case, CaseEvent
from meihao.core.models import AuditEvent
from meihao.core.testing import assert_step_out_of_sight
from meihao.ledger.models import Account
from meihao.timebank import services
from meihao.timebank.models import HelpRequest, TimeBankMember
from meihao.timebank.steps import STEPS
from meihao.timebank.tests.test_pages import REQUEST

OUTSIDERS = [persona for persona, status in REQUEST.items() if status == 404]
FORM = {"note": "好", "reason": "不行", "lat": "23.41", "lon": "111.205"}


@pytest.fixture
def request_case(personas, asked):
    """Resident A's request, with volunteer A a time-bank member (as in test_pages)."""
    services.member_join(actor=personas.volunteer_a)
    return asked()


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        (case.status, case.updated_at),
        CaseEvent.objects.count(),
        HelpRequest.objects.count(),
        TimeBankMember.objects.count(),
        list(Account.objects.order_by("pk").values_list("pk", "balance")),
        AuditEvent.objects.count(),
    )


def _post(client, surface, number, step):
    if surface == "page":
        return client.post(reverse("timebank:act", args=[number, step]), FORM)
    return client.post(
        f"/api/v1/timebank/requests/{number}/{step}", FORM, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("surface", "step"),
    [(surface, step.name) for surface in ("page", "api") for step in STEPS],
)
def test_steps_out_of_sight_answer_404_and_change_nothing(
    client, personas, request_case, surface, step
):
    assert_step_out_of_sight(
        client,
        personas,
        OUTSIDERS,
        number=request_case.number,
        post=lambda number: _post(client, surface, number, step),
        snapshot=lambda: snapshot(request_case),
        api=surface == "api",
    )
