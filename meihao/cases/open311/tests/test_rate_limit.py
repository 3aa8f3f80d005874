"""Open311 POST is rate-limited per client address (RATE_LIMITS["open311_post"]); reads are not."""

import pytest

from meihao.cases.models import Case
from meihao.cases.open311.tests.helpers import error_of, get, parse, post
from meihao.cases.open311.tests.test_requests import report

LIMIT = 2


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311_post": (LIMIT, 3600)}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_post_beyond_the_limit_is_429_in_the_georeport_format(client, api_key, fmt):
    for _ in range(LIMIT):
        post(client, fmt, **report(api_key))
    response = client.post(f"/open311/v2/requests.{fmt}", report(api_key))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    code, description = error_of(parse(response, fmt), fmt)
    assert code == 429
    assert "尝试次数过多" in description
    assert Case.objects.count() == LIMIT
    # Reading goes on.
    get(client, "requests", fmt)


def test_the_limit_counts_per_client_address(client, api_key):
    for _ in range(LIMIT):
        post(client, "json", **report(api_key))
    other = client.post("/open311/v2/requests.json", report(api_key), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
