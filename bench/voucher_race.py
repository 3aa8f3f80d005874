"""Concurrent care-voucher payments on one elder's allowance, on PostgreSQL (issue 12): exact and
never below zero.

Seeding (a temporary PostgreSQL database on BENCH_PG_URL, dropped after): the demo district, an
elder on a low income at a building of grid 1 with the ¥100 monthly allowance of a policy paying
half of a subsidised item and ¥1,000 of her own money; a canteen nearby with a cook. Each round
brings N lunches (¥12 each: up to ¥6 from vouchers) to "served, to be confirmed" through home
care's own services (not timed), then confirms all N at once from a pool of threads, each thread
with its own database connection — `meihao.care.services.order_confirm`, whose close effect pays
each order. Checked every round: the vouchers paid add up to exactly the allowance (¥100: sixteen
full shares and one of ¥4, the others none), the voucher balance ends at 0 and never went below,
every order's vouchers and own money add up to its price, the ledger's invariants hold.

Baseline: the same N attempts as bare conditional UPDATEs of one balance from the same number of
threads. Ratio = confirmation time / baseline time (median over the rounds); no goal: what is
asked is exactness.

    python -m bench.voucher_race [--orders 60] [--threads 20] [--rounds 3]
"""

import argparse
import datetime
import statistics
import sys
import tempfile
from pathlib import Path

from bench._django import emit, environment, postgres_database, race, run_worker, setup_django

ORDERS = 60
THREADS = 20
ROUNDS = 3
ALLOWANCE = 10_000
SHARE = 600


def _world():
    from bench._seed import load_district
    from meihao.care import services as care
    from meihao.care.models import CareService, Provider, Skill, VoucherPolicy
    from meihao.core.testing import make_user
    from meihao.eldercare import services as eldercare
    from meihao.people.models import Organisation, User
    from meihao.places.models import Building, Level, Place

    load_district()
    grid = Place.objects.filter(level=Level.GRID).order_by("code").first()
    community = grid.parent
    building = Building.objects.create(
        name="基准楼",
        place=grid,
        place_path=grid.path,
        lat=grid.centroid_lat,
        lon=grid.centroid_lon,
    )
    staff = User.objects.get(phone="13900000003")  # the demo community staff
    VoucherPolicy.objects.create(
        name="低保老人补贴", for_low_income=True, monthly_cents=ALLOWANCE, share_percent=50
    )
    organisation = Organisation.objects.create(
        name="基准长者食堂",
        kind=Organisation.Kind.MERCHANT,
        place=community,
        place_path=community.path,
    )
    meal = CareService.objects.get(code="MEAL-01")
    provider = care.provider_register(
        actor=staff,
        organisation=organisation,
        kind=Provider.Kind.MERCHANT,
        lat=building.lat,
        lon=building.lon,
        services=[meal],
        opens_at=datetime.time(0),
        closes_at=datetime.time(23, 59),
    )
    cook = make_user("13700009999", "基准厨师", home=grid)
    member = care.staff_add(actor=staff, provider=provider, person=cook.person, skills=[Skill.MEAL])
    member.certificates.create(kind="health", number="JK-1", expires_on=datetime.date(2099, 1, 1))
    return grid, building, staff, cook, meal, eldercare


def _round(number: int, orders: int, threads: int, world) -> dict:
    from django.utils import timezone

    from meihao.care import services as care
    from meihao.care.models import CareOrder
    from meihao.care.vouchers import allowance_grant
    from meihao.core.testing import make_user
    from meihao.ledger.checks import ledger_mismatches
    from meihao.ledger.models import Account, Entry, Unit

    grid, building, staff, cook, meal, eldercare = world
    user = make_user(f"1370000{number:04d}", f"基准老人{number}", home=grid)
    person = user.person
    person.birth_date, person.building = datetime.date(1944, 5, 12), building
    person.save()
    elder = eldercare.elder_register(actor=staff, person=person, living="alone", low_income=True)
    allowance_grant(elder=elder, month=timezone.localdate())
    care.wallet_top_up(actor=staff, elder=elder, cents=100_000, receipt=f"bench-{number}")
    served = []
    # On the hour: the canteen closes at 23:59, and an order at 23:59:30 would find it shut.
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(
        minute=0, second=0, microsecond=0
    )
    for n in range(orders):
        order = care.order_place(
            actor=user,
            elder=elder,
            service=meal,
            starts_at=start + datetime.timedelta(hours=2 * n),
        )
        care.order_take(actor=cook, order=order)
        care.order_check_in(actor=cook, order=order, lat=building.lat, lon=building.lon)
        care.order_check_out(actor=cook, order=order, lat=building.lat, lon=building.lon)
        served.append(order.pk)

    def attempt(n):
        order = CareOrder.objects.select_related("case", "service").get(pk=served[n])
        care.order_confirm(actor=user, order=order)
        return True

    seconds, _won, _refused, errors = race(threads, orders, attempt)
    if errors:
        raise RuntimeError(f"confirmation errors: {errors[:3]!r}")
    paid = list(CareOrder.objects.filter(pk__in=served).values_list("voucher_cents", "own_cents"))
    vouchers = Account.objects.get(person=person, unit=Unit.VOUCHER)
    lowest = _lowest_balance(Entry.objects.filter(account=vouchers).order_by("pk"))
    return {
        "seconds": seconds,
        "vouchers_paid": sum(v for v, _own in paid),
        "full_shares": sum(1 for v, _own in paid if v == SHARE),
        "balance": vouchers.balance,
        "lowest": lowest,
        "priced_right": all(v + own == meal.price_cents for v, own in paid),
        "paid": sum(1 for v, own in paid if v + own),
        "ledger_problems": len(ledger_mismatches().problems),
    }


def _lowest_balance(entries) -> int:
    balance, lowest = 0, 0
    for entry in entries:
        balance += entry.amount
        lowest = min(lowest, balance)
    return lowest


def _baseline(orders: int, threads: int) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_vouchers (id serial PRIMARY KEY, balance bigint)"
        )
        cursor.execute("INSERT INTO bench_vouchers (balance) VALUES (%s) RETURNING id", [ALLOWANCE])
        row = cursor.fetchone()[0]

    def attempt(n):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE bench_vouchers SET balance = balance - %s WHERE id = %s AND balance >= %s",
                [SHARE, row, SHARE],
            )
            return cursor.rowcount == 1

    seconds, won, _refused, errors = race(threads, orders, attempt)
    if errors:
        raise RuntimeError(f"baseline errors: {errors[:3]!r}")
    return {"seconds": seconds, "won": len(won)}


def worker(orders: int, threads: int, rounds: int) -> dict:
    setup_django()
    from django.db import connection

    world = _world()
    results, baselines = [], []
    for number in range(rounds):
        results.append(_round(number, orders, threads, world))
        baselines.append(_baseline(orders, threads))
    return {
        "vendor": connection.vendor,
        "orders": orders,
        "threads": threads,
        "rounds": results,
        "baselines": baselines,
    }


def report(result: dict) -> bool:
    ok = True
    orders = result["orders"]
    expected = min(ALLOWANCE, SHARE * orders)
    for n, r in enumerate(result["rounds"]):
        exact = (
            r["vouchers_paid"] == expected
            and r["balance"] == ALLOWANCE - expected
            and r["lowest"] >= 0
            and r["priced_right"]
            and r["paid"] == orders
            and r["ledger_problems"] == 0
        )
        ok = ok and exact
        print(
            f"[{result['vendor']}] round {n + 1}: {r['paid']} of {orders} confirmed and paid; "
            f"vouchers ¥{r['vouchers_paid'] / 100:g} ({r['full_shares']} full shares), balance "
            f"¥{r['balance'] / 100:g}, lowest ¥{r['lowest'] / 100:g}, ledger problems "
            f"{r['ledger_problems']} in {r['seconds'] * 1000:.0f} ms"
            f"{'' if exact else '  <-- NOT EXACT'}"
        )
    confirm = statistics.median(r["seconds"] for r in result["rounds"])
    bare = statistics.median(b["seconds"] for b in result["baselines"])
    print(
        f"[{result['vendor']}] {orders} confirmations from {result['threads']} threads: "
        f"{confirm * 1000:.0f} ms ({orders / confirm:.0f}/s), bare UPDATE {bare * 1000:.0f} ms; "
        f"ratio {confirm / bare:.1f}× (median of {len(result['rounds'])} rounds; no goal: "
        f"exact {'yes' if ok else 'NO'})"
    )
    return ok


def run(orders: int = ORDERS, threads: int = THREADS, rounds: int = ROUNDS) -> bool:
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch, postgres_database() as url:
        if url is None:
            print("[postgresql] skipped: no PostgreSQL at BENCH_PG_URL")
            return True
        env = environment(Path(scratch), url)
        args = ["--orders", str(orders), "--threads", str(threads), "--rounds", str(rounds)]
        return report(run_worker("bench.voucher_race", env, *args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--orders", type=int, default=ORDERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.orders, args.threads, args.rounds))
    else:
        sys.exit(0 if run(args.orders, args.threads, args.rounds) else 1)
