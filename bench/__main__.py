"""Run every benchmark: `python -m bench` (or `make bench`)."""

import sys

from bench import (
    case_api,
    dispatch_board,
    helpers_nearby,
    redemptions,
    seed_demo,
    service_hours,
    sla_sweep,
)

BENCHMARKS = [
    seed_demo,
    case_api,
    dispatch_board,
    sla_sweep,
    service_hours,
    redemptions,
    helpers_nearby,
]


def main() -> int:
    failures = 0
    for benchmark in BENCHMARKS:
        print(f"== {benchmark.__name__.removeprefix('bench.')}", flush=True)
        if not benchmark.run():
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
