"""The demo's points shops (积分超市): every merchant of the district is a partner with three to
six reward items fitting its trade, and a year of redemptions at their counters — what
`rewards.services.redemption_redeem` writes for each: a one-time pass used at that moment, the
item's stock taken down by one, the points moved from the customer's account to the merchant's
(`redemption:<key>`), the redemption; one was refunded (`ledger_reverse`, the item back in
stock). Shops restock an item when it runs out (the stock shown is what is left since).

Who redeems: residents with points, at a shop of their own community, only what their points
earned before that moment cover (the account never goes below zero, whatever comes later), an
item in stock and within its limit per person. Besides the draws of the year, at any scale:
the demo merchant's counter serves a customer most days, and its month always opens with a sale
made before the moment of loading (its staff see this month's takings on any date, the first
of a month at half past midnight too), and the demo volunteer spends some of her points there
every other month.

Idempotent: merchants by organisation, items by (merchant, name), redemptions by their
idempotency key (`demo-<day>-<slot>`) and only after the last one written (a later run adds the
time since); the refund only while the district has none.
"""

import datetime
import hashlib
import random
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.plan import Plan
from meihao.demo.points import Points, TransferRow
from meihao.demo.residents import Resident, Residents
from meihao.demo.rows import RowWriter, date_value, datetime_value, max_id
from meihao.ledger.models import Account, Entry, Transfer, Unit
from meihao.people.models import Organisation, RoleAssignment
from meihao.rewards import passes
from meihao.rewards.models import PartnerMerchant, Redemption, RedemptionPass, RewardItem

# The seed's red-armband merchant alliance (docs/product.md): 18 merchants back the patrols.
ALLIANCE_MERCHANTS = 18

REDEMPTIONS_PER_SCALE = 1500
DAYS = 365
# (name, points, stock, limit per person or None) by trade.
ITEMS = {
    "米粉店": [
        ("牛腩米粉一碗", 80, 60, None),
        ("冰泉豆浆一杯", 20, 100, None),
        ("米粉代金券10元", 100, 40, 2),
    ],
    "凉茶铺": [
        ("凉茶一杯", 30, 100, None),
        ("龟苓膏一碗", 60, 50, None),
        ("凉茶包一盒", 150, 30, 2),
    ],
    "便利店": [
        ("矿泉水一箱", 150, 40, None),
        ("洗衣液一瓶", 200, 30, None),
        ("抽纸一提", 120, 50, None),
        ("食用盐两包", 30, 80, None),
    ],
    "超市": [
        ("食用油5升", 600, 20, 1),
        ("大米10斤", 400, 30, 2),
        ("洗洁精一瓶", 80, 60, None),
        ("鸡蛋一盒", 120, 40, None),
    ],
    "药店": [
        ("医用口罩一盒", 100, 60, None),
        ("体温计一支", 150, 30, 1),
        ("风油精两瓶", 50, 80, None),
        ("免费测血压", 10, 500, None),
    ],
    "理发店": [
        ("理发一次", 200, 40, 2),
        ("老人洗剪吹", 150, 40, None),
        ("儿童理发", 120, 30, None),
    ],
    "茶楼": [
        ("早茶点心券", 300, 30, 2),
        ("六堡茶一壶", 200, 30, None),
        ("叉烧包一笼", 80, 60, None),
    ],
    "五金店": [
        ("家用工具套装", 500, 10, 1),
        ("节能灯泡一只", 60, 80, None),
        ("门锁维修一次", 200, 20, None),
    ],
    "水果店": [
        ("时令水果一份", 100, 60, None),
        ("沙田柚一个", 80, 50, None),
        ("水果礼盒", 450, 15, 1),
    ],
    "早餐店": [
        ("早餐券", 50, 100, None),
        ("豆浆油条套餐", 40, 100, None),
        ("肠粉一份", 60, 80, None),
    ],
    "龟苓膏店": [
        ("龟苓膏一碗", 60, 80, None),
        ("双皮奶一碗", 50, 60, None),
        ("龟苓膏礼盒", 300, 20, 1),
    ],
    "纸包鸡店": [
        ("纸包鸡半只", 300, 30, None),
        ("纸包鸡一只", 550, 15, 1),
        ("卤味拼盘", 200, 30, None),
    ],
    "干洗店": [
        ("干洗一件", 150, 50, None),
        ("棉被清洗一床", 400, 20, 1),
        ("衣物熨烫一件", 50, 80, None),
    ],
    "眼镜店": [
        ("免费验光和清洗", 30, 100, None),
        ("老花镜一副", 400, 20, 1),
        ("眼镜布和清洗液", 80, 50, None),
    ],
    "照相馆": [
        ("证件照一套", 200, 40, None),
        ("全家福拍摄", 800, 10, 1),
        ("老照片修复一张", 300, 20, None),
    ],
}
DESCRIPTIONS = "本店为“党建益联盟”积分兑换合作商家，凭积分码到店兑换。"
OPENING_HOURS = [
    "08:00-21:00",
    "07:00-14:00",
    "09:00-22:00",
    "06:30-12:30",
    "周一至周六 09:00-18:00",
]
REFUND_REASON = "顾客误选商品，已退回积分并恢复库存"
# The demo merchant, on a busy road, serves a customer from its street on this share of days
# (every day of the last week); the demo volunteer redeems there on this day of every other
# month.
SHOP_DAY_SHARE = 0.5
SHOP_EVERY_DAY = 7
PERSONA_DAY = 10


def stock_of(item: RewardItem) -> int:
    """The stock a shop keeps of an item (what it started with)."""
    offers = ITEMS[trade_of(item.merchant.organisation.name)]
    return next((stock for name, _cost, stock, _limit in offers if name == item.name), 20)


def trade_of(name: str) -> str:
    return next((kind for kind in data.SHOP_KINDS if name.endswith(kind)), data.SHOP_KINDS[2])


@dataclass
class Planned:
    key: str
    at: datetime.datetime
    resident: Resident
    item: RewardItem
    staff_user_id: int


class Wallets:
    """Each candidate's points over time: what they earned before a moment, less everything
    that ever left the account (spent or reversed, so far or planned)."""

    def __init__(self, district_path: str):
        credits: dict[int, list[tuple[datetime.datetime, int]]] = defaultdict(list)
        self.spent: dict[int, int] = defaultdict(int)
        self.account_of: dict[int, int] = {}
        for account_id, person_id in Account.objects.filter(
            kind=Account.Kind.PERSON, unit=Unit.POINTS, place_path__startswith=district_path
        ).values_list("pk", "person_id"):
            self.account_of[person_id] = account_id
        person_of = {a: p for p, a in self.account_of.items()}
        for account_id, created_at, amount in (
            Entry.objects.filter(account_id__in=list(person_of))
            .values_list("account_id", "created_at", "amount")
            .iterator(chunk_size=10000)
        ):
            person = person_of[account_id]
            if amount > 0:
                credits[person].append((created_at, amount))
            else:
                self.spent[person] -= amount
        # Per person: the moments of their credits in order, and the running total after each.
        self.moments: dict[int, list[datetime.datetime]] = {}
        self.totals: dict[int, list[int]] = {}
        for person, entries in credits.items():
            entries.sort()
            self.moments[person] = [moment for moment, _amount in entries]
            self.totals[person] = list(accumulate(amount for _moment, amount in entries))

    def available(self, person_id: int, at: datetime.datetime) -> int:
        earned_before = bisect_left(self.moments.get(person_id, []), at)
        earned = self.totals[person_id][earned_before - 1] if earned_before else 0
        return earned - self.spent.get(person_id, 0)


class RewardsHistory:
    def __init__(
        self,
        *,
        plan: Plan,
        residents: Residents,
        points: Points,
        seed: int,
        per_year: int,
        now=None,
    ):
        self.plan = plan
        self.residents = residents
        self.points = points
        self.seed = seed
        self.per_year = per_year
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now)
        # The plan's shops (3 a community), not every merchant: home care's canteens and
        # cleaning firms are merchants too, and no partners of the points scheme.
        shops = [name for names in plan.merchants_by_community.values() for name in names]
        self.organisations = list(
            Organisation.objects.filter(
                kind=Organisation.Kind.MERCHANT, is_demo=True, name__in=shops
            )
            .select_related("place")
            .order_by("name")
        )
        self.customers: dict[str, list[Resident]] = {}
        self.staff: dict[int, list[int]] = defaultdict(list)
        for user_id, organisation_id in RoleAssignment.objects.filter(
            role=Role.MERCHANT_STAFF, organisation__in=self.organisations
        ).values_list("user_id", "organisation_id"):
            self.staff[organisation_id].append(user_id)
        demo = self.residents.personas.get(Role.MERCHANT_STAFF)
        for users in self.staff.values():
            users.sort(key=lambda u: (demo is None or u != demo.user_id, u))

    def run(self) -> tuple[int, int]:
        with transaction.atomic():
            merchants = self._merchants()
            items = self._items(merchants)
            created, existing = self._redemptions(merchants, items)
            self._refund()
            self.points.settle()
        return created, existing

    # -- merchants and items -------------------------------------------------------------------
    def _merchants(self) -> dict[int, PartnerMerchant]:
        """{organisation id: partner merchant}."""
        existing = set(PartnerMerchant.objects.values_list("organisation_id", flat=True))
        rows = []
        for k, organisation in enumerate(self.organisations):
            if organisation.pk in existing:
                continue
            rng = random.Random(f"{self.seed}:merchant:{organisation.name}")
            place = organisation.place
            joined = self.today - datetime.timedelta(days=DAYS + rng.randrange(300))
            stamp = datetime_value(self.now)
            rows.append(
                (
                    organisation.pk,
                    organisation.place_path,
                    True,
                    date_value(joined),
                    DESCRIPTIONS,
                    organisation.address,
                    (place.centroid_lat or 0) + rng.uniform(-0.0006, 0.0006),
                    (place.centroid_lon or 0) + rng.uniform(-0.0006, 0.0006),
                    OPENING_HOURS[k % len(OPENING_HOURS)],
                    k < ALLIANCE_MERCHANTS,
                    stamp,
                    stamp,
                )
            )
        RowWriter(
            PartnerMerchant,
            [
                "organisation_id",
                "place_path",
                "is_active",
                "joined_on",
                "description",
                "address",
                "lat",
                "lon",
                "opening_hours",
                "red_armband_alliance",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        return {
            m.organisation_id: m
            for m in PartnerMerchant.objects.filter(
                organisation__in=self.organisations
            ).select_related("organisation")
        }

    def _items(self, merchants) -> dict[int, list[RewardItem]]:
        existing = set(
            RewardItem.objects.filter(merchant__in=list(merchants.values())).values_list(
                "merchant_id", "name"
            )
        )
        rows = []
        stamp = datetime_value(self.now)
        for merchant in merchants.values():
            offers = ITEMS[trade_of(merchant.organisation.name)]
            for name, cost, stock, limit in offers:
                if (merchant.pk, name) in existing:
                    continue
                rows.append((merchant.pk, name, "", cost, stock, limit, True, stamp, stamp))
        RowWriter(
            RewardItem,
            [
                "merchant_id",
                "name",
                "description",
                "points_cost",
                "stock",
                "limit_per_person",
                "is_active",
                "created_at",
                "updated_at",
            ],
        ).insert(rows)
        items: dict[int, list[RewardItem]] = defaultdict(list)
        for item in (
            RewardItem.objects.filter(merchant__in=list(merchants.values()))
            .select_related("merchant__organisation")
            .order_by("points_cost", "pk")
        ):
            items[item.merchant_id].append(item)
        return items

    # -- redemptions ---------------------------------------------------------------------------
    def _plans(self, merchants, items) -> list[tuple[str, datetime.datetime, str, PartnerMerchant]]:
        """(key, moment, who, merchant): who is "persona", "street" (a resident of the shop's
        street), "opening" (the first of the street, else the persona, who can pay) or "" (of
        its community), chosen when the points are known."""
        by_community: dict[str, list[PartnerMerchant]] = defaultdict(list)
        for organisation in self.organisations:
            if organisation.pk in merchants:
                by_community[organisation.place.code[:12]].append(merchants[organisation.pk])
        communities = [c.code for c in self.plan.communities if by_community.get(c.code)]
        demo_merchant = merchants.get(self._demo_organisation_id())
        mean = self.per_year / DAYS
        plans = []
        for offset in range(DAYS, -1, -1):
            day = self.today - datetime.timedelta(days=offset)
            rng = random.Random(f"{self.seed}:redemptions:{day}")
            count = int(mean) + (rng.random() < mean - int(mean))
            for slot in range(count):
                slot_rng = random.Random(f"{self.seed}:redemption:{day}:{slot}")
                community = slot_rng.choice(communities)
                merchant = slot_rng.choice(by_community[community])
                plans.append(
                    (f"demo-{day:%Y%m%d}-{slot}", self._moment(day, slot_rng), "", merchant)
                )
            if demo_merchant is None:
                continue
            shop_rng = random.Random(f"{self.seed}:shop:{day}")
            if shop_rng.random() < SHOP_DAY_SHARE or offset < SHOP_EVERY_DAY:
                moment = self._moment(day, shop_rng)
                plans.append((f"demo-{day:%Y%m%d}-shop", moment, "street", demo_merchant))
            if day.day == 1:
                plans.append(
                    (f"demo-{day:%Y%m%d}-opening", self._opening(day), "opening", demo_merchant)
                )
            if day.day == PERSONA_DAY and day.month % 2 == 0:
                persona_rng = random.Random(f"{self.seed}:persona-redeems:{day}")
                plans.append(
                    (
                        f"demo-{day:%Y%m%d}-volunteer",
                        self._moment(day, persona_rng),
                        "persona",
                        demo_merchant,
                    )
                )
        return [p for p in plans if p[1] < self.now]

    def _moment(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=self.zone)
        return start + datetime.timedelta(seconds=rng.randrange(9 * 3600, 20 * 3600))

    def _opening(self, day: datetime.date) -> datetime.datetime:
        """The month's first sale: at opening time, or halfway into the day so far when the
        demo is loaded before that (a 24-hour shop's night customer)."""
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=self.zone)
        return min(start + datetime.timedelta(hours=9), start + (self.now - start) / 2)

    def _demo_organisation_id(self) -> int | None:
        name = self.plan.merchants_by_community[self.plan.communities[0].code][0]
        return next((o.pk for o in self.organisations if o.name == name), None)

    def _redemptions(self, merchants, items) -> tuple[int, int]:
        plans = self._plans(merchants, items)
        existing = set(
            Redemption.objects.filter(idempotency_key__in=[p[0] for p in plans]).values_list(
                "idempotency_key", flat=True
            )
        )
        # A planned redemption the customer could not afford is not tried again on the next
        # run: only the time since the last one written is planned.
        latest = Redemption.objects.filter(idempotency_key__startswith="demo-").aggregate(
            latest=Max("created_at")
        )["latest"]
        todo = [p for p in plans if p[0] not in existing and (latest is None or p[1] > latest)]
        if not todo:
            return 0, len(existing)
        wallets = Wallets(f"{self.plan.district.code}/")
        stock = {item.pk: item.stock for group in items.values() for item in group}
        restock = {item.pk: stock_of(item) for group in items.values() for item in group}
        held: dict[tuple[int, int], int] = defaultdict(int)
        for item_id, person_id in Redemption.objects.filter(
            status=Redemption.Status.COMPLETED
        ).values_list("item_id", "person_id"):
            held[(item_id, person_id)] += 1
        persona = self.residents.personas.get(Role.VOLUNTEER)
        planned: list[Planned] = []
        for key, at, who, merchant in sorted(todo, key=lambda p: (p[1], p[0])):
            rng = random.Random(f"{self.seed}:{key}")
            if who == "persona":
                candidates = [persona]
            elif who == "opening":
                # Whoever of the street can pay first; the demo volunteer last.
                candidates = self._customers(merchant, rng, street=True, every=True) + [persona]
            else:
                candidates = self._customers(merchant, rng, street=who == "street")
            for resident in candidates:
                if resident is None or resident.person_id not in wallets.account_of:
                    continue
                if who in ("", "street") and resident is persona:
                    continue
                budget = wallets.available(resident.person_id, at)
                offers = [
                    item
                    for item in items[merchant.pk]
                    if item.points_cost <= budget
                    and stock[item.pk] > 0
                    and (
                        item.limit_per_person is None
                        or held[(item.pk, resident.person_id)] < item.limit_per_person
                    )
                ]
                if not offers:
                    continue
                item = rng.choice(offers[:3]) if who == "persona" else rng.choice(offers)
                stock[item.pk] -= 1
                if stock[item.pk] == 0:  # the shop restocks what runs out
                    stock[item.pk] = restock[item.pk]
                held[(item.pk, resident.person_id)] += 1
                wallets.spent[resident.person_id] += item.points_cost
                staff = self.staff.get(merchant.organisation_id) or [None]
                planned.append(Planned(key, at, resident, item, staff[0]))
                break
        planned = [p for p in planned if p.staff_user_id is not None]
        self._write(planned, wallets)
        for item_id, left in stock.items():
            RewardItem.objects.filter(pk=item_id).exclude(stock=left).update(stock=left)
        return len(planned), len(existing)

    def _customers(
        self, merchant: PartnerMerchant, rng: random.Random, *, street: bool, every: bool = False
    ):
        """A few (or `every`) active volunteers of the shop's community (or street), in random
        order."""
        community = merchant.place_path.split("/")[2]
        key = community[:9] if street else community
        if key not in self.customers:
            codes = [c.code for c in self.plan.communities if c.code.startswith(key)]
            self.customers[key] = [
                r
                for code in codes
                for r in self.residents.with_login(code)
                if r.volunteer and r.engagement
            ]
        people = self.customers[key]
        return rng.sample(people, len(people) if every else min(5, len(people)))

    def _write(self, planned: list[Planned], wallets: Wallets) -> None:
        if not planned:
            return
        pass_rows = []
        for p in planned:
            digest = hashlib.sha256(f"{self.seed}:pass:{p.key}".encode()).digest()
            nonce = digest[:16].hex()
            code = "".join(
                passes.SHORT_CODE_ALPHABET[b % len(passes.SHORT_CODE_ALPHABET)]
                for b in digest[16 : 16 + passes.SHORT_CODE_LENGTH]
            )
            issued = p.at - datetime.timedelta(seconds=50)
            pass_rows.append(
                (
                    p.resident.person_id,
                    nonce,
                    code,
                    datetime_value(issued),
                    datetime_value(issued + passes.PASS_LIFETIME),
                    datetime_value(p.at),
                )
            )
        after = max_id(RedemptionPass)
        RowWriter(
            RedemptionPass,
            ["person_id", "nonce", "short_code", "issued_at", "expires_at", "used_at"],
        ).insert(pass_rows)
        pass_ids = dict(RedemptionPass.objects.filter(pk__gt=after).values_list("nonce", "pk"))
        merchant_accounts = {}
        transfers = []
        for p in planned:
            organisation = p.item.merchant.organisation
            if organisation.pk not in merchant_accounts:
                merchant_accounts[organisation.pk] = self.points.organisation_account(organisation)
            transfers.append(
                TransferRow(
                    key=f"redemption:{p.key}",
                    kind=Transfer.Kind.REDEMPTION,
                    amount=p.item.points_cost,
                    source_id=wallets.account_of[p.resident.person_id],
                    target_id=merchant_accounts[organisation.pk],
                    created_at=p.at,
                    created_by_id=p.staff_user_id,
                    memo=f"{p.item.name} · {organisation.name}",
                )
            )
        transfer_ids = self.points.write(transfers)
        RowWriter(
            Redemption,
            [
                "redemption_pass_id",
                "item_id",
                "person_id",
                "merchant_id",
                "points",
                "status",
                "transfer_id",
                "scanned_by_id",
                "idempotency_key",
                "created_at",
            ],
        ).insert(
            (
                pass_ids[row[1]],
                p.item.pk,
                p.resident.person_id,
                p.item.merchant_id,
                p.item.points_cost,
                Redemption.Status.COMPLETED,
                transfer_ids[f"redemption:{p.key}"],
                p.staff_user_id,
                p.key,
                datetime_value(p.at),
            )
            for p, row in zip(planned, pass_rows, strict=True)
        )

    def _refund(self) -> None:
        """The demo shop's first redemption of last month, refunded the next day."""
        district = f"{self.plan.district.code}/"
        if Redemption.objects.filter(
            status=Redemption.Status.REFUNDED, merchant__place_path__startswith=district
        ).exists():
            return
        first_of_month = self.today.replace(day=1)
        last_month = (first_of_month - datetime.timedelta(days=1)).replace(day=1)
        redemption = (
            Redemption.objects.filter(
                merchant__organisation_id=self._demo_organisation_id(),
                status=Redemption.Status.COMPLETED,
                idempotency_key__startswith=f"demo-{last_month:%Y%m}",
            )
            .select_related("transfer")
            .order_by("created_at", "pk")
            .first()
        )
        if redemption is None:
            return
        at = min(redemption.created_at + datetime.timedelta(days=1), self.now)
        transfer = redemption.transfer
        ids = self.points.write(
            [
                TransferRow(
                    key=f"reversal:{transfer.pk}",
                    kind=Transfer.Kind.REFUND,
                    amount=transfer.amount,
                    source_id=transfer.target_id,
                    target_id=transfer.source_id,
                    created_at=at,
                    created_by_id=redemption.scanned_by_id,
                    cause=("ledger.transfer", str(transfer.pk)),
                    memo=REFUND_REASON,
                    reverses_id=transfer.pk,
                )
            ]
        )
        Redemption.objects.filter(pk=redemption.pk).update(
            status=Redemption.Status.REFUNDED,
            refund_transfer_id=ids[f"reversal:{transfer.pk}"],
            refunded_at=at,
            refunded_by_id=redemption.scanned_by_id,
            refund_reason=REFUND_REASON,
        )
        RewardItem.objects.filter(pk=redemption.item_id).update(stock=F("stock") + 1)
