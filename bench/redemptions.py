"""200 racing redemptions against one person's points, on PostgreSQL, vs bare UPDATEs.

Seeding (a temporary PostgreSQL database on BENCH_PG_URL, dropped after): a district with one
community, a partner merchant with one 10-point item in ample stock, its staff, and a customer
whose balance covers exactly 50 redemptions (500 points). Each round issues 200 one-time passes
(not timed), then 200 redemption attempts — each with its own pass and idempotency key, through
`meihao.rewards.services.redemption_redeem` — run from a pool of threads, each thread with its
own database connection, all released at once. Checked every round: exactly 50 succeed, the
balance ends at 0, the stock went down by exactly 50, `ledger_check` finds nothing wrong.

Baseline: the same 200 attempts as bare
`UPDATE bench_balance SET balance = balance - 10 WHERE id = %s AND balance >= 10` statements from
the same number of threads (autocommit), which also let exactly 50 through. Ratio = redemption
time / baseline time (median over the rounds).

Threads: PostgreSQL allows 100 connections by default and this machine's server is shared, so
the 200 attempts run from 50 threads (4 each) unless --threads says otherwise.

    python -m bench.redemptions [--attempts 200] [--threads 50] [--rounds 3]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from bench._django import emit, environment, postgres_database, race, run_worker, setup_django

ATTEMPTS = 200
THREADS = 50
ROUNDS = 3
COST = 10
WINNERS = 50


def _world():
    from meihao.core.roles import Role
    from meihao.core.testing import make_place, make_user
    from meihao.people.models import Organisation
    from meihao.places.models import Level
    from meihao.rewards.models import PartnerMerchant

    district = make_place("450403", "万秀区", Level.DISTRICT)
    community = make_place("450403001001", "骑楼社区", Level.COMMUNITY, district)
    organisation = Organisation.objects.create(
        name="骑楼糖水铺",
        kind=Organisation.Kind.MERCHANT,
        place=community,
        place_path=community.path,
    )
    merchant = PartnerMerchant.objects.create(
        organisation=organisation, place_path=organisation.place_path
    )
    staff = make_user("13900000052", "糖水铺店员", roles=[(Role.MERCHANT_STAFF, organisation)])
    return district, community, merchant, staff


def _round(number: int, attempts: int, threads: int, world) -> dict:
    from django.core.management import call_command

    from meihao.core.errors import ValidationFailed
    from meihao.core.testing import make_user
    from meihao.ledger.checks import ledger_mismatches
    from meihao.ledger.models import Account, Transfer, Unit
    from meihao.ledger.services import account_for_person, issuer_account, ledger_transfer
    from meihao.rewards.models import Redemption, RewardItem
    from meihao.rewards.services import pass_issue, redemption_redeem

    district, community, merchant, staff = world
    customer = make_user(f"1370000{number:04d}", f"顾客{number}", home=community)
    account = account_for_person(customer.person, Unit.POINTS)
    ledger_transfer(
        actor=None,
        source=issuer_account(district),
        target=account,
        amount=COST * WINNERS,
        idempotency_key=f"bench-earn:{number}",
        kind=Transfer.Kind.SERVICE,
    )
    stock = attempts + WINNERS
    item = RewardItem.objects.create(
        merchant=merchant, name=f"双皮奶{number}", points_cost=COST, stock=stock
    )
    codes = [pass_issue(actor=customer).short_code for _ in range(attempts)]

    def attempt(n):
        try:
            redemption_redeem(
                actor=staff,
                code=codes[n],
                item=RewardItem.objects.select_related("merchant__organisation").get(pk=item.pk),
                idempotency_key=f"bench-{number}-{n:04d}",
            )
        except ValidationFailed as refusal:
            if refusal.code != "insufficient_balance":
                raise
            return False
        return True

    seconds, won, refused, errors = race(threads, attempts, attempt)
    if errors:
        raise RuntimeError(f"redemption errors: {errors[:3]!r}")
    balance = Account.objects.get(pk=account.pk).balance
    left = RewardItem.objects.get(pk=item.pk).stock
    problems = ledger_mismatches().problems
    call_command("ledger_check", verbosity=0)  # exits non-zero on any problem
    return {
        "seconds": seconds,
        "won": len(won),
        "refused": len(refused),
        "balance": balance,
        "stock_taken": stock - left,
        "redemptions": Redemption.objects.filter(item=item).count(),
        "ledger_problems": len(problems),
    }


def _baseline(attempts: int, threads: int) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_balance (id serial PRIMARY KEY, balance bigint)"
        )
        cursor.execute(
            "INSERT INTO bench_balance (balance) VALUES (%s) RETURNING id", [COST * WINNERS]
        )
        row = cursor.fetchone()[0]

    def attempt(n):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE bench_balance SET balance = balance - %s WHERE id = %s AND balance >= %s",
                [COST, row, COST],
            )
            return cursor.rowcount == 1

    seconds, won, _refused, errors = race(threads, attempts, attempt)
    if errors:
        raise RuntimeError(f"baseline errors: {errors[:3]!r}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT balance FROM bench_balance WHERE id = %s", [row])
        balance = cursor.fetchone()[0]
    return {"seconds": seconds, "won": len(won), "balance": balance}


def worker(attempts: int, threads: int, rounds: int) -> dict:
    setup_django()
    from django.db import connection

    world = _world()
    results, baselines = [], []
    for number in range(rounds):
        results.append(_round(number, attempts, threads, world))
        baselines.append(_baseline(attempts, threads))
    return {
        "vendor": connection.vendor,
        "attempts": attempts,
        "threads": threads,
        "rounds": results,
        "baselines": baselines,
    }


def report(result: dict) -> bool:
    ok = True
    for n, (r, b) in enumerate(zip(result["rounds"], result["baselines"], strict=True)):
        exact = (
            r["won"] == WINNERS
            and r["balance"] == 0
            and r["stock_taken"] == WINNERS
            and r["redemptions"] == WINNERS
            and r["ledger_problems"] == 0
            and b["won"] == WINNERS
            and b["balance"] == 0
        )
        ok = ok and exact
        print(
            f"[{result['vendor']}] round {n + 1}: {r['won']} of {result['attempts']} redeemed "
            f"({r['refused']} refused), balance {r['balance']}, stock -{r['stock_taken']}, "
            f"ledger problems {r['ledger_problems']} in {r['seconds'] * 1000:.0f} ms; "
            f"bare UPDATE {b['won']} in {b['seconds'] * 1000:.0f} ms"
            f"{'' if exact else '  <-- NOT EXACT'}"
        )
    redeem = statistics.median(r["seconds"] for r in result["rounds"])
    bare = statistics.median(b["seconds"] for b in result["baselines"])
    attempts = result["attempts"]
    print(
        f"[{result['vendor']}] {attempts} attempts from {result['threads']} threads: "
        f"redemptions {redeem * 1000:.0f} ms ({attempts / redeem:.0f}/s), "
        f"bare UPDATE {bare * 1000:.0f} ms ({attempts / bare:.0f}/s); "
        f"ratio {redeem / bare:.1f}× (median of {len(result['rounds'])} rounds)"
    )
    return ok


def run(attempts: int = ATTEMPTS, threads: int = THREADS, rounds: int = ROUNDS) -> bool:
    with tempfile.TemporaryDirectory(prefix="meihao-bench-") as scratch, postgres_database() as url:
        if url is None:
            print("[postgresql] skipped: no PostgreSQL at BENCH_PG_URL")
            return True
        env = environment(Path(scratch), url)
        args = ["--attempts", str(attempts), "--threads", str(threads), "--rounds", str(rounds)]
        return report(run_worker("bench.redemptions", env, *args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--attempts", type=int, default=ATTEMPTS)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if args.worker:
        emit(worker(args.attempts, args.threads, args.rounds))
    else:
        sys.exit(0 if run(args.attempts, args.threads, args.rounds) else 1)
