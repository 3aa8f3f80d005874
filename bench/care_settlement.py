"""A city-size month of home care settled, on PostgreSQL (issue 12): the statements of every
provider for 570,000 orders (100 times the article's 5,704) among 73,000 providers, within twice
a raw SQL aggregate of the same figures.

Seeding (a temporary PostgreSQL database on BENCH_PG_URL, dropped after): the demo district, the
providers as `bench.providers_nearby` seeds them, 20,000 elders, and N cases (the engine's
table, by COPY: most closed) each with its care order of the month — a random elder, item and
provider, the price of the item, vouchers paying half of it for one order in three, paid when
the case is closed.

Measured, interleaved: `meihao.care.statements.month_statements(user, month)` for a district
administrator of the whole district — every provider's orders, price, vouchers and own money
for the month, in the ORM, within the administrator's scope, most vouchers first, with each
settlement's status (the page then names its twenty providers) — against one raw SQL GROUP BY
of the same four figures by provider. Both must agree. p50 and p95 of each; ratio = ORM / raw SQL.

    python -m bench.care_settlement [--orders N]
"""

import argparse
import datetime
import random
import sys
import tempfile
import time
from pathlib import Path

from bench._django import (
    emit,
    environment,
    interleaved,
    p50_p95,
    postgres_database,
    rounds,
    run_worker,
    setup_django,
)

ORDERS = 570_000
PROVIDERS = 73_000
ELDERS = 20_000
GOAL = 2.0
MONTH = datetime.date(2026, 11, 1)

RAW = """
SELECT o.provider_id, COUNT(*), SUM(o.price_cents), SUM(o.voucher_cents), SUM(o.own_cents)
FROM care_careorder o JOIN cases_case c ON c.id = o.case_id
WHERE o.month = %s AND o.paid_at IS NOT NULL AND c.status = 'closed'
GROUP BY o.provider_id
"""


def _seed_elders(count: int, rng) -> list[int]:
    from django.contrib.auth import get_user_model

    from meihao.eldercare.models import Elder
    from meihao.people.models import Person
    from meihao.places.models import Level, Place

    grids = list(Place.objects.filter(level=Level.GRID).values_list("pk", "path"))
    people = Person.objects.bulk_create(
        [
            Person(
                real_name=f"老人{n:05d}",
                birth_date=datetime.date(1940 + n % 20, 1, 1),
                home_place_id=grids[n % len(grids)][0],
                home_place_path=grids[n % len(grids)][1],
            )
            for n in range(count)
        ],
        batch_size=5_000,
    )
    registrar = get_user_model().objects.get(phone="13900000003")
    elders = Elder.objects.bulk_create(
        [
            Elder(person=p, place_path=p.home_place_path, living="alone", registered_by=registrar)
            for p in people
        ],
        batch_size=5_000,
    )
    return [(e.pk, e.place_path) for e in elders]


def _seed_orders(count: int, rng) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from bench._seed import seed_cases
    from meihao.care.models import CareOrder, CareService, Provider
    from meihao.cases.models import Case

    started = time.perf_counter()
    seed_cases(count, seed=5)
    elders = _seed_elders(ELDERS, rng)
    services = list(CareService.objects.filter(activity_kind="").values_list("pk", "price_cents"))
    providers = list(Provider.objects.values_list("pk", flat=True))
    # Read before the COPY starts: one connection runs one command at a time.
    cases = list(Case.objects.filter(number__startswith="BN").values_list("pk", "status"))
    start = datetime.datetime.combine(MONTH, datetime.time(9), tzinfo=datetime.UTC)
    columns = [
        "case_id", "elder_id", "service_id", "place_path", "starts_at", "ends_at", "price_cents",
        "voucher_cents", "own_cents", "urgent", "note", "ordered_by_id", "provider_id",
        "taken_by", "paid_at", "month",
    ]  # fmt: skip
    quote = connection.ops.quote_name
    orderer = get_user_model().objects.get(phone="13900000003").pk
    table = quote(CareOrder._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        names = ", ".join(quote(c) for c in columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for case_id, status in cases:
                elder_id, path = elders[rng.randrange(len(elders))]
                service_id, price = services[rng.randrange(len(services))]
                when = start + datetime.timedelta(minutes=rng.randrange(29 * 24 * 60))
                vouchers = price // 2 if rng.random() < 1 / 3 else 0
                copy.write_row(
                    (
                        case_id, elder_id, service_id, path, when,
                        when + datetime.timedelta(hours=1), price, vouchers, price - vouchers,
                        False, "", orderer, providers[rng.randrange(len(providers))], "grabbed",
                        when + datetime.timedelta(hours=2) if status == "closed" else None, MONTH,
                    )
                )  # fmt: skip
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def worker(orders: int) -> dict:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench._seed import load_district
    from bench.providers_nearby import seed_providers
    from meihao.care.models import CareOrder
    from meihao.care.statements import month_statements

    load_district()
    rng = random.Random(3)
    providers = max(1, orders * PROVIDERS // ORDERS)
    seed_providers(providers)
    seed_seconds = _seed_orders(orders, rng)
    admin = get_user_model().objects.get(phone="13900000006")  # the demo district admin

    def orm():
        return month_statements(admin, MONTH)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [MONTH])
            return cursor.fetchall()

    by_orm = {r.provider_id: (r.orders, r.price_cents, r.voucher_cents, r.own_cents) for r in orm()}
    by_raw = {row[0]: tuple(int(v) for v in row[1:]) for row in raw()}
    times, queries = interleaved({"orm": orm, "raw": raw}, rounds=rounds(10), warm_up=1)
    return {
        "vendor": connection.vendor,
        "orders": CareOrder.objects.count(),
        "providers": providers,
        "statements": len(by_raw),
        "seed_seconds": seed_seconds,
        "agree": by_orm == by_raw,
        "queries": queries["orm"],
        **p50_p95("orm", times["orm"]),
        **p50_p95("raw", times["raw"]),
    }


def report(r: dict) -> bool:
    ratio50, ratio95 = r["orm_p50"] / r["raw_p50"], r["orm_p95"] / r["raw_p95"]
    ok = r["agree"] and ratio95 <= GOAL
    print(
        f"[{r['vendor']}] {r['orders']:,} care orders of a month, {r['providers']:,} providers "
        f"({r['statements']:,} with orders paid), seeded in {r['seed_seconds']:.0f} s"
    )
    print(
        f"  month_statements ({r['queries']} queries) p50 {r['orm_p50'] * 1000:.0f} ms, "
        f"p95 {r['orm_p95'] * 1000:.0f} ms; raw SQL GROUP BY p50 {r['raw_p50'] * 1000:.0f} ms, "
        f"p95 {r['raw_p95'] * 1000:.0f} ms; ratio p50 {ratio50:.2f}×, p95 {ratio95:.2f}× "
        f"(goal <= {GOAL:.0f}×: {'met' if ratio95 <= GOAL else 'NOT met'}); same figures: "
        f"{r['agree']}"
    )
    return ok


def run(orders: int = ORDERS) -> bool:
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch, postgres_database() as url:
        if url is None:
            print("[postgresql] skipped: no PostgreSQL at BENCH_PG_URL")
            return True
        env = environment(Path(scratch), url)
        return report(run_worker("bench.care_settlement", env, "--orders", str(orders)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--orders", type=int, default=ORDERS)
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.orders))
    else:
        sys.exit(0 if run(args.orders) else 1)
