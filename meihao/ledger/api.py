"""The ledger part of the JSON API (mounted at /api/v1/ledger/).

- GET /ledger/me — the user's points and time-bank balances and their latest 20 entries each.
"""

import datetime

from ninja import Router, Schema

from meihao.ledger import selectors

router = Router()


class EntryOut(Schema):
    created_at: datetime.datetime
    amount: int
    kind: str
    memo: str


class AccountOut(Schema):
    unit: str
    balance: int
    cap: int | None
    entries: list[EntryOut]


class MyLedgerOut(Schema):
    accounts: list[AccountOut]


@router.get("/me", response=MyLedgerOut, summary="My points and time-bank minutes")
def my_ledger(request):
    accounts = []
    for unit, account in selectors.own_accounts(request.user).items():
        entries = selectors.recent_entries(account) if account else []
        accounts.append(
            {
                "unit": unit,
                "balance": account.balance if account else 0,
                "cap": account.cap if account else None,
                "entries": [
                    {
                        "created_at": e.created_at,
                        "amount": e.amount,
                        "kind": e.transfer.kind,
                        "memo": e.transfer.memo,
                    }
                    for e in entries
                ],
            }
        )
    return {"accounts": accounts}
