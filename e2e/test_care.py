"""云家庭 home care in a real browser, the issue's acceptance: an 82-year-old living alone, large
text on her phone, books lunch (助餐) for tomorrow; a canteen nearby takes it; its staff checks
in and out at her door by the phone's position; her daughter confirms from her phone; the
voucher pays half; she rates it; the month settles and the provider's statement shows it. Then
one tap on the help button reaches her daughter and the grid worker."""

from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, horizontal_overflow, log_in, run_shell, shot

HOME_POINT = """
import json
from meihao.people.models import Person
person = Person.objects.select_related("building").get(phone="13900000013")
print(json.dumps({"lat": person.building.lat, "lon": person.building.lon}))
"""

# The staff of a provider the order was offered to who may take it (skill, certificate in date,
# no other order then): the canteen's cook.
TAKER = """
import json
from meihao.care.models import CareOrder, ProviderStaff
from meihao.care.services.orders import _check_staff
from meihao.core.errors import DomainError
order = CareOrder.objects.get(case__number=NUMBER)
for staff in ProviderStaff.objects.filter(
    provider__offers__order=order, is_active=True, person__user__isnull=False
).select_related("person__user", "provider__organisation").order_by("pk"):
    try:
        _check_staff(order, staff)
    except DomainError:
        continue
    print(json.dumps({"phone": staff.person.user.phone, "provider": staff.provider_id,
                      "name": staff.provider.organisation.name}))
    break
"""

# Settling happens once the month has ended: as of the first days of the next month, the street
# chief draws the sample, the community records the call-backs, the chief settles.
SETTLE = """
import datetime, json
from django.utils import timezone
from meihao.care import services
from meihao.care.models import CareOrder
from meihao.demo.cases import demo_clock
from meihao.people.models import User
order = CareOrder.objects.select_related("provider").get(case__number=NUMBER)
month = order.month
following = (month + datetime.timedelta(days=32)).replace(day=1)
moment = timezone.make_aware(datetime.datetime.combine(following, datetime.time(10)))
chief = User.objects.get(phone="13900000004")
staff = User.objects.get(phone="13900000003")
with demo_clock(moment):
    settlement = services.settlement_open(provider=order.provider, month=month)
    for check in services.sample_draw(actor=chief, settlement=settlement):
        if check.finding == "pending":
            services.sample_record(actor=chief, check=check, finding="confirmed", note="回访属实")
    services.settlement_settle(actor=chief, settlement=settlement)
print(json.dumps({"month": f"{month:%Y-%m}"}))
"""


def _confirming(page):
    page.once("dialog", lambda dialog: dialog.accept())


def test_an_elder_books_lunch_a_canteen_serves_it_her_daughter_confirms_it_is_settled(
    server, new_page
):
    url = server["url"]
    home = run_shell(server, HOME_POINT)

    # 黄秀英, 82, on her phone: large text, the price and the vouchers' share before confirming.
    elder = new_page(PHONE)
    log_in(elder, server, "elder")
    elder.goto(url + "/care/")
    assert "large-text" in elder.locator("body").get_attribute("class")
    assert elder.locator("h1").inner_text() == "我的养老服务"
    shot(elder, "care-elder-home-phone")
    elder.click("[data-service='MEAL-01']")
    elder.click("label[for=day-2]")  # 明天
    elder.select_option("#id_time", "11:30")
    elder.click("#order-form button[type=submit]")
    assert elder.locator("#price-total").inner_text() == "¥12"
    assert elder.locator("#price-vouchers").inner_text() == "¥6"
    assert elder.locator("#price-own").inner_text() == "¥6"
    assert horizontal_overflow(elder) <= 0
    shot(elder, "care-order-confirm-phone")
    elder.click("#order-confirm")
    assert elder.locator("#order-status").inner_text() == "待接单"
    number = elder.locator("#order-number").inner_text().strip()

    # The canteen nearby: its cook takes it and checks in and out at her door.
    taker = run_shell(server, TAKER.replace("NUMBER", repr(number)))
    cook = new_page(
        PHONE,
        geolocation={"latitude": home["lat"], "longitude": home["lon"], "accuracy": 10},
        permissions=["geolocation"],
    )
    cook.goto(url + "/accounts/login/")
    cook.fill("input[name=username]", taker["phone"])
    cook.fill("input[name=password]", server["accounts"]["elder"]["password"])
    cook.click("form [type=submit]")
    cook.goto(url + "/care/work/")
    cook.click(f"#offered [data-order='{number}']")
    cook.click("[data-action=take]")
    assert cook.locator("#order-status").inner_text() == "已接单"
    # Checking in waits for the phone's position, then sends the form: wait for the new page.
    cook.click("[data-action=check-in]")
    expect(cook.locator("#order-status")).to_have_text("服务中")
    shot(cook, "care-staff-on-site-phone")
    cook.fill("#id_note", "午餐送到，老人吃得很好")
    cook.click("[data-action=check-out]")
    expect(cook.locator("#order-status")).to_have_text("待确认")

    # Her daughter confirms from her own phone; the voucher pays half.
    daughter = new_page(PHONE)
    log_in(daughter, server, "family")
    daughter.goto(url + "/care/")
    assert "黄秀英的养老服务" in daughter.locator("h1").inner_text()
    daughter.click(f"#open-orders a[href='/care/orders/{number}/']")
    _confirming(daughter)
    daughter.click("[data-action=confirm]")
    assert daughter.locator("#order-status").inner_text() == "已完成"
    assert "补贴 ¥6，自付 ¥6" in daughter.locator("#order-price").inner_text()
    shot(daughter, "care-daughter-confirmed-phone")

    # She rates it.
    elder.goto(url + f"/care/orders/{number}/")
    elder.click("label[for=score-5]")
    elder.click("#rate-form button[type=submit]")
    assert elder.locator("#order-score .bi-star-fill").count() == 5

    # The month settles; the provider's statement shows the order.
    settled = run_shell(server, SETTLE.replace("NUMBER", repr(number)))
    cook.goto(url + f"/care/providers/{taker['provider']}/statement/?month={settled['month']}")
    assert cook.locator("#statement-status").inner_text() == "已结算"
    assert number in cook.locator("#statement-lines").inner_text()
    assert horizontal_overflow(cook) <= 0
    shot(cook, "care-statement-phone")

    # One tap: her daughter and the grid worker are told at once.
    elder.goto(url + "/care/")
    _confirming(elder)
    elder.click("#help-call")
    assert elder.locator("#order-status").inner_text() == "待接单"
    shot(elder, "care-help-called-phone")
    for page, who in ((daughter, "family"), (new_page(PHONE), "grid_worker")):
        if who == "grid_worker":
            log_in(page, server, who)
        page.goto(url + "/inbox/")
        assert "黄秀英一键呼叫求助" in page.locator("main").inner_text(), who
    shot(daughter, "care-help-inbox-daughter-phone")


# A merchant or social organisation of the demo community staff's places to register (one is
# added when every one already is a provider), a catalogue item, and a resident with a log-in
# of those places to add to its staff.
PROVIDER_TO_BE = """
import json
from meihao.care.models import CareService
from meihao.care.provider_selectors import provider_candidates
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import scope_paths
from meihao.people.models import Organisation, Person, User
from meihao.people.selectors import person_list
from meihao.places.models import Place
desk = User.objects.get(phone=PHONE)
organisation = provider_candidates(desk).filter(kind="social_organisation").first()
if organisation is None:
    place = Place.objects.get(path=scope_paths(desk, OFFICIALS)[0])
    organisation = Organisation.objects.create(
        name="助老服务社（浏览器测试）", kind="social_organisation", place=place,
        place_path=place.path,
    )
carer = person_list(desk).filter(user__isnull=False).exclude(phone="").exclude(user=desk)
carer = carer.order_by("pk").first()
print(json.dumps({"organisation": organisation.pk, "name": organisation.name,
                  "service": CareService.objects.get(code="MEAL-02").pk,
                  "phone": carer.phone, "carer": carer.real_name}))
"""


def test_the_community_registers_a_provider_adds_its_carer_and_suspends_it(server, new_page):
    """The community's desk, on a computer: registers a social organisation as a provider, adds
    a resident to its staff by mobile number, and suspends it with a reason."""
    url = server["url"]
    phone = server["accounts"]["community_staff"]["username"]
    found = run_shell(server, PROVIDER_TO_BE.replace("PHONE", repr(phone)))
    desk = new_page(DESKTOP)
    log_in(desk, server, "community_staff")
    desk.goto(url + "/care/providers/")
    desk.click("#provider-register")
    assert desk.locator("h1").inner_text() == "登记服务商"
    desk.select_option("#id_organisation", str(found["organisation"]))
    desk.select_option("#id_kind", "organisation")
    desk.fill("#id_address", "骑楼街40号")
    desk.fill("#id_lat", "23.4772")
    desk.fill("#id_lon", "111.2790")
    desk.check(f"input[name=services][value='{found['service']}']")
    assert horizontal_overflow(desk) == 0
    shot(desk, "care-provider-register-desktop")
    desk.click("#provider-save")
    desk.wait_for_selector("#staff-add")
    assert "已登记为养老服务商" in desk.locator(".alert-success").inner_text()
    assert "送餐上门" in desk.locator("#provider-services").inner_text()
    desk.fill("#id_phone", found["phone"])
    desk.check("input[name=skills][value=meal]")
    desk.click("#staff-add button[type=submit]")
    desk.wait_for_selector(f"#provider-staff :text('{found['carer']}')")
    shot(desk, "care-provider-page-desktop")
    desk.click("#provider-suspend summary")
    desk.fill("#id_reason", "服务社整改，暂停两周")
    _confirming(desk)
    desk.click("#provider-suspend button[type=submit]")
    desk.wait_for_selector("#provider-suspension")
    assert "服务社整改，暂停两周" in desk.locator("#provider-suspension").inner_text()
    assert horizontal_overflow(desk) == 0
    shot(desk, "care-provider-suspended-desktop")
