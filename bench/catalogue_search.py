"""Searching a city's service catalogue (issue 11): 100 districts' items, about 15,000, against a
plain indexed lookup of the same rows.

Seeding: N districts (default 100), each with seven departments and the demo district's 137
items (their names and common names) plus 13 of its own, about 150 a district; search keys made
by the real `catalogue.search.keys_for`. Measured, for queries in characters (低保, 证明, 残疾人),
pinyin (dibao, shebao, yibao) and initials (db, sbk, hyzm), each in a random district: the
results page as the public list builds it — `catalogue.selectors.browse(district, q=…)`, its
count and first 25 rows — against the same count and 25 rows by primary key (a count of the
found ids and a fetch of the page's), ids known beforehand. Both must list the same items. p50
and p95 of each, interleaved; ratio = search / lookup, goal ≤ 3× at p95. SQLite, then PostgreSQL.

    python -m bench.catalogue_search [--districts N] [--sqlite-only]
"""

import json
import random
import time
from pathlib import Path

from bench._django import (
    command_line,
    percentile,
    run_on_sqlite_and_postgresql,
    setup_django,
)

DEFAULT_DISTRICTS = 100
OWN_ITEMS = 13
QUERIES = ("低保", "证明", "残疾人", "dibao", "shebao", "yibao", "db", "sbk", "hyzm")
ROUNDS = 40
PAGE = 25
GOAL = 3.0
ITEMS_FILE = Path(__file__).resolve().parent.parent / "meihao" / "demo" / "catalogue_items.json"
LOCAL = ("社区", "老年", "儿童", "困难", "补贴", "登记", "证明", "申请", "服务", "备案")


def seed(districts: int, rng: random.Random) -> tuple[float, list]:
    from django.db import connection, transaction

    from meihao.catalogue.models import ItemLifeEvent, SearchKey, ServiceItem
    from meihao.catalogue.search import keys_for
    from meihao.core import creditcode
    from meihao.demo.catalogue import guide_from
    from meihao.people.models import Organisation
    from meihao.places.models import Level, Place

    entries = json.loads(ITEMS_FILE.read_text(encoding="utf-8"))
    departments = sorted({e["department"] for e in entries})
    started = time.perf_counter()
    places = []
    with transaction.atomic():
        for n in range(districts):
            code = f"{450000 + 100 + n:06d}"
            district = Place.objects.create(
                code=code, name=f"第{n + 1}区", level=Level.DISTRICT, path=f"{code}/"
            )
            places.append(district)
            orgs = {
                name: Organisation.objects.create(
                    name=name, kind="department", place=district, place_path=district.path
                )
                for name in departments
            }
            items = []
            own = [
                {**rng.choice(entries), "name": f"{rng.choice(LOCAL)}{rng.choice(LOCAL)}事项{k}"}
                for k in range(OWN_ITEMS)
            ]
            for serial, entry in enumerate(entries + own, start=1):
                issuer = creditcode.with_check_char(f"11{code}MB{serial:07d}")
                guide = guide_from(entry, orgs[entry["department"]], issuer)
                values = guide.item_values()
                items.append(
                    ServiceItem(
                        **values,
                        place=district,
                        place_path=district.path,
                        code=f"{issuer}{entry['type']}{serial:05d}",
                        serial=serial,
                        short=f"{n:03d}{serial:03d}",
                        version=1,
                    )
                )
            items = ServiceItem.objects.bulk_create(items)
            SearchKey.objects.bulk_create(
                SearchKey(item=item, place_path=item.place_path, key=key, starts_term=starts)
                for item in items
                for key, starts in keys_for([item.name, *item.alias_list()]).items()
            )
            ItemLifeEvent.objects.bulk_create(
                ItemLifeEvent(item=item, event="assistance") for item in items
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started, places


def worker(districts: int) -> dict:
    setup_django()
    from django.db import connection

    from meihao.catalogue.models import SearchKey, ServiceItem
    from meihao.catalogue.selectors import browse

    rng = random.Random(39554)
    seconds, places = seed(districts, rng)
    cases = [(rng.choice(places), query) for _ in range(ROUNDS) for query in QUERIES]

    def search(place, query):
        results = browse(place, q=query)
        return results.count(), [item.pk for item in results[:PAGE]]

    found = {
        (place.pk, q): list(browse(place, q=q).values_list("pk", flat=True))
        for place, q in set(cases)
    }

    def lookup(place, query):
        """The same count and page by primary key: what showing known rows costs."""
        ids = found[(place.pk, query)]
        page = ids[:PAGE]
        rows = ServiceItem.objects.filter(pk__in=page).select_related("department")
        count = ServiceItem.objects.filter(pk__in=ids).count()
        return count, [item.pk for item in sorted(rows, key=lambda item: page.index(item.pk))]

    times = {"search": [], "lookup": []}
    agree = True
    for place, query in cases:
        started = time.perf_counter()
        answer = search(place, query)
        times["search"].append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline = lookup(place, query)
        times["lookup"].append(time.perf_counter() - started)
        agree = agree and answer == baseline
    return {
        "vendor": connection.vendor,
        "items": ServiceItem.objects.count(),
        "keys": SearchKey.objects.count(),
        "seed_seconds": seconds,
        "agree": agree,
        "found_mean": sum(len(ids) for ids in found.values()) / len(found),
        **{
            f"{name}_{q}": percentile(values, fraction) * 1000
            for name, values in times.items()
            for q, fraction in (("p50", 0.5), ("p95", 0.95))
        },
    }


def report(r: dict) -> bool:
    ratio50 = r["search_p50"] / r["lookup_p50"]
    ratio95 = r["search_p95"] / r["lookup_p95"]
    met = ratio95 <= GOAL
    print(
        f"[{r['vendor']}] {r['items']:,} items, {r['keys']:,} search keys, seeded in "
        f"{r['seed_seconds']:.1f} s; {len(QUERIES)} queries × {ROUNDS} "
        f"({r['found_mean']:.1f} items found on average)"
    )
    print(
        f"  search p50 / p95: {r['search_p50']:.2f} / {r['search_p95']:.2f} ms; indexed lookup "
        f"of the same rows: {r['lookup_p50']:.2f} / {r['lookup_p95']:.2f} ms; ratio p50 "
        f"{ratio50:.2f}×, p95 {ratio95:.2f}× (goal ≤ {GOAL:.0f}× at p95: "
        f"{'met' if met else 'NOT met'}); same results: {r['agree']}"
    )
    return met and r["agree"]


def run(districts: int = DEFAULT_DISTRICTS, sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql(
        "bench.catalogue_search", report, "--districts", str(districts), sqlite_only=sqlite_only
    )


if __name__ == "__main__":
    command_line(worker, run, size="districts", default=DEFAULT_DISTRICTS)
