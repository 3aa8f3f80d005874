"""Transfers: two entries summing to zero, never below zero, never twice for one key."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meihao.core.errors import ValidationFailed
from meihao.core.idempotency import IdempotencyKeyReused
from meihao.ledger.checks import ledger_mismatches
from meihao.ledger.models import Account, Entry, Transfer, Unit
from meihao.ledger.services import (
    CapReached,
    InsufficientBalance,
    account_for_person,
    ledger_reverse,
    ledger_transfer,
    pool_account,
)


def pay(source, target, amount, key, kind=Transfer.Kind.SERVICE):
    return ledger_transfer(
        actor=None, source=source, target=target, amount=amount, idempotency_key=key, kind=kind
    )


def balance(account):
    return Account.objects.get(pk=account.pk).balance


def test_a_transfer_writes_two_entries_summing_to_zero(points):
    transfer = pay(points.issuer, points.a, 30, "t:1")
    assert sorted(transfer.entries.values_list("amount", flat=True)) == [-30, 30]
    assert balance(points.a) == 30
    assert balance(points.issuer) == -30  # the issuer goes negative by what it issued
    assert points.a.balance == 30  # the caller's objects are refreshed


def test_a_person_never_goes_below_zero_and_nothing_is_written(points):
    pay(points.issuer, points.a, 10, "t:1")
    with pytest.raises(InsufficientBalance) as refused:
        pay(points.a, points.b, 11, "t:2", kind=Transfer.Kind.REDEMPTION)
    assert refused.value.code == "insufficient_balance"
    assert str(refused.value.message) == "账户积分不足。"
    assert (balance(points.a), balance(points.b)) == (10, 0)
    assert not Transfer.objects.filter(idempotency_key="t:2").exists()
    assert Entry.objects.count() == 2


def test_replaying_a_key_changes_nothing_and_returns_the_first_transfer(points):
    first = pay(points.issuer, points.a, 10, "t:1")
    again = pay(points.issuer, points.a, 10, "t:1")
    assert again.pk == first.pk
    assert balance(points.a) == 10
    assert Entry.objects.count() == 2


def test_a_key_reused_for_another_transfer_is_refused(points):
    pay(points.issuer, points.a, 10, "t:1")
    with pytest.raises(IdempotencyKeyReused) as refused:
        pay(points.issuer, points.a, 11, "t:1")
    assert refused.value.code == "idempotency_key_reused" and refused.value.status == 409
    assert balance(points.a) == 10


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "10"])
def test_amounts_must_be_positive_whole_numbers(points, amount):
    with pytest.raises(ValidationFailed) as refused:
        pay(points.issuer, points.a, amount, "t:1")
    assert refused.value.field == "amount"
    assert not Transfer.objects.exists()


def test_points_and_minutes_do_not_mix(personas, points):
    minutes = account_for_person(personas.resident_a.person, Unit.MINUTES)
    with pytest.raises(ValidationFailed):
        pay(points.issuer, minutes, 5, "t:1")
    with pytest.raises(ValidationFailed):
        pay(points.a, points.a, 5, "t:2")
    assert not Transfer.objects.exists()


def test_a_time_bank_account_stops_at_its_cap(personas, settings):
    settings.TIMEBANK_ACCOUNT_CAP_HOURS = 2
    pool = pool_account(personas.tree.community_a)
    funder = account_for_person(personas.resident_b.person, Unit.MINUTES)
    Account.objects.filter(pk=pool.pk).update(may_go_negative=True)  # a funded pool
    pool.refresh_from_db()
    helper = account_for_person(personas.resident_a.person, Unit.MINUTES)
    assert helper.cap == 120
    pay(pool, helper, 100, "h:1", kind=Transfer.Kind.TIMEBANK_HELP)
    with pytest.raises(CapReached) as refused:
        pay(pool, helper, 30, "h:2", kind=Transfer.Kind.TIMEBANK_HELP)
    assert "2" in str(refused.value.message)
    assert balance(helper) == 100
    pay(pool, helper, 20, "h:3", kind=Transfer.Kind.TIMEBANK_HELP)
    assert balance(helper) == 120
    assert balance(funder) == 0


def test_a_pool_cannot_pay_out_more_than_was_put_in(personas):
    pool = pool_account(personas.tree.community_a)
    helper = account_for_person(personas.resident_a.person, Unit.MINUTES)
    with pytest.raises(InsufficientBalance):
        pay(pool, helper, 60, "h:1", kind=Transfer.Kind.TIMEBANK_HELP)


def test_a_reversal_undoes_once_and_keeps_the_original(points):
    original = pay(points.issuer, points.a, 40, "t:1")
    reversal = ledger_reverse(actor=None, transfer=original, reason="录入错误")
    assert reversal.reverses == original
    assert reversal.kind == Transfer.Kind.REVERSAL
    assert balance(points.a) == 0
    assert ledger_reverse(actor=None, transfer=original, reason="again").pk == reversal.pk
    assert Transfer.objects.count() == 2
    with pytest.raises(ValidationFailed):
        ledger_reverse(actor=None, transfer=reversal, reason="undo the undo")


def test_a_reversal_may_say_what_the_undoing_is_and_still_happens_once(points):
    pay(points.issuer, points.a, 50, "t:1")
    spent = pay(points.a, points.b, 30, "t:2", kind=Transfer.Kind.REDEMPTION)
    refund = ledger_reverse(actor=None, transfer=spent, reason="退货", kind=Transfer.Kind.REFUND)
    assert (refund.kind, refund.reverses, refund.amount) == (Transfer.Kind.REFUND, spent, 30)
    assert (refund.source_id, refund.target_id) == (points.b.pk, points.a.pk)
    assert refund.get_kind_display() == "兑换退回"
    assert (balance(points.a), balance(points.b)) == (50, 0)
    assert ledger_reverse(actor=None, transfer=spent, reason="again").pk == refund.pk
    assert Transfer.objects.filter(reverses=spent).count() == 1


def test_a_reversal_needs_a_reason_and_fails_once_the_points_are_spent(points):
    original = pay(points.issuer, points.a, 40, "t:1")
    with pytest.raises(ValidationFailed) as refused:
        ledger_reverse(actor=None, transfer=original, reason="  ")
    assert refused.value.field == "reason"
    pay(points.a, points.b, 30, "t:2", kind=Transfer.Kind.REDEMPTION)
    with pytest.raises(InsufficientBalance):
        ledger_reverse(actor=None, transfer=original, reason="录入错误")
    assert balance(points.a) == 10


def test_the_database_refuses_a_negative_balance_written_around_the_services(points):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=points.a.pk).update(balance=-1)


def test_ledger_check_is_clean_and_finds_a_tampered_balance(points, capsys):
    pay(points.issuer, points.a, 25, "t:1")
    call_command("ledger_check")
    assert "ledger ok" in capsys.readouterr().out
    Account.objects.filter(pk=points.a.pk).update(balance=26)
    with pytest.raises(CommandError) as failed:
        call_command("ledger_check")
    assert failed.value.returncode == 1
    assert "balance 26, entries sum to 25" in capsys.readouterr().err


def test_ledger_check_finds_a_transfer_that_does_not_balance(points):
    transfer = pay(points.issuer, points.a, 25, "t:1")
    with connection.cursor() as cursor:  # tampering around the models, as an attacker would
        cursor.execute(
            "UPDATE ledger_entry SET amount = 24 WHERE transfer_id = %s AND amount = 25",
            [transfer.pk],
        )
    problems = ledger_mismatches().problems
    assert any("transfer t:1" in p for p in problems)
    assert any(points.a.code in p for p in problems)


# Any sequence of transfers between three people (and the issuer) keeps every transfer at sum
# zero, every person at or above zero, and every cached balance equal to its entries.
moves = st.lists(
    st.tuples(
        st.sampled_from("IABC"), st.sampled_from("ABC"), st.integers(1, 60), st.integers(0, 8)
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=moves)
def test_any_sequence_of_transfers_keeps_the_ledger_sound(personas, moves):
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        from meihao.ledger.services import issuer_account

        accounts = {
            "I": issuer_account(personas.tree.district),
            "A": account_for_person(personas.resident_a.person, Unit.POINTS),
            "B": account_for_person(personas.resident_b.person, Unit.POINTS),
            "C": account_for_person(personas.volunteer_a.person, Unit.POINTS),
        }
        expected = dict.fromkeys(accounts, 0)
        done = {}
        for source, target, amount, key in moves:
            if source == target:
                continue
            kind = Transfer.Kind.SERVICE if source == "I" else Transfer.Kind.REDEMPTION
            key = f"k:{key}"
            try:
                transfer = pay(accounts[source], accounts[target], amount, key, kind=kind)
            except InsufficientBalance:
                assert expected[source] < amount
                continue
            except IdempotencyKeyReused:
                assert done[key] != (source, target, amount, kind)
                continue
            if key in done:  # a replay: nothing moved
                assert done[key] == (source, target, amount, kind)
                continue
            done[key] = (source, target, amount, kind)
            expected[source] -= amount
            expected[target] += amount
            assert sum(transfer.entries.values_list("amount", flat=True)) == 0
        for name, account in accounts.items():
            assert balance(account) == expected[name]
            if name != "I":
                assert balance(account) >= 0
        assert ledger_mismatches().problems == []
    finally:
        transaction.savepoint_rollback(sid)
