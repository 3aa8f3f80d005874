"""Filing a case through the API vs a bare Django view inserting the same row.

Measured: POST /api/v1/cases with a bearer token (Ninja parsing, token auth, case_submit:
validation, grid lookup, numbering, SLA deadlines, follower, timeline event, audit entry, the
new-case event for the worker, then the detail response) against two bare views, all through
Django's test Client in one process on one database, interleaved, so the server stack costs
the same on every side; first on SQLite, then on a scratch PostgreSQL database
(BENCH_PG_URL; `--sqlite-only` skips it):

- "bare, same row" (the issue's baseline: "a bare Django view that inserts the same row"): parses
  the same JSON and inserts with `Case.objects.create` the row the API writes — `submitted_by`
  from the same bearer token (people.auth.user_for_token: a SHA-256 and one query) and the grid
  found from the point (places.geo.locate). No numbering, validation, SLA, follower, event,
  audit, notification or response body. The goal (ratio >= 0.5) is checked against this one.
- "bare, other row" (for reference; the first baseline this benchmark had): the same view
  without the token and with a fixed grid, so its row has no submitter and may have the wrong
  grid — less work than any server can do to write the API's row.

Ratio = baseline time / API time (the API's share of the baseline's speed).
"""

import sys
import time

from bench._django import (
    command_line,
    each,
    interleaved,
    ratio_against_goal,
    rounds,
    run_on_sqlite_and_postgresql,
    setup_django,
)

REQUESTS = 300
GOAL = 0.5

PAYLOAD = {
    "type": "GRID",
    "category": "0501",
    "description": "流动摊贩在学校门口摆卖，影响学生进出",
    "lat": 23.41,
    "lon": 111.205,
    "address": "骑楼街 12 号",
}


def bare_urls():
    """A URLconf: the project's URLs plus the bare insert view at /bench/bare-case."""
    import json

    from django.contrib.auth.decorators import login_not_required
    from django.http import JsonResponse
    from django.urls import path
    from django.utils import timezone
    from django.views.decorators.csrf import csrf_exempt

    from meihao.cases.models import Case, CaseType
    from meihao.places.models import Place
    from meihao.urls import urlpatterns

    state = {"n": 0}

    # Open to the log-in middleware as the API is: both authenticate the request themselves.
    @login_not_required
    @csrf_exempt
    def bare_case(request):
        body = json.loads(request.body)
        case_type = CaseType.objects.get(code=body["type"])
        place = Place.objects.get(code="450403001001001")
        state["n"] += 1
        now = timezone.now()
        case = Case.objects.create(
            number=f"BARE{state['n']:010d}",
            case_type=case_type,
            category_id=case_type.categories.get(code=body["category"]).pk,
            description=body["description"],
            lat=body["lat"],
            lon=body["lon"],
            address=body["address"],
            place=place,
            place_path=place.path,
            channel="grid_patrol",
            created_at=now,
            updated_at=now,
            response_started_at=now,
        )
        return JsonResponse({"number": case.number}, status=201)

    @login_not_required
    @csrf_exempt
    def bare_same_row(request):
        from meihao.people.auth import user_for_token
        from meihao.places.geo import locate

        header = request.headers.get("Authorization", "")
        user = user_for_token(header.removeprefix("Bearer ").strip())
        if user is None:
            return JsonResponse({"code": "unauthenticated"}, status=401)
        body = json.loads(request.body)
        case_type = CaseType.objects.get(code=body["type"])
        located = locate(body["lat"], body["lon"])
        state["n"] += 1
        now = timezone.now()
        case = Case.objects.create(
            number=f"BARE{state['n']:010d}",
            case_type=case_type,
            category_id=case_type.categories.get(code=body["category"]).pk,
            description=body["description"],
            lat=body["lat"],
            lon=body["lon"],
            address=body["address"],
            place=located,
            place_path=located.path,
            submitted_by=user,
            channel="grid_patrol",
            created_at=now,
            updated_at=now,
            response_started_at=now,
        )
        return JsonResponse({"number": case.number}, status=201)

    return [
        *urlpatterns,
        path("bench/bare-case", bare_case),
        path("bench/bare-same-row", bare_same_row),
    ]


def worker() -> dict:
    setup_django()
    import types

    from django.test import Client, override_settings

    from meihao.core.testing import build_personas
    from meihao.people.services import api_token_create

    urls = types.ModuleType("bench_bare_urls")
    urls.urlpatterns = bare_urls()
    sys.modules["bench_bare_urls"] = urls
    personas = build_personas()
    _token, plaintext = api_token_create(actor=personas.grid_worker_a, name="bench")
    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}

    def api():
        response = client.post("/api/v1/cases", PAYLOAD, content_type="application/json", **auth)
        assert response.status_code == 201, response.content

    def bare():
        response = client.post("/bench/bare-case", PAYLOAD, content_type="application/json")
        assert response.status_code == 201, response.content

    def same_row():
        response = client.post(
            "/bench/bare-same-row", PAYLOAD, content_type="application/json", **auth
        )
        assert response.status_code == 201, response.content

    from django.db import connection

    with override_settings(ROOT_URLCONF="bench_bare_urls"):
        times, queries = interleaved(
            {"api": api, "bare": bare, "same_row": same_row}, rounds=rounds(REQUESTS), warm_up=20
        )
        # Where the API's time goes: the service alone, without HTTP or the response.
        from meihao.cases.models import CaseType
        from meihao.cases.services import case_submit

        grid_type = CaseType.objects.get(code="GRID")
        category = grid_type.categories.get(code=PAYLOAD["category"])
        fields = {k: PAYLOAD[k] for k in ("description", "lat", "lon", "address")}
        started = time.perf_counter()
        for _ in range(rounds(REQUESTS)):
            case_submit(
                actor=personas.grid_worker_a,
                case_type=grid_type,
                category=category,
                channel="grid_patrol",
                **fields,
            )
        service = time.perf_counter() - started
    return {
        "api": sum(times["api"]),
        "bare": sum(times["bare"]),
        "same_row": sum(times["same_row"]),
        "service": service,
        "requests": rounds(REQUESTS),
        "queries": queries,
        "vendor": connection.vendor,
    }


def report(result: dict) -> bool:
    vendor = result["vendor"]
    n = result["requests"]
    print(f"[{vendor}] POST /api/v1/cases (bearer token): {n} cases, {each(result, 'api')}")
    print(
        f"[{vendor}] baseline bare view, same row (bearer token, grid from the point): "
        f"{each(result, 'same_row')}"
    )
    print(
        f"[{vendor}] reference bare view, other row (no token, fixed grid): {each(result, 'bare')}"
    )
    print(
        f"[{vendor}] of which case_submit alone (no HTTP, no response): "
        f"{result['service'] / n * 1000:.2f} ms"
    )
    met = ratio_against_goal(
        vendor, "bare same row / API", result["same_row"] / result["api"], GOAL
    )
    print(
        f"[{vendor}] ratio bare other row / API: {result['bare'] / result['api']:.2f} (reference)"
    )
    return met


def run(sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql("bench.case_api", report, sqlite_only=sqlite_only)


if __name__ == "__main__":
    command_line(worker, run)
