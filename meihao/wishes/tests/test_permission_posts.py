"""Every step of a wish, posted through the page and the API by every persona who cannot see
the wish, answers 404 like a missing wish and changes nothing (the wish, its events, claims,
points and the audit log). Steps come from the app's one step table, so a new step is covered
too."""

import pytest
from django.urls import reverse

from meihao.cases.models import Case, CaseEvent
from meihao.core.models import AuditEvent
from meihao.core.testing import assert_step_out_of_sight
from meihao.ledger.models import Account
from meihao.wishes.models import WishClaim
from meihao.wishes.steps import STEPS
from meihao.wishes.tests.test_pages import PUBLISHED

OUTSIDERS = [persona for persona, status in PUBLISHED.items() if status == 404]


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        (case.status, case.updated_at),
        CaseEvent.objects.count(),
        WishClaim.objects.count(),
        list(Account.objects.order_by("pk").values_list("pk", "balance")),
        AuditEvent.objects.count(),
    )


def _post(client, surface, number, step):
    if surface == "page":
        url = reverse("wishes:act", args=[number, step])
        return client.post(url, {"note": "好", "reason": "不行"})
    return client.post(
        f"/api/v1/wishes/{number}/{step}",
        {"note": "好", "reason": "不行"},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("surface", "step"),
    [(surface, step.name) for surface in ("page", "api") for step in STEPS],
)
def test_steps_out_of_sight_answer_404_and_change_nothing(
    client, personas, published, surface, step
):
    case = published()
    assert_step_out_of_sight(
        client,
        personas,
        OUTSIDERS,
        number=case.number,
        post=lambda number: _post(client, surface, number, step),
        snapshot=lambda: snapshot(case),
        api=surface == "api",
    )
