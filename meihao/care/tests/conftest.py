"""The world of home care's tests: 黄阿婆, 82, living alone at 骑楼街12号 (23.41, 111.205) in
grid A1, whose daughter acts for her; a canteen 500 m away serving community A with a cook who
holds a health certificate; a subsidy paying half of a subsidised item, ¥100 a month."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from meihao.care import services
from meihao.care.models import CareService, CertificateKind, Provider, Skill, VoucherPolicy
from meihao.care.vouchers import allowance_grant
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.eldercare import services as elder_services
from meihao.people.models import Organisation, Person
from meihao.places.models import Building

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Saturday morning in Wuzhou.
NOW = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)
TOMORROW_NOON = datetime.datetime(2026, 12, 6, 11, 30, tzinfo=SHANGHAI)
HOME = (23.41, 111.205)
# 500 m north of the home.
CANTEEN = (23.4145, 111.205)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def building(personas):
    grid = personas.tree.grid_a1
    return Building.objects.create(
        name="骑楼街12号", place=grid, place_path=grid.path, lat=HOME[0], lon=HOME[1]
    )


@pytest.fixture
def grandma_user(personas, building):
    user = make_user(
        "13900000082",
        "黄阿婆",
        home=personas.tree.grid_a1,
        roles=[(Role.RESIDENT, personas.tree.grid_a1)],
    )
    person = user.person
    person.birth_date = datetime.date(1944, 3, 8)
    person.building = building
    person.save()
    return user


@pytest.fixture
def daughter(personas):
    return make_user(
        "13900001111",
        "黄小红",
        home=personas.tree.grid_b1,
        roles=[(Role.RESIDENT, personas.tree.grid_b1)],
    )


@pytest.fixture
def elder(personas, grandma_user, daughter, clock):
    elder = elder_services.elder_register(
        actor=personas.community_staff_a,
        person=Person.objects.get(user=grandma_user),
        living="alone",
        low_income=True,
    )
    elder_services.family_link_record(
        actor=personas.community_staff_a, elder=elder, phone=daughter.phone, relation="女儿"
    )
    return elder


@pytest.fixture
def policy():
    return VoucherPolicy.objects.create(
        name="低保老人助餐补贴", for_low_income=True, monthly_cents=10000, share_percent=50
    )


@pytest.fixture
def allowance(elder, policy):
    return allowance_grant(elder=elder, month=NOW.date())


@pytest.fixture
def meal():
    return CareService.objects.get(code="MEAL-01")


@pytest.fixture
def canteen(personas):
    organisation = Organisation.objects.create(
        name="骑楼长者食堂",
        kind=Organisation.Kind.MERCHANT,
        place=personas.tree.community_a,
        place_path=personas.tree.community_a.path,
    )
    return services.provider_register(
        actor=personas.community_staff_a,
        organisation=organisation,
        kind=Provider.Kind.MERCHANT,
        lat=CANTEEN[0],
        lon=CANTEEN[1],
        address="骑楼街30号",
        services=list(CareService.objects.filter(family__in=["meal", "emergency"])),
        on_call=True,
    )


@pytest.fixture
def cook(personas, canteen):
    user = make_user("13900000301", "食堂厨师", home=personas.tree.grid_a2)
    staff = services.staff_add(
        actor=personas.community_staff_a,
        provider=canteen,
        person=user.person,
        skills=[Skill.MEAL, Skill.FIRST_AID],
    )
    services.certificate_add(
        actor=personas.community_staff_a,
        staff=staff,
        kind=CertificateKind.HEALTH,
        number="JKZ-2026-001",
        # Far ahead: one already expired is refused, and not every test pins the clock.
        expires_on=datetime.date(2036, 6, 30),
    )
    return user


def serve(order, *, worker, confirmer):
    """Take an order, check in and out at the elder's door, confirm it (pays it)."""
    services.order_take(actor=worker, order=order)
    services.order_check_in(actor=worker, order=order, lat=HOME[0], lon=HOME[1])
    services.order_check_out(actor=worker, order=order, lat=HOME[0], lon=HOME[1])
    return services.order_confirm(actor=confirmer, order=order)


def lunch_on(day, *, elder, meal, actor):
    """Lunch ordered for 11:30 on `day`."""
    return services.order_place(
        actor=actor,
        elder=elder,
        service=meal,
        starts_at=datetime.datetime.combine(day, datetime.time(11, 30), tzinfo=SHANGHAI),
    )


@pytest.fixture
def december(personas, elder, allowance, meal, canteen, cook, daughter, grandma_user, time_machine):
    """Three lunches served in December, each half paid by vouchers."""
    services.wallet_top_up(
        actor=personas.community_staff_a, elder=elder, cents=10000, receipt="SJ-1"
    )
    orders = []
    for day in (6, 7, 8):
        time_machine.move_to(datetime.datetime(2026, 12, day, 9, 0, tzinfo=SHANGHAI), tick=False)
        order = lunch_on(datetime.date(2026, 12, day), elder=elder, meal=meal, actor=grandma_user)
        time_machine.move_to(datetime.datetime(2026, 12, day, 11, 30, tzinfo=SHANGHAI), tick=False)
        orders.append(serve(order, worker=cook, confirmer=daughter))
    return orders
