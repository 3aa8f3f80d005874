"""Random walks through the workflow by random personas (hypothesis, rule-based).

Whatever the sequence: the status is always a known state reached through the transition table,
exactly one timeline event is appended per successful action and none per refused one, a refused
action changes nothing, the services agree with `case_abilities`, a stale copy never wins, and every
closed case was reported back and then verified.
"""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseEvent, Status
from meihao.cases.services import ACTION_SERVICES, case_submit
from meihao.cases.states import ACTIONS, HANDLING_RUNNING, TERMINAL_STATES, TRANSITIONS, WORKING
from meihao.core.errors import (
    ConcurrentChange,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from meihao.core.testing import Personas

NAMES = (
    "grid_worker_a", "grid_worker_b", "community_staff_a", "street_chief_a", "department_staff",
    "district_admin", "resident_a", "resident_b", "outsider",
)  # fmt: skip
REFUSALS = (NotFound, PermissionDenied, IllegalTransition, ValidationFailed)


def row_of(pk):
    return Case.objects.values(
        "status", "version", "assigned_organisation_id", "resolve_by", "extension_until"
    ).get(pk=pk)


class CaseWalk(RuleBasedStateMachine):
    personas: Personas = None
    grid_type = None
    category = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        p = self.personas
        self.case_ids = [
            case_submit(
                actor=actor,
                case_type=self.grid_type,
                category=self.category,
                description="随机游走",
                lat=23.41,
                lon=111.205,
                channel=channel,
            ).pk
            for actor, channel in (
                (p.grid_worker_a, Case.Channel.GRID_PATROL),
                (p.resident_a, Case.Channel.RESIDENT),
            )
        ]
        self.successes = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _kwargs(self, action, case):
        other = Case.objects.get(pk=next(pk for pk in self.case_ids if pk != case.pk))
        later = max(timezone.now(), case.resolve_by or timezone.now()) + timedelta(days=1)
        return {
            "dispatch": {"organisation": self.personas.department},
            "reject": {"reason": "不予受理"},
            "merge": {"original": other},
            "report_back": {"note": "已处理"},
            "return": {"reason": "派错部门"},
            "request_extension": {"until": later, "reason": "需协调"},
            "deny_extension": {"reason": "不同意"},
            "reopen": {"reason": "未处理好"},
            "park": {"reason": "挂账"},
            "void": {"reason": "作废"},
        }.get(action, {})

    def _act(self, index, name, action):
        pk = self.case_ids[index]
        actor = getattr(self.personas, name)
        case = Case.objects.get(pk=pk)
        predicted = case_abilities(case, actor)[action]
        before, events_before = row_of(pk), CaseEvent.objects.filter(case_id=pk).count()
        try:
            ACTION_SERVICES[action](case=case, actor=actor, **self._kwargs(action, case))
        except REFUSALS as error:
            # abilities may not foresee a bad argument (merging into a void case), nothing else.
            assert not predicted or isinstance(error, ValidationFailed), (name, action, error)
            assert row_of(pk) == before, (name, action, "refusal changed the case")
            assert CaseEvent.objects.filter(case_id=pk).count() == events_before
            return False
        assert predicted, (name, action, "succeeded although abilities said no")
        self.successes += 1
        after = row_of(pk)
        events = list(CaseEvent.objects.filter(case_id=pk).order_by("-id")[:2])
        assert CaseEvent.objects.filter(case_id=pk).count() == events_before + 1
        assert events[0].action == action
        assert events[0].from_status == before["status"]
        assert after["status"] == (TRANSITIONS[action].target or before["status"])
        assert after["version"] == before["version"] + 1
        return True

    def _allowed(self, index):
        case = Case.objects.get(pk=self.case_ids[index])
        return [
            (name, action)
            for name in NAMES
            for action, ok in case_abilities(case, getattr(self.personas, name)).items()
            if ok and action != "view"
        ]

    def _draw_allowed(self, data, index):
        """An allowed (persona, action), mostly one that keeps the case open so walks go deep."""
        allowed = self._allowed(index)
        onward = [(n, a) for n, a in allowed if TRANSITIONS[a].target not in TERMINAL_STATES]
        if onward and data.draw(st.integers(0, 9), label="onward") > 0:
            allowed = onward
        return data.draw(st.sampled_from(allowed)) if allowed else None

    @rule(data=st.data(), index=st.integers(0, 1))
    def progress(self, data, index):
        """An action some persona is allowed to take (keeps the walk moving)."""
        drawn = self._draw_allowed(data, index)
        if drawn:
            self._act(index, *drawn)

    @rule(index=st.integers(0, 1), name=st.sampled_from(NAMES), action=st.sampled_from(ACTIONS))
    def attempt(self, index, name, action):
        """Any persona tries any action."""
        self._act(index, name, action)

    @rule(data=st.data(), index=st.integers(0, 1))
    def race(self, data, index):
        """Two people, each allowed to act, load the case and act one after the other: the
        second acts on a stale copy and must get ConcurrentChange, with nothing changed."""
        first = self._draw_allowed(data, index)
        if not first:
            return
        second = data.draw(st.sampled_from(self._allowed(index)))
        pk = self.case_ids[index]
        actors = [getattr(self.personas, name) for name in (first[0], second[0])]
        copies = [Case.objects.get(pk=pk) for a in actors]
        actor, copy, action = actors[0], copies[0], first[1]
        try:
            ACTION_SERVICES[action](case=copy, actor=actor, **self._kwargs(action, copy))
        except ValidationFailed:  # a bad argument (merging into a closed-off case)
            return
        self.successes += 1
        before = row_of(pk)
        events_before = CaseEvent.objects.filter(case_id=pk).count()
        actor, copy, action = actors[1], copies[1], second[1]
        try:
            ACTION_SERVICES[action](case=copy, actor=actor, **self._kwargs(action, copy))
        except ConcurrentChange:
            pass
        except ValidationFailed:
            pass
        else:
            raise AssertionError(f"stale copy won: {first} then {second}")
        assert row_of(pk) == before
        assert CaseEvent.objects.filter(case_id=pk).count() == events_before

    @invariant()
    def timeline_explains_the_state(self):
        for pk in self.case_ids:
            case = Case.objects.get(pk=pk)
            events = list(case.events.order_by("id"))
            assert case.status in Status.values
            assert events[0].action == "submit" and events[0].to_status == Status.SUBMITTED
            for previous, event in pairwise(events):
                assert event.from_status == previous.to_status
                transition = TRANSITIONS[event.action]
                assert event.from_status in transition.sources
                assert event.to_status == (transition.target or event.from_status)
            assert events[-1].to_status == case.status
            assert case.version == len(events)  # one event per change, no more, no less
            if case.status == Status.CLOSED:
                # urging the verifier (督办) may come between: it keeps the state.
                moves = [e for e in events if e.to_status != e.from_status]
                assert moves[-1].action == "verify_close"
                assert moves[-2].action == "report_back"
                assert case.closed_at is not None
            if case.status == Status.DUPLICATE:
                assert case.duplicate_of_id in self.case_ids
            if case.status in WORKING | {Status.REPORTED_BACK}:
                assert case.assigned_organisation_id is not None
            if case.status in HANDLING_RUNNING | {Status.REPORTED_BACK}:
                assert case.resolve_by is not None and case.responded_at is not None


# Sixty walks, in two independently drawn halves that xdist runs side by side.
@pytest.mark.parametrize("half", (1, 2))
def test_random_walks_through_the_workflow(personas, grid_type, vending, half):
    CaseWalk.personas, CaseWalk.grid_type, CaseWalk.category = personas, grid_type, vending
    run_state_machine_as_test(
        CaseWalk,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
