"""The certificate check page is rate-limited per client address (RATE_LIMITS["certificate_check"])
so that tokens cannot be tried in bulk."""

import pytest

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "certificate_check": (LIMIT, 600)}


def test_checking_certificates_beyond_the_limit_answers_429(client, db):
    for guess in range(LIMIT):
        assert client.get(f"/volunteers/certificates/guess{guess}/").status_code == 404
    response = client.get("/volunteers/certificates/guess-next/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "尝试次数过多" in response.content.decode()
    other = client.get("/volunteers/certificates/guess-next/", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 404
