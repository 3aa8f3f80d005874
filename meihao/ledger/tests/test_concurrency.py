"""Racing spenders on a real server database: the balance decides, exactly."""

import threading

import pytest
from django.db import connection, connections

from meihao.ledger.checks import ledger_mismatches
from meihao.ledger.models import Account, Transfer, Unit
from meihao.ledger.services import (
    InsufficientBalance,
    account_for_organisation,
    account_for_person,
    issuer_account,
    ledger_transfer,
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_twelve_racing_redemptions_of_ten_against_fifty_points_five_win(personas):
    account = account_for_person(personas.resident_a.person, Unit.POINTS)
    merchant = account_for_organisation(personas.merchant, Unit.POINTS)
    ledger_transfer(
        actor=None,
        source=issuer_account(personas.tree.district),
        target=account,
        amount=50,
        idempotency_key="seed",
        kind=Transfer.Kind.SERVICE,
    )
    barrier = threading.Barrier(12)
    won, refused, errors = [], [], []

    def spender(n):
        try:
            barrier.wait()
            ledger_transfer(
                actor=None,
                source=Account.objects.get(pk=account.pk),
                target=Account.objects.get(pk=merchant.pk),
                amount=10,
                idempotency_key=f"redeem:{n}",
                kind=Transfer.Kind.REDEMPTION,
            )
            won.append(n)
        except InsufficientBalance:
            refused.append(n)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spender, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (len(won), len(refused)) == (5, 7)
    assert Account.objects.get(pk=account.pk).balance == 0
    assert Account.objects.get(pk=merchant.pk).balance == 50
    assert ledger_mismatches().problems == []
