"""The SLA sweep's fast path: escalations recorded by INSERT ... SELECT in the database, once,
and the overdue digest counted and listed there."""

import time_machine
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from meihao.cases import services
from meihao.cases.models import Case, Escalation
from meihao.cases.sla import _insert_escalations, sla_sweep
from meihao.cases.tests.conftest import local
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.notify.models import Message

MONDAY = (2024, 5, 20)


def _dispatched(personas, new_case, n=1):
    cases = []
    with time_machine.travel(local(*MONDAY, 9, 0), tick=False):
        for _ in range(n):
            case = new_case()
            services.case_dispatch(
                case=case, actor=personas.street_chief_a, organisation=personas.department
            )
            cases.append(case)
    return cases  # 乱摆卖: due 11:00, district at 15:30


def test_sweep_inserts_each_escalation_once_even_twice_in_a_row(personas, new_case):
    cases = _dispatched(personas, new_case, 3)
    now = local(*MONDAY, 16, 0)  # past 100 % and 200 % of the handling clock
    first = sla_sweep(now)
    again = sla_sweep(now)
    assert again == []
    assert sorted((e.case_id, e.level) for e in first) == sorted(
        (c.pk, level) for c in cases for level in (1, 2)
    )
    rows = Escalation.objects.order_by("id")
    assert [e.pk for e in first] == [e.pk for e in rows]
    # The returned instances are the rows as stored, as if loaded by a queryset.
    for returned, stored in zip(first, rows, strict=True):
        assert (returned.case_id, returned.clock, returned.level, returned.sweep_id) == (
            stored.case_id,
            stored.clock,
            stored.level,
            stored.sweep_id,
        )
        assert returned.created_at == stored.created_at == now
        assert returned == stored
        fields = {k: v for k, v in vars(returned).items() if k != "_state"}
        assert fields == {k: v for k, v in vars(stored).items() if k != "_state"}
        assert returned._state.adding is False and returned._state.db == "default"
        assert returned.case.pk == returned.case_id
    assert len({e.sweep_id for e in first}) == 1


def test_insert_select_skips_a_row_another_sweep_wrote_first(personas, new_case):
    (case,) = _dispatched(personas, new_case)
    now = local(*MONDAY, 11, 0)
    running = Case.objects.filter(pk=case.pk)
    # Without the NOT EXISTS (as when two sweeps race), the unique constraint and ON CONFLICT
    # DO NOTHING keep one row and raise nothing.
    _insert_escalations(running, clock="handling", level=1, now=now, sweep_id="a" * 32)
    _insert_escalations(running, clock="handling", level=1, now=now, sweep_id="b" * 32)
    assert list(Escalation.objects.values_list("case_id", "level", "sweep_id")) == [
        (case.pk, 1, "a" * 32)
    ]


def test_sweep_query_count_does_not_depend_on_the_number_of_cases(personas, new_case):
    _dispatched(personas, new_case, 2)
    with CaptureQueriesContext(connection) as few:
        sla_sweep(local(*MONDAY, 16, 0))
    _dispatched(personas, new_case, 6)
    with CaptureQueriesContext(connection) as more:
        sla_sweep(local(*MONDAY, 16, 0))
    assert len(more) == len(few)


def test_overdue_digest_counts_every_case_and_lists_thirty(personas, new_case):
    cases = _dispatched(personas, new_case, 32)
    sla_sweep(local(*MONDAY, 11, 0))
    digest = Message.objects.get(recipient=personas.street_chief_a, kind="case_overdue")
    assert digest.subject.startswith("32")
    numbers = sorted(c.number for c in cases)
    assert all(number in digest.body for number in numbers[:30])
    assert numbers[30] not in digest.body
    # Each line says which problem, in the reader's words: class name (no code), place, words.
    assert digest.body.count("乱摆卖") == 30
    assert "0501" not in digest.body


def test_overdue_digest_reaches_every_chief_of_the_street_and_no_one_else(personas, new_case):
    tree = personas.tree
    second_chief = make_user("13800000101", "街长乙", roles=[(Role.STREET_CHIEF, tree.street_a)])
    district_chief = make_user("13800000102", "区街长", roles=[(Role.STREET_CHIEF, tree.district)])
    other_street = make_user("13800000103", "街长丙", roles=[(Role.STREET_CHIEF, tree.street_b)])
    community_chief = make_user(
        "13800000104", "社区街长", roles=[(Role.STREET_CHIEF, tree.community_a)]
    )
    _dispatched(personas, new_case, 2)
    sla_sweep(local(*MONDAY, 11, 0))
    # The supervisors' digest links to the board; the department's (told too) to its queue.
    overdue = Message.objects.filter(kind="case_overdue", link="/cases/board/?overdue=1")
    assert sorted(overdue.values_list("recipient_id", flat=True)) == sorted(
        [personas.street_chief_a.pk, second_chief.pk, district_chief.pk]
    )
    assert all(m.subject.startswith("2") for m in overdue)
    assert not overdue.filter(recipient__in=[other_street, community_chief]).exists()
    # Level 2 goes to the district admin only, once.
    sla_sweep(local(*MONDAY, 16, 0))
    assert list(
        overdue.exclude(
            recipient__in=[personas.street_chief_a, second_chief, district_chief]
        ).values_list("recipient_id", flat=True)
    ) == [personas.district_admin.pk]


def test_escalations_have_no_init_receivers_for_the_sweep_to_skip():
    # sla._loaded builds the returned instances without Model.__init__.
    assert not signals.pre_init.has_listeners(Escalation)
    assert not signals.post_init.has_listeners(Escalation)
