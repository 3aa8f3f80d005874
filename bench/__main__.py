"""Run every benchmark: `python -m bench` (or `make bench`)."""

import sys

from bench import seed_demo

BENCHMARKS = [seed_demo]


def main() -> int:
    failures = 0
    for benchmark in BENCHMARKS:
        print(f"== {benchmark.__name__.removeprefix('bench.')}", flush=True)
        if not benchmark.run():
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
