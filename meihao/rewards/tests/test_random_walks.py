"""Random sequences of redemptions, retries, refunds and restocks (hypothesis, rule-based):
stock, balances and the ledger always agree with the redemptions on record."""

import datetime

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from meihao.core.errors import DomainError
from meihao.ledger.checks import ledger_mismatches
from meihao.ledger.models import Account, Unit
from meihao.rewards.models import Redemption, RewardItem
from meihao.rewards.services import (
    pass_issue,
    redemption_redeem,
    redemption_refund,
    reward_item_restock,
)
from meihao.rewards.tests.conftest import NOW, Shop, fund

FUNDS = {"volunteer_a": 60, "resident_a": 25}


class RewardsWalk(RuleBasedStateMachine):
    personas = None
    frozen = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.frozen.move_to(NOW)  # every walk from the same moment: passes expire alike
        self.shop = Shop(self.personas)
        self.items = [self.shop.syrup, self.shop.tea, self.shop.gone]
        self.initial = {item.pk: item.stock for item in self.items}
        self.restocked = dict.fromkeys(self.initial, 0)
        for name, points in FUNDS.items():
            fund(self.personas, getattr(self.personas, name).person, points)
        self.keys = []
        self.counter = 0

    def teardown(self):
        transaction.set_rollback(True)  # each walk starts from the same database
        self._atomic.__exit__(None, None, None)

    def _item(self, index):
        return RewardItem.objects.select_related("merchant__organisation").get(
            pk=self.items[index].pk
        )

    @rule(who=st.sampled_from(sorted(FUNDS)), index=st.integers(0, 2), retry=st.booleans())
    def redeem(self, who, index, retry):
        user = getattr(self.personas, who)
        if retry and self.keys:
            key, item_index, code = self.keys[-1]
            index = item_index
        else:
            self.counter += 1
            key, code = f"walk-{self.counter:06d}", pass_issue(actor=user).short_code
        before = Redemption.objects.count()
        try:
            result = redemption_redeem(
                actor=self.personas.merchant_staff,
                code=code,
                item=self._item(index),
                idempotency_key=key,
            )
        except DomainError:
            assert Redemption.objects.count() == before
            return
        assert Redemption.objects.count() == before + (1 if result.created else 0)
        self.keys.append((key, index, code))

    @rule(pick=st.integers(0, 50))
    def refund(self, pick):
        redemptions = list(Redemption.objects.order_by("pk"))
        if not redemptions:
            return
        chosen = redemptions[pick % len(redemptions)]
        try:
            redemption_refund(actor=self.personas.merchant_staff, redemption=chosen, reason="退")
        except DomainError:
            assert chosen.status == Redemption.Status.REFUNDED

    @rule(index=st.integers(0, 2), change=st.integers(-3, 5))
    def restock(self, index, change):
        try:
            reward_item_restock(
                actor=self.personas.merchant_staff, item=self._item(index), change=change
            )
        except DomainError:
            return
        self.restocked[self.items[index].pk] += change

    @rule(seconds=st.sampled_from([30, 90, 150]))
    def wait(self, seconds):
        self.frozen.shift(datetime.timedelta(seconds=seconds))

    @invariant()
    def stock_and_points_agree_with_the_redemptions(self):
        completed = Redemption.objects.filter(status=Redemption.Status.COMPLETED)
        for item in self.items:
            taken = completed.filter(item=item).count()
            stock = RewardItem.objects.get(pk=item.pk).stock
            assert stock == self.initial[item.pk] + self.restocked[item.pk] - taken
        for name, points in FUNDS.items():
            person = getattr(self.personas, name).person
            spent = sum(completed.filter(person=person).values_list("points", flat=True))
            account = Account.objects.get(person=person, unit=Unit.POINTS)
            assert account.balance == points - spent
            held = completed.filter(person=person, item=self.shop.tea).count()
            assert held <= 1  # the tea's limit per person
        assert ledger_mismatches().problems == []


def test_random_walks_keep_stock_points_and_ledger_in_step(personas, frozen):
    RewardsWalk.personas, RewardsWalk.frozen = personas, frozen
    run_state_machine_as_test(
        RewardsWalk,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
