"""Managing partner merchants and items: staff within their places; merchant staff restock."""

import pytest

from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.people.models import Organisation
from meihao.rewards import selectors
from meihao.rewards.models import PartnerMerchant, RewardItem
from meihao.rewards.services import (
    partner_merchant_create,
    partner_merchant_update,
    reward_item_create,
    reward_item_restock,
    reward_item_update,
)

MANAGERS = ("community_staff_a", "street_chief_a", "district_admin")


def item_fields(**changes):
    return {"name": "豆花", "points_cost": 8, "description": "", "limit_per_person": None} | changes


@pytest.mark.parametrize("persona", MANAGERS)
def test_staff_covering_the_merchant_make_it_a_partner(personas, persona):
    actor = getattr(personas, persona)
    merchant = partner_merchant_create(
        actor=actor, organisation=personas.merchant, lat=23.41, lon=111.2, opening_hours="全天"
    )
    assert merchant.place_path == personas.merchant.place_path
    assert merchant.is_active
    assert AuditEvent.objects.filter(action="rewards.merchant_create", actor=actor).exists()


@pytest.mark.parametrize(
    "persona, error",
    [
        ("grid_worker_a", NotFound),
        ("merchant_staff", NotFound),
        ("resident_a", NotFound),
        ("outsider", NotFound),
        ("department_staff", NotFound),
    ],
)
def test_others_cannot_add_partner_merchants(personas, persona, error):
    with pytest.raises(error):
        partner_merchant_create(actor=getattr(personas, persona), organisation=personas.merchant)
    assert not PartnerMerchant.objects.exists()


def test_staff_of_another_street_cannot_add_a_merchant_outside_their_places(personas):
    from meihao.core.roles import Role
    from meihao.core.testing import make_user

    staff_b = make_user(
        "13800000060",
        "社区干部乙",
        home=personas.tree.community_b,
        roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)],
    )
    with pytest.raises(ValidationFailed) as refused:
        partner_merchant_create(actor=staff_b, organisation=personas.merchant)
    assert refused.value.field == "organisation"
    assert not PartnerMerchant.objects.exists()


def test_a_merchant_is_a_partner_once_and_must_be_a_merchant(personas, shop):
    with pytest.raises(ValidationFailed) as again:
        partner_merchant_create(actor=personas.community_staff_a, organisation=personas.merchant)
    assert again.value.code == "already_partner"
    with pytest.raises(ValidationFailed):
        partner_merchant_create(actor=personas.district_admin, organisation=personas.department)
    assert PartnerMerchant.objects.count() == 1


def test_coordinates_come_in_pairs_on_the_map(personas):
    with pytest.raises(ValidationFailed):
        partner_merchant_create(
            actor=personas.community_staff_a, organisation=personas.merchant, lat=23.4
        )
    with pytest.raises(ValidationFailed):
        partner_merchant_create(
            actor=personas.community_staff_a, organisation=personas.merchant, lat=123, lon=1
        )
    assert not PartnerMerchant.objects.exists()


def test_a_manager_edits_the_merchant_and_the_change_is_audited(personas, shop):
    partner_merchant_update(
        actor=personas.street_chief_a,
        merchant=shop.merchant,
        description="老字号糖水",
        address="骑楼街12号",
        opening_hours="10:00–22:00",
        lat=23.41,
        lon=111.205,
        is_active=False,
        joined_on=shop.merchant.joined_on,
    )
    shop.merchant.refresh_from_db()
    assert (shop.merchant.opening_hours, shop.merchant.is_active) == ("10:00–22:00", False)
    event = AuditEvent.objects.get(action="rewards.merchant_update")
    assert set(event.changes) == {"description", "opening_hours", "is_active"}


def test_merchant_staff_cannot_edit_the_merchant(personas, shop):
    with pytest.raises(PermissionDenied):
        partner_merchant_update(
            actor=personas.merchant_staff, merchant=shop.merchant, description="自己改"
        )
    shop.merchant.refresh_from_db()
    assert shop.merchant.description == ""


def test_a_manager_adds_and_edits_items(personas, shop):
    item = reward_item_create(
        actor=personas.community_staff_a, merchant=shop.merchant, stock=12, **item_fields()
    )
    assert (item.points_cost, item.stock) == (8, 12)
    reward_item_update(
        actor=personas.community_staff_a,
        item=item,
        **item_fields(points_cost=9, limit_per_person=2),
    )
    item.refresh_from_db()
    assert (item.points_cost, item.limit_per_person, item.stock) == (9, 2, 12)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": " "}, "name"),
        ({"points_cost": 0}, "points_cost"),
        ({"points_cost": -5}, "points_cost"),
        ({"points_cost": "10"}, "points_cost"),
        ({"limit_per_person": 0}, "limit_per_person"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_bad_item_input_is_refused_with_its_field(personas, shop, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        reward_item_create(
            actor=personas.community_staff_a, merchant=shop.merchant, **item_fields(**changes)
        )
    assert refused.value.field == field
    assert RewardItem.objects.count() == 3


def test_negative_stock_is_refused_by_the_service_and_the_database(personas, shop):
    from django.db import IntegrityError, transaction

    with pytest.raises(ValidationFailed):
        reward_item_create(
            actor=personas.community_staff_a, merchant=shop.merchant, stock=-1, **item_fields()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardItem.objects.filter(pk=shop.syrup.pk).update(stock=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RewardItem.objects.filter(pk=shop.syrup.pk).update(points_cost=0)


def test_merchant_staff_restock_their_items_but_do_not_edit_them(personas, shop):
    reward_item_restock(actor=personas.merchant_staff, item=shop.syrup, change=20)
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 25
    reward_item_restock(actor=personas.merchant_staff, item=shop.syrup, change=-3)
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 22
    event = AuditEvent.objects.filter(action="rewards.item_restock").latest("id")
    assert event.changes == {"stock": ["25", "22"]}
    with pytest.raises(PermissionDenied):
        reward_item_update(actor=personas.merchant_staff, item=shop.syrup, **item_fields())
    with pytest.raises(PermissionDenied):
        reward_item_create(actor=personas.merchant_staff, merchant=shop.merchant, **item_fields())


def test_taking_away_more_than_in_stock_is_refused(personas, shop):
    with pytest.raises(ValidationFailed) as refused:
        reward_item_restock(actor=personas.merchant_staff, item=shop.syrup, change=-6)
    assert "5" in str(refused.value.message)
    with pytest.raises(ValidationFailed):
        reward_item_restock(actor=personas.merchant_staff, item=shop.syrup, change=0)
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 5


@pytest.mark.parametrize("persona", ["grid_worker_a", "resident_a", "outsider", "volunteer_a"])
def test_others_cannot_restock(personas, shop, persona):
    with pytest.raises(NotFound):
        reward_item_restock(actor=getattr(personas, persona), item=shop.syrup, change=5)
    assert RewardItem.objects.get(pk=shop.syrup.pk).stock == 5


def test_abilities_per_persona(personas, shop, other_shop):
    def abilities(persona, merchant=shop.merchant):
        return selectors.merchant_abilities(getattr(personas, persona), merchant)

    manager = {
        "view": True,
        "edit": True,
        "edit_items": True,
        "restock": True,
        "redeem": False,
        "refund": False,
        "statement": True,
    }
    staff = {
        "view": True,
        "edit": False,
        "edit_items": False,
        "restock": True,
        "redeem": True,
        "refund": True,
        "statement": True,
    }
    nothing = dict.fromkeys(manager, False)
    assert abilities("community_staff_a") == manager
    assert abilities("street_chief_a") == manager
    assert abilities("district_admin") == manager
    assert abilities("merchant_staff") == staff
    for persona in ("grid_worker_a", "resident_a", "volunteer_a", "outsider", "department_staff"):
        assert abilities(persona) == nothing
    assert abilities("community_staff_a", other_shop) == nothing
    assert abilities("merchant_staff", other_shop) == nothing
    assert abilities("district_admin", other_shop) == manager


def test_candidates_are_merchants_in_scope_not_yet_partners(personas):
    Organisation.objects.create(
        name="河东茶楼",
        kind=Organisation.Kind.MERCHANT,
        place=personas.tree.community_b,
        place_path=personas.tree.community_b.path,
    )
    assert list(selectors.merchant_candidates(personas.community_staff_a)) == [personas.merchant]
    assert {o.name for o in selectors.merchant_candidates(personas.district_admin)} == {
        "骑楼糖水铺",
        "河东茶楼",
    }
    assert list(selectors.merchant_candidates(personas.merchant_staff)) == []
