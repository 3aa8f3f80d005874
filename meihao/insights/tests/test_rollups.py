"""Rollups answer what the records say: for random histories and random spans, the figure summed
from the rows equals the live one — after a rebuild, and after the worker's refresh following
random changes (a case moved to another day or place, closed, deleted; a service record added
or reversed). `rollup_check` says so, and exits 1 on a tampered row."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meihao.activities.models import ServiceRecord
from meihao.cases.models import Case, CaseType, Status
from meihao.insights import figures, rollups
from meihao.insights.models import RollupDirty, RollupRow, RollupState
from meihao.insights.registry import REGISTRY, Span

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)
FIRST = date(2026, 3, 1)
DAYS = 100  # the histories' days: 1 March … 8 June 2026
CASE_CODES = ["reports_filed", "on_time_closure_rate", "mean_time_to_close"]
TESTED = [*CASE_CODES, "service_hours"]

pytestmark = pytest.mark.django_db

case_st = st.fixed_dictionaries(
    {
        "place": st.integers(0, 2),
        "day": st.integers(0, DAYS - 1),
        "minute": st.integers(0, 24 * 60 - 1),  # local time: days end at local midnight
        "resolve_hours": st.integers(1, 96),
        "close_hours": st.none() | st.integers(1, 150),
        "void": st.booleans(),
    }
)
service_st = st.fixed_dictionaries(
    {"place": st.integers(0, 2), "day": st.integers(0, DAYS - 1), "minutes": st.integers(1, 600)}
)
span_st = st.tuples(st.integers(0, 5), st.integers(0, DAYS - 1), st.integers(0, 60))
change_st = st.fixed_dictionaries(
    {
        "case": st.integers(0, 100),
        "what": st.sampled_from(["move", "place", "close", "reopen", "delete", "service"]),
        "days": st.integers(-20, 20),
        "place": st.integers(0, 2),
    }
)


@pytest.fixture
def world(personas):
    grid = CaseType.objects.get(code="GRID")
    tree = personas.tree
    return {
        "personas": personas,
        "type": grid,
        "category": grid.categories.first(),
        "grids": [tree.grid_a1, tree.grid_a2, tree.grid_b1],
        "paths": [
            "",
            tree.district.path,
            tree.street_a.path,
            tree.street_b.path,
            tree.community_a.path,
            tree.grid_a1.path,
        ],
    }


def _moment(day: int, minute: int) -> datetime:
    return datetime.combine(FIRST + timedelta(days=day), datetime.min.time(), SHANGHAI) + timedelta(
        minutes=minute
    )


def _case(world, n: int, spec: dict) -> Case:
    place = world["grids"][spec["place"]]
    created = _moment(spec["day"], spec["minute"])
    closed = created + timedelta(hours=spec["close_hours"]) if spec["close_hours"] else None
    status = Status.VOID if spec["void"] else Status.CLOSED if closed else Status.DISPATCHED
    return Case.objects.create(
        number=f"T{n:06d}",
        case_type=world["type"],
        category=world["category"],
        description="路灯不亮",
        place=place,
        place_path=place.path,
        channel=Case.Channel.GRID_PATROL,
        status=status,
        created_at=created,
        updated_at=created,
        resolve_by=created + timedelta(hours=spec["resolve_hours"]),
        closed_at=closed,
    )


def _service(world, spec: dict) -> ServiceRecord:
    p = world["personas"]
    place = world["grids"][spec["place"]]
    return ServiceRecord.objects.create(
        person=p.volunteer_a.person,
        service_date=FIRST + timedelta(days=spec["day"]),
        place=place,
        place_path=place.path,
        content="清扫街巷",
        minutes=spec["minutes"],
        source=ServiceRecord.Source.STAFF_ENTRY,
        recording_organisation="骑楼社区",
        person_in_charge="社区干部甲",
        created_by=p.community_staff_a,
        evidence="service-evidence/2026/03/sign-in-sheet.jpg",
    )


def _change(world, cases: list, change: dict, n: int) -> None:
    if change["what"] == "service":
        _service(world, {"place": change["place"], "day": n % DAYS, "minutes": 45})
        return
    if not cases:
        return
    case = cases[change["case"] % len(cases)]
    shift = timedelta(days=change["days"])
    if change["what"] == "move":
        case.created_at += shift
        case.resolve_by += shift
        if case.closed_at:
            case.closed_at += shift
    elif change["what"] == "place":
        place = world["grids"][change["place"]]
        case.place, case.place_path = place, place.path
    elif change["what"] == "close":
        case.status = Status.CLOSED
        case.closed_at = case.created_at + timedelta(hours=abs(change["days"]) * 7 + 1)
    elif change["what"] == "reopen":
        case.status, case.closed_at = Status.DISPATCHED, None
    else:
        case.delete()
        cases.remove(case)
        return
    case.save()


def _spans(world, spans) -> list[Span]:
    return [
        Span.of(world["paths"][p], FIRST + timedelta(days=d), FIRST + timedelta(days=d + length))
        for p, d, length in spans
    ]


def _assert_equal(spans: list[Span]) -> None:
    for code in TESTED:
        indicator = REGISTRY[code]
        for span in spans:
            live = indicator.measure(span)
            assert rollups.stored(indicator, span) == live, (code, span)
            assert figures.measure(indicator, span) == live, (code, span)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cases=st.lists(case_st, max_size=14),
    services=st.lists(service_st, max_size=8),
    spans=st.lists(span_st, min_size=1, max_size=4),
    changes=st.lists(change_st, max_size=6),
)
def test_rollups_equal_the_live_figures_after_a_rebuild_and_after_changes(
    world, cases, services, spans, changes
):
    with time_machine.travel(NOW, tick=False):
        Case.objects.filter(number__startswith="T").delete()
        ServiceRecord.objects.all().delete()
        for model in (RollupRow, RollupState, RollupDirty):
            model.objects.all().delete()
        made = [_case(world, n, spec) for n, spec in enumerate(cases)]
        for spec in services:
            _service(world, spec)
        spans = _spans(world, spans)
        for code in TESTED:
            rollups.rebuild(REGISTRY[code])
        assert not RollupDirty.objects.exists()
        _assert_equal(spans)

        for n, change in enumerate(changes):
            _change(world, made, change, n)
        # Before the worker runs, the changed days are read live: never a stale figure.
        for code in TESTED:
            for span in spans:
                assert figures.measure(REGISTRY[code], span) == REGISTRY[code].measure(span)
        rollups.refresh()
        assert not RollupDirty.objects.exists()
        _assert_equal(spans)
        for code in TESTED:
            indicator = REGISTRY[code]
            for span in spans:
                months = figures.monthly(indicator, span, 4)
                assert months == [
                    (
                        first,
                        indicator.measure(
                            Span.of(span.place_path, first, figures.month_last(first))
                        ),
                    )
                    for first, _m in months
                ]


def _history(world):
    specs = [
        {
            "place": 0,
            "day": 80,
            "minute": 600,
            "resolve_hours": 48,
            "close_hours": 30,
            "void": False,
        },
        {
            "place": 1,
            "day": 85,
            "minute": 1430,
            "resolve_hours": 2,
            "close_hours": 5,
            "void": False,
        },
        {
            "place": 2,
            "day": 90,
            "minute": 5,
            "resolve_hours": 24,
            "close_hours": None,
            "void": False,
        },
    ]
    for n, spec in enumerate(specs):
        _case(world, n, spec)
    _service(world, {"place": 0, "day": 82, "minutes": 150})


def test_a_dirty_day_is_read_live_until_the_worker_recomputes_it(world):
    with time_machine.travel(NOW, tick=False):
        _history(world)
        indicator = REGISTRY["reports_filed"]
        span = Span.of(world["paths"][1], date(2026, 5, 1), date(2026, 6, 30))
        assert not rollups.readable(indicator, span)  # never built: live
        rollups.rebuild(indicator)
        assert rollups.readable(indicator, span)
        assert figures.measure(indicator, span).value == 3
        case = Case.objects.get(number="T000000")
        case.created_at = datetime(2026, 7, 2, 9, 0, tzinfo=SHANGHAI)
        case.save()
        assert set(RollupDirty.objects.values_list("indicator", "day")) >= {
            ("reports_filed", date(2026, 5, 20)),
            ("reports_filed", date(2026, 7, 2)),
        }
        assert not rollups.readable(indicator, span)
        assert figures.measure(indicator, span).value == 2
        assert rollups.refresh() >= 2
        assert rollups.readable(indicator, span)
        assert figures.measure(indicator, span).value == 2


def test_rollup_check_exits_1_on_a_tampered_row_and_0_when_clean(world, capsys):
    with time_machine.travel(NOW, tick=False):
        _history(world)
        with pytest.raises(CommandError) as never_built:
            call_command("rollup_check", months=2)
        assert never_built.value.returncode == 1
        assert "never built" in capsys.readouterr().err
        call_command("rollup_rebuild")
        call_command("rollup_check", months=2)
        assert "rollups ok" in capsys.readouterr().out
        row = RollupRow.objects.filter(indicator="service_hours").get()
        row.numerator += 60
        row.save()
        with pytest.raises(CommandError) as tampered:
            call_command("rollup_check", months=2)
        assert tampered.value.returncode == 1
        err = capsys.readouterr().err
        assert "service_hours 2026-05" in err and "rollup 3.5 (3.5/None), live 2.5" in err
        call_command("rollup_rebuild", indicator="service_hours", since="2026-05-01")
        call_command("rollup_check", months=2)
        assert RollupState.objects.get(indicator="service_hours").since is None


def test_rollup_rebuild_refuses_an_unknown_indicator_or_day(world):
    with pytest.raises(CommandError, match="No rolled-up indicator"):
        call_command("rollup_rebuild", indicator="active_volunteers")
    with pytest.raises(CommandError, match="is not a day"):
        call_command("rollup_rebuild", since="2026-13-01")
