import datetime
import itertools

import pytest
import time_machine

from meihao.ledger.models import Account, Transfer, Unit
from meihao.ledger.services import account_for_person, issuer_account, ledger_transfer
from meihao.rewards.models import PartnerMerchant, RewardItem

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2025, 6, 10, 10, 0, tzinfo=TZ)
_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen():
    """Every test at 10:00 on 10 June 2025 (Asia/Shanghai), time standing still."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def fund(personas, person, points: int) -> Account:
    """Give `person` points from the test district's issuer."""
    account = account_for_person(person, Unit.POINTS)
    ledger_transfer(
        actor=None,
        source=issuer_account(personas.tree.district),
        target=account,
        amount=points,
        idempotency_key=f"test-earn:{next(_keys)}",
        kind=Transfer.Kind.SERVICE,
    )
    return account


def balance(person) -> int:
    account = Account.objects.filter(person=person, unit=Unit.POINTS).first()
    return account.balance if account else 0


class Shop:
    """骑楼糖水铺 as a partner merchant with three items."""

    def __init__(self, personas):
        self.merchant = PartnerMerchant.objects.create(
            organisation=personas.merchant,
            place_path=personas.merchant.place_path,
            address="骑楼街12号",
            lat=23.41,
            lon=111.205,
            opening_hours="9:00–21:00",
        )
        self.syrup = RewardItem.objects.create(
            merchant=self.merchant, name="双皮奶", points_cost=10, stock=5
        )
        self.tea = RewardItem.objects.create(
            merchant=self.merchant, name="凉茶", points_cost=30, stock=2, limit_per_person=1
        )
        self.gone = RewardItem.objects.create(
            merchant=self.merchant, name="龟苓膏", points_cost=20, stock=0
        )


@pytest.fixture
def shop(personas):
    return Shop(personas)


@pytest.fixture
def other_shop(personas):
    """A partner merchant in community B (street B), with one item."""
    from meihao.people.models import Organisation

    organisation = Organisation.objects.create(
        name="河东粉店",
        kind=Organisation.Kind.MERCHANT,
        place=personas.tree.community_b,
        place_path=personas.tree.community_b.path,
    )
    merchant = PartnerMerchant.objects.create(
        organisation=organisation, place_path=organisation.place_path
    )
    RewardItem.objects.create(merchant=merchant, name="米粉", points_cost=15, stock=3)
    return merchant
