"""Rollups answer what the records say: for random histories and random spans, the figure summed
from the rows equals the live one — after a rebuild, and after the worker's refresh following
random changes (a case moved to another day or place, closed, deleted, an event recorded, a
rating given; a service record added), and after the case engine moves a case (a conditional
UPDATE, not a save). A record counts in the row of its place and of every place above it, and a
figure reads its own place's rows; many figures are read together in a constant number of
queries. `rollup_check` says so, and exits 1 on a tampered row."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meihao.activities.models import ServiceRecord
from meihao.cases.models import Case, CaseEvent, CaseRating, CaseType, Status
from meihao.insights import figures, rollups
from meihao.insights.models import RollupDirty, RollupRow, RollupState
from meihao.insights.registry import REGISTRY, Measure, Span

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)
FIRST = date(2026, 3, 1)
DAYS = 100  # the histories' days: 1 March … 8 June 2026
CASE_CODES = [
    "reports_filed",
    "closure_rate",
    "acceptance_rate",
    "on_time_handling_rate",
    "on_time_closure_rate",
    "reopen_rate",
    "mean_time_to_close",
    "satisfaction_rate",
    # The closed loop's stages, read from the cases' events and ratings.
    "cases_reported",
    "cases_accepted",
    "cases_dispatched",
    "cases_handled",
    "cases_verified",
    "cases_rated",
]
TESTED = [*CASE_CODES, "service_hours"]
# A case's life so far, as the engine records it: each step an event (to_status, from_status).
STEPS = {
    "dispatch": (Status.DISPATCHED, Status.SUBMITTED),
    "report_back": (Status.REPORTED_BACK, Status.IN_PROGRESS),
    "reopen": (Status.REOPENED, Status.REPORTED_BACK),
    "close": (Status.CLOSED, Status.REPORTED_BACK),
}

pytestmark = pytest.mark.django_db

case_st = st.fixed_dictionaries(
    {
        "place": st.integers(0, 2),
        "day": st.integers(0, DAYS - 1),
        "minute": st.integers(0, 24 * 60 - 1),  # local time: days end at local midnight
        "resolve_hours": st.integers(1, 96),
        "close_hours": st.none() | st.integers(1, 150),
        "void": st.booleans(),
        "steps": st.lists(st.sampled_from(sorted(STEPS)), max_size=4, unique=True),
        "rated": st.none() | st.integers(1, 5),
    }
)
service_st = st.fixed_dictionaries(
    {"place": st.integers(0, 2), "day": st.integers(0, DAYS - 1), "minutes": st.integers(1, 600)}
)
span_st = st.tuples(st.integers(0, 5), st.integers(0, DAYS - 1), st.integers(0, 60))
change_st = st.fixed_dictionaries(
    {
        "case": st.integers(0, 100),
        "what": st.sampled_from(
            ["move", "place", "close", "reopen", "delete", "service", "event", "rate"]
        ),
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
    back = created + timedelta(hours=spec["resolve_hours"] * 0.9 + 3)
    case = Case.objects.create(
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
        reported_back_at=back if "report_back" in spec.get("steps", ()) else None,
        closed_at=closed,
    )
    for hours, step in enumerate(spec.get("steps", ()), start=1):
        _event(case, step, created + timedelta(hours=hours))
    if spec.get("rated"):
        _rate(world, case, spec["rated"], created + timedelta(days=3))
    return case


def _event(case: Case, step: str, at: datetime) -> CaseEvent:
    to_status, from_status = STEPS[step]
    return CaseEvent.objects.create(
        case=case, created_at=at, action=step, from_status=from_status, to_status=to_status
    )


def _rate(world, case: Case, score: int, at: datetime) -> None:
    CaseRating.objects.filter(case=case).delete()
    CaseRating.objects.create(
        case=case, rater=world["personas"].resident_a, score=score, created_at=at
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
    if change["what"] == "event":
        _event(case, sorted(STEPS)[change["place"]], case.created_at + timedelta(hours=5))
        return
    if change["what"] == "rate":
        _rate(world, case, 1 + change["place"] * 2, case.created_at + timedelta(days=4))
        return
    shift = timedelta(days=change["days"])
    if change["what"] == "move":
        case.created_at += shift
        case.resolve_by += shift
        for moved in ("reported_back_at", "closed_at"):
            if getattr(case, moved):
                setattr(case, moved, getattr(case, moved) + shift)
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
            # Any span from the rows, but a figure judged at its months' ends (the closure
            # rate) a calendar month only: the months of `monthly` below.
            if not indicator.rollup.month_end:
                assert rollups.readable(indicator, span), (code, span)
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
        for indicator in rollups.rolled_up():
            rollups.rebuild(indicator)
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
                ], (code, span)


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
        district = world["paths"][1]
        row = RollupRow.objects.get(indicator="service_hours", place_path=district)
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


def test_a_record_counts_in_the_rows_of_its_place_and_every_place_above(world):
    with time_machine.travel(NOW, tick=False):
        _service(world, {"place": 0, "day": 82, "minutes": 150})
        _service(world, {"place": 2, "day": 82, "minutes": 30})
        rollups.rebuild(REGISTRY["service_hours"])
        tree = world["personas"].tree
        rows = dict(
            RollupRow.objects.filter(indicator="service_hours").values_list(
                "place_path", "numerator"
            )
        )
        assert rollups.ancestors(tree.grid_a1.path) == [
            "",
            tree.district.path,
            tree.street_a.path,
            tree.community_a.path,
            tree.grid_a1.path,
        ]
        assert rows == {
            "": 180,
            tree.district.path: 180,
            tree.street_a.path: 150,
            tree.community_a.path: 150,
            tree.grid_a1.path: 150,
            tree.street_b.path: 30,
            tree.community_b.path: 30,
            tree.grid_b1.path: 30,
        }


def test_many_figures_are_read_together_in_a_constant_number_of_queries(world):
    with time_machine.travel(NOW, tick=False):
        _history(world)
        for code in TESTED:
            rollups.rebuild(REGISTRY[code])
        # Not a calendar month: the closure rate is read live, one query.
        closure = REGISTRY["closure_rate"]
        any_span = [code for code in TESTED if not REGISTRY[code].rollup.month_end]

        def wanted(days: int) -> list:
            return [
                (
                    REGISTRY[code],
                    Span.of(path, FIRST + timedelta(days=d), FIRST + timedelta(days=d + 9)),
                )
                for code in any_span
                for path in world["paths"]
                for d in range(0, days, 10)
            ]

        counts = []
        for days in (20, 100):
            pairs = [*wanted(days), (closure, Span.of("", FIRST, FIRST + timedelta(days=99)))]
            with CaptureQueriesContext(connection) as captured:
                read = figures.measures(pairs)
            assert read == [figures.measure(indicator, span) for indicator, span in pairs]
            assert read[-1] == closure.measure(pairs[-1][1])
            counts.append(len(captured))
        assert counts == [4, 4]  # states, dirty days, rows; the closure rate live


def test_the_engine_moving_a_case_marks_its_days(world):
    """The case engine moves a case with a conditional UPDATE, not a save: the days its
    figures count it on are marked all the same — read live until the worker recomputes them,
    then from the rows again, with the case counted as it now is."""
    from meihao.cases.services import case_dispatch, case_submit

    p = world["personas"]
    with time_machine.travel(NOW, tick=False):
        case = case_submit(
            actor=p.district_admin,
            case_type=world["type"],
            category=world["type"].categories.filter(parent__isnull=False).first(),
            description="路灯不亮",
            place=world["grids"][0],
            channel=Case.Channel.HOTLINE,
        )
        for indicator in rollups.rolled_up():
            rollups.rebuild(indicator)
        span = Span.of(world["paths"][1], NOW.date().replace(day=1), NOW.date())
        # Answered by the dispatch: a figure of the case's own fields only (its response time),
        # and one that reads its events too.
        answered, dispatched = REGISTRY["on_time_response_rate"], REGISTRY["cases_dispatched"]
        assert figures.measure(answered, span).denominator == 0
        assert figures.measure(dispatched, span).value == 0
        case_dispatch(case=case, actor=p.district_admin, organisation=p.department)
        marked = set(RollupDirty.objects.values_list("indicator", "day"))
        assert {("on_time_response_rate", NOW.date()), ("cases_dispatched", NOW.date())} <= marked
        assert not rollups.readable(answered, span)
        assert figures.measure(answered, span).denominator == 1  # live meanwhile
        rollups.refresh()
        assert rollups.readable(answered, span) and rollups.readable(dispatched, span)
        assert rollups.stored(answered, span) == answered.measure(span)
        assert rollups.stored(answered, span).denominator == 1
        assert rollups.stored(dispatched, span).value == 1


def test_the_closure_rate_is_read_from_its_rows_for_a_calendar_month_only(world):
    """A case counts as closed when it closed before its period's end: its rows judge that at
    the end of its month, and so answer a whole month, or a month up to today — never another
    span, which is read live."""
    with time_machine.travel(NOW, tick=False):
        due = _moment(80, 600)  # 20 May 2026, due 30 h after: 21 May
        _case(
            world,
            0,
            {
                "place": 0,
                "day": 80,
                "minute": 600,
                "resolve_hours": 30,
                "close_hours": 24 * 15,
                "void": False,
            },
        )  # closed 4 June
        _case(
            world,
            1,
            {
                "place": 1,
                "day": 85,
                "minute": 60,
                "resolve_hours": 30,
                "close_hours": 40,
                "void": False,
            },
        )  # closed in May
        rollups.rebuild(REGISTRY["closure_rate"])
        closure = REGISTRY["closure_rate"]
        may = Span.of("", date(2026, 5, 1), date(2026, 5, 31))
        june_so_far = Span.of("", date(2026, 6, 1), NOW.date())
        part_of_may = Span.of("", date(2026, 5, 1), date(2026, 5, 25))
        assert due.month == 5
        assert rollups.readable(closure, may) and rollups.readable(closure, june_so_far)
        assert not rollups.readable(closure, part_of_may)
        # The first case closed after May: not closed within May's period.
        assert rollups.stored(closure, may) == closure.measure(may) == Measure(50.0, 1, 2)
        assert figures.measure(closure, part_of_may) == closure.measure(part_of_may)
