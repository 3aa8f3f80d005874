"""Pass codes are short: the counter's look-ups are rate-limited per merchant user, so that
codes cannot be guessed by trying them (core.throttle, RATE_LIMITS["pass_code"])."""

import pytest

from meihao.rewards.models import Redemption
from meihao.rewards.services import pass_issue
from meihao.rewards.tests.conftest import balance, fund

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pass_code": (LIMIT, 600)}


@pytest.fixture
def staff(client, personas):
    client.force_login(personas.merchant_staff)
    return client


@pytest.mark.parametrize("step", ["customer", "confirm", "redeem"])
def test_guessing_codes_at_the_counter_is_stopped_with_429(staff, personas, shop, step):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    data = {"item": shop.syrup.pk, "idempotency_key": "guess-0001"}
    for guess in range(LIMIT):
        response = staff.post(f"/rewards/merchant/{step}/", {**data, "code": f"ZZZZ999{guess}"})
        assert response.status_code in (400, 404)
    # The next attempt is refused even with the right code: nothing is looked up or redeemed.
    response = staff.post(f"/rewards/merchant/{step}/", {**data, "code": issued.short_code})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "尝试次数过多" in response.content.decode()
    assert 'id="customer-name"' not in response.content.decode()
    assert not Redemption.objects.exists()
    assert balance(personas.volunteer_a.person) == 40


def test_the_api_redemption_shares_the_limit(staff, personas, shop):
    fund(personas, personas.volunteer_a.person, 40)
    issued = pass_issue(actor=personas.volunteer_a)
    for guess in range(LIMIT):
        staff.post("/rewards/merchant/customer/", {"code": f"ZZZZ999{guess}"})
    response = staff.post(
        "/api/v1/rewards/redemptions",
        {"code": issued.short_code, "item": shop.syrup.pk, "idempotency_key": "api-0001"},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert not Redemption.objects.exists()
