"""Every read of the rewards app, scoped to the asking user, and who may do what.

Managers (community staff, street chief, district admin) see the partner merchants in their
places; a merchant's staff see their own merchant; every log-in sees the active merchants'
catalogue. A merchant or redemption the user may not see answers 404.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case as DbCase
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.pii import mask_name_to_greet
from meihao.core.roles import OFFICIALS, Role
from meihao.core.scoping import covers, organisation_ids, scope_q, scopes_of
from meihao.ledger.models import Account, Unit
from meihao.ledger.selectors import accounts_visible_to, month_bounds, points_balance
from meihao.people.models import Organisation, Person
from meihao.people.selectors import own_person
from meihao.places.geo import haversine_m
from meihao.places.models import Place, shared_depth
from meihao.rewards.models import (
    PartnerMerchant,
    Redemption,
    RedemptionPass,
    RewardItem,
)

# ---------------------------------------------------------------------------------------------
# Who may do what


def staff_organisation_ids(user) -> set[int]:
    """The organisations the user serves as a merchant's staff."""
    return organisation_ids(user, {Role.MERCHANT_STAFF})


def merchant_abilities(user, merchant: PartnerMerchant) -> dict[str, bool]:
    """What `user` may do with `merchant`, from the user's scopes alone (no query once loaded).

    Managers covering the merchant's place edit it and its items; its own staff redeem, refund
    and restock; both read its statement.
    """
    superuser = getattr(user, "is_superuser", False)
    manager = superuser or covers(user, merchant.place_path, OFFICIALS)
    staff = superuser or merchant.organisation_id in staff_organisation_ids(user)
    return {
        "view": manager or staff,
        "edit": manager,
        "edit_items": manager,
        "restock": manager or staff,
        "redeem": staff and merchant.is_active,
        "refund": staff,
        "statement": manager or staff,
    }


def may_manage_merchants(user) -> bool:
    return getattr(user, "is_superuser", False) or any(s.role in OFFICIALS for s in scopes_of(user))


# ---------------------------------------------------------------------------------------------
# Merchants and items


def merchants_visible_to(user) -> QuerySet[PartnerMerchant]:
    """The partner merchants the user manages or serves, active or not."""
    if not getattr(user, "is_authenticated", False):
        return PartnerMerchant.objects.none()
    if user.is_superuser:
        return PartnerMerchant.objects.all()
    organisations = staff_organisation_ids(user)
    query = scope_q(user, path_field="place_path", roles=OFFICIALS)
    if organisations:
        query |= Q(organisation_id__in=organisations)
    return PartnerMerchant.objects.filter(query)


def merchant_get(user, pk) -> PartnerMerchant:
    merchant = (
        merchants_visible_to(user)
        .select_related("organisation")
        .filter(pk=parse_id(pk, default=0))
        .first()
    )
    if merchant is None:
        raise NotFound()
    return merchant


def managed_merchant_list(user) -> QuerySet[PartnerMerchant]:
    return (
        merchants_visible_to(user)
        .select_related("organisation")
        .annotate(
            item_count=Count("items", filter=Q(items__is_active=True)),
            stock_total=Sum("items__stock", filter=Q(items__is_active=True), default=0),
        )
        .order_by("place_path", "organisation__name", "id")
    )


def item_get(user, pk) -> RewardItem:
    item = (
        RewardItem.objects.select_related("merchant__organisation")
        .filter(pk=parse_id(pk, default=0), merchant__in=merchants_visible_to(user))
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def reward_item(pk) -> RewardItem:
    """Any item by id, with its merchant: the services decide who may use it."""
    item = (
        RewardItem.objects.select_related("merchant__organisation")
        .filter(pk=parse_id(pk, default=0))
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def merchant_items(merchant: PartnerMerchant) -> QuerySet[RewardItem]:
    return merchant.items.order_by("-is_active", "points_cost", "id")


def merchant_candidates(user) -> QuerySet[Organisation]:
    """Merchant organisations in the user's places that are not partners yet."""
    return (
        Organisation.objects.filter(
            scope_q(user, path_field="place_path", roles=OFFICIALS),
            kind=Organisation.Kind.MERCHANT,
            partner__isnull=True,
        )
        .only("id", "name")
        .order_by("name")
    )


def merchant_account_code(user, merchant: PartnerMerchant) -> str | None:
    """The code of the merchant's points account, when the user may read its statement."""
    return (
        accounts_visible_to(user)
        .filter(
            organisation_id=merchant.organisation_id,
            kind=Account.Kind.ORGANISATION,
            unit=Unit.POINTS,
        )
        .values_list("code", flat=True)
        .first()
    )


def staff_merchants(user) -> list[PartnerMerchant]:
    """The active partner merchants whose counter the user staffs."""
    organisations = staff_organisation_ids(user)
    if not organisations:
        return []
    return list(
        PartnerMerchant.objects.filter(organisation_id__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "id")
    )


@dataclass(frozen=True)
class CatalogueEntry:
    """A merchant's place in the catalogue's order, before its page is loaded."""

    pk: int
    name: str
    shared_depth: int
    distance_m: int | None

    def sort_key(self):
        if self.distance_m is not None:
            return (0, self.distance_m, 0, self.name, self.pk)
        return (1, 0, -self.shared_depth, self.name, self.pk)


def _offers(affordable_for: int | None) -> QuerySet[RewardItem]:
    """The items the catalogue shows: active, in stock, and within `affordable_for` points."""
    items = RewardItem.objects.filter(is_active=True, stock__gt=0)
    if affordable_for is not None:
        items = items.filter(points_cost__lte=affordable_for)
    return items


def _catalogue_merchants(*, affordable_for: int | None, search: str, alliance: bool = False):
    items = _offers(affordable_for)
    merchants = PartnerMerchant.objects.filter(is_active=True)
    if alliance:
        merchants = merchants.filter(red_armband_alliance=True)
    if affordable_for is not None:
        merchants = merchants.filter(pk__in=items.values("merchant_id"))
    if search:
        merchants = merchants.filter(
            Q(organisation__name__icontains=search)
            | Q(organisation__short_name__icontains=search)
            | Q(address__icontains=search)
            | Q(description__icontains=search)
            | Q(
                pk__in=items.filter(
                    Q(name__icontains=search) | Q(description__icontains=search)
                ).values("merchant_id")
            )
        )
    return merchants


def catalogue_order(
    *,
    affordable_for: int | None = None,
    search: str = "",
    home_path: str = "",
    home: tuple[float, float] | None = None,
    alliance: bool = False,
) -> list[CatalogueEntry]:
    """The active partner merchants matching `search` (their name, address, description or an
    item's name), nearest to the resident's home first.

    A merchant's position is its own coordinates, else the centroid of its place; the distance
    is measured from `home` (`people.selectors.home_point`). Merchants whose distance cannot be
    told follow, those sharing more of the home's place path (same community, then street)
    first; then by name. With `affordable_for`, only merchants offering an item at most that
    many points; with `alliance`, only the red-armband merchant alliance. One query for the
    merchants, one for the places' centroids."""
    merchants = _catalogue_merchants(
        affordable_for=affordable_for, search=search, alliance=alliance
    )
    rows = list(merchants.values_list("pk", "organisation__name", "place_path", "lat", "lon"))
    centroids = {}
    if home is not None:
        centroids = {
            path: (lat, lon)
            for path, lat, lon in Place.objects.filter(
                path__in={row[2] for row in rows if row[3] is None or row[4] is None},
                centroid_lat__isnull=False,
                centroid_lon__isnull=False,
            ).values_list("path", "centroid_lat", "centroid_lon")
        }
    entries = []
    for pk, name, path, lat, lon in rows:
        point = (lat, lon) if lat is not None and lon is not None else centroids.get(path)
        distance = round(haversine_m(*home, *point)) if home and point else None
        entries.append(CatalogueEntry(pk, name, shared_depth(home_path, path), distance))
    return sorted(entries, key=CatalogueEntry.sort_key)


def catalogue_page(
    entries: list[CatalogueEntry], *, affordable_for: int | None = None
) -> list[PartnerMerchant]:
    """The merchants of one page of `catalogue_order`, in that order, each with its distance
    and its active, in-stock items (cheapest first) as `offers`."""
    items = _offers(affordable_for).order_by("points_cost", "id")
    loaded = (
        PartnerMerchant.objects.select_related("organisation")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="offers"))
        .in_bulk([entry.pk for entry in entries])
    )
    merchants = []
    for entry in entries:
        merchant = loaded.get(entry.pk)
        if merchant is not None:
            merchant.distance_m = entry.distance_m
            merchant.distance_km = (
                round(entry.distance_m / 1000, 1) if entry.distance_m is not None else None
            )
            merchants.append(merchant)
    return merchants


def catalogue_items(
    *,
    merchant: int | None = None,
    affordable_for: int | None = None,
    merchants_in_order: list[int] | None = None,
):
    """The items on offer, cheapest first; with `merchants_in_order` (`catalogue_order`'s
    merchants: nearest first, searched), only theirs, merchant by merchant in that order."""
    items = RewardItem.objects.filter(
        is_active=True, stock__gt=0, merchant__is_active=True
    ).select_related("merchant__organisation")
    if merchant is not None:
        items = items.filter(merchant_id=merchant)
    if affordable_for is not None:
        items = items.filter(points_cost__lte=affordable_for)
    if merchants_in_order is None:
        return items.order_by("points_cost", "id")
    if not merchants_in_order:
        return items.none()
    rank = DbCase(
        *(When(merchant_id=pk, then=Value(i)) for i, pk in enumerate(merchants_in_order)),
        default=Value(len(merchants_in_order)),
    )
    return (
        items.filter(merchant_id__in=merchants_in_order)
        .alias(merchant_rank=rank)
        .order_by("merchant_rank", "points_cost", "id")
    )


# ---------------------------------------------------------------------------------------------
# People, balances and passes


def points_account(person: Person) -> Account | None:
    """The person's points account, None before their first points (reading opens none)."""
    return Account.objects.filter(person=person, kind=Account.Kind.PERSON, unit=Unit.POINTS).first()


def points_account_code(person: Person) -> str | None:
    return (
        Account.objects.filter(person=person, kind=Account.Kind.PERSON, unit=Unit.POINTS)
        .values_list("code", flat=True)
        .first()
    )


def live_pass(person: Person, now) -> RedemptionPass | None:
    """The person's newest pass that is neither used nor expired."""
    return (
        RedemptionPass.objects.filter(person=person, used_at__isnull=True, expires_at__gt=now)
        .order_by("-expires_at", "-id")
        .first()
    )


def own_pass_get(user, pk) -> RedemptionPass:
    person = own_person(user)
    found = (
        RedemptionPass.objects.filter(person=person, pk=parse_id(pk, default=0)).first()
        if person
        else None
    )
    if found is None:
        raise NotFound()
    return found


def redeemed_counts(person: Person, item_ids) -> dict[int, int]:
    """How many of each item the person holds (completed redemptions; refunds give it back)."""
    return dict(
        Redemption.objects.filter(
            person=person, item_id__in=list(item_ids), status=Redemption.Status.COMPLETED
        )
        .values("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )


@dataclass
class Customer:
    """What the merchant's staff see after scanning: no more of the person than they need."""

    redemption_pass: RedemptionPass
    masked_name: str
    balance: int
    eligible: list[RewardItem]
    unavailable: int


def customer_at(merchant: PartnerMerchant, redemption_pass: RedemptionPass) -> Customer:
    """The customer behind a live pass and the merchant's items they may redeem now: active, in
    stock, affordable and within the per-person limit."""
    person = redemption_pass.person
    balance = points_balance(person)
    items = list(merchant.items.filter(is_active=True).order_by("points_cost", "id"))
    limited = [item.pk for item in items if item.limit_per_person is not None]
    held = redeemed_counts(person, limited) if limited else {}
    eligible = [
        item
        for item in items
        if item.stock > 0
        and item.points_cost <= balance
        and (item.limit_per_person is None or held.get(item.pk, 0) < item.limit_per_person)
    ]
    return Customer(
        redemption_pass=redemption_pass,
        masked_name=mask_name_to_greet(person.real_name),
        balance=balance,
        eligible=eligible,
        unavailable=len(items) - len(eligible),
    )


# ---------------------------------------------------------------------------------------------
# Redemptions and statements


def parse_number(number: str) -> int | None:
    """R00000012 (or 12) → 12."""
    digits = (number or "").strip().upper().removeprefix("R")
    return parse_id(digits)


def redemptions_visible_to(user) -> QuerySet[Redemption]:
    if not getattr(user, "is_authenticated", False):
        return Redemption.objects.none()
    return Redemption.objects.filter(
        Q(person__user=user) | Q(merchant__in=merchants_visible_to(user))
    )


def redemption_get(user, number: str) -> Redemption:
    pk = parse_number(number)
    redemption = (
        redemptions_visible_to(user)
        .select_related("item", "merchant__organisation", "person", "scanned_by", "refunded_by")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if redemption is None:
        raise NotFound(_("No such redemption."))
    return redemption


@dataclass
class MerchantStatement:
    """One month of a merchant's redemptions, for settlement: refunds count in the month they
    were made, whatever month the redemption was in."""

    merchant: PartnerMerchant
    since: datetime.datetime
    until: datetime.datetime
    redeemed_count: int = 0
    points_received: int = 0
    refunded_count: int = 0
    points_refunded: int = 0
    by_item: list[dict] = field(default_factory=list)

    @property
    def net_points(self) -> int:
        return self.points_received - self.points_refunded


def merchant_statement(merchant: PartnerMerchant, *, year: int, month: int) -> MerchantStatement:
    """The month's totals and the per-item breakdown, in three aggregate queries."""
    since, until = month_bounds(year, month)
    redemptions = Redemption.objects.filter(merchant=merchant)
    made = redemptions.filter(created_at__gte=since, created_at__lt=until)
    refunded = redemptions.filter(refunded_at__gte=since, refunded_at__lt=until)
    totals = made.aggregate(n=Count("id"), points=Sum("points", default=0))
    refunds = refunded.aggregate(n=Count("id"), points=Sum("points", default=0))
    by_item = list(
        made.values("item_id", "item__name")
        .annotate(n=Count("id"), points=Sum("points"))
        .order_by("-points", "item__name")
    )
    return MerchantStatement(
        merchant=merchant,
        since=since,
        until=until,
        redeemed_count=totals["n"],
        points_received=totals["points"],
        refunded_count=refunds["n"],
        points_refunded=refunds["points"],
        by_item=by_item,
    )


def merchant_month_redemptions(merchant: PartnerMerchant, *, year: int, month: int):
    """The redemptions made or refunded in the month, newest first."""
    since, until = month_bounds(year, month)
    return (
        Redemption.objects.filter(merchant=merchant)
        .filter(
            Q(created_at__gte=since, created_at__lt=until)
            | Q(refunded_at__gte=since, refunded_at__lt=until)
        )
        .select_related("item", "person")
        .order_by("-created_at", "-id")
    )


def person_month_redemptions(person: Person, *, year: int, month: int):
    since, until = month_bounds(year, month)
    return (
        Redemption.objects.filter(person=person, created_at__gte=since, created_at__lt=until)
        .select_related("item", "merchant__organisation")
        .order_by("-created_at", "-id")
    )


def person_month_points(person: Person, *, year: int, month: int) -> int:
    """Points the person spent on redemptions made in the month and not refunded."""
    since, until = month_bounds(year, month)
    return Redemption.objects.filter(
        person=person,
        created_at__gte=since,
        created_at__lt=until,
        status=Redemption.Status.COMPLETED,
    ).aggregate(total=Sum("points", default=0))["total"]


def pass_redemption(redemption_pass: RedemptionPass) -> Redemption | None:
    return (
        Redemption.objects.select_related("item", "merchant__organisation")
        .filter(redemption_pass=redemption_pass)
        .first()
    )
