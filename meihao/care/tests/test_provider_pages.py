"""The officials manage providers on the product's pages: the community registers a help-the-aged
society near 黄阿婆 with what it offers, where and when; adds its carer by mobile number (who then
holds the care-provider role) and records her certificate; changes its hours; suspends it (no
order is offered to it any more) and lets it serve again. Nobody else may: another community's
official and the provider's own staff are refused with nothing changed, and bad input is said in
Chinese, changing nothing."""

import datetime

import pytest
from django.utils.html import escape

from meihao.care import services
from meihao.care.models import (
    CareOffer,
    CareOrder,
    CareService,
    Certificate,
    Provider,
    ProviderArea,
    ProviderStaff,
)
from meihao.care.services.providers import provider_update
from meihao.care.tests.conftest import TOMORROW_NOON
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import forms_not_coming_back, make_user
from meihao.notify.models import Message
from meihao.people.models import Organisation, RoleAssignment

# 300 m east of 黄阿婆's home.
SOCIETY = (23.41, 111.208)


def _organisation(place, name="骑楼助老服务社", kind=Organisation.Kind.SOCIAL_ORGANISATION):
    return Organisation.objects.create(name=name, kind=kind, place=place, place_path=place.path)


@pytest.fixture
def society(personas):
    """A social organisation of community A, not a provider yet."""
    return _organisation(personas.tree.community_a)


@pytest.fixture
def cleaning():
    return CareService.objects.get(code="CLEAN-01")


def _register_data(organisation, /, *services, **changes):
    data = {
        "organisation": str(organisation.pk),
        "kind": Provider.Kind.ORGANISATION,
        "address": "骑楼街40号",
        "lat": str(SOCIETY[0]),
        "lon": str(SOCIETY[1]),
        "services": [str(s.pk) for s in services],
        "opens_at": "07:30",
        "closes_at": "19:00",
        "on_call": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _snapshot():
    return (
        list(Provider.objects.values_list("pk", "is_active", "opens_at", "closes_at", "address")),
        ProviderArea.objects.count(),
        list(ProviderStaff.objects.values_list("pk", "skills", "is_active")),
        Certificate.objects.count(),
        RoleAssignment.objects.filter(role=Role.CARE_PROVIDER).count(),
        CareOffer.objects.count(),
    )


def test_an_official_registers_a_provider_from_the_list(client, personas, society, meal, cleaning):
    client.force_login(personas.community_staff_a)
    listed = client.get("/care/providers/").content.decode()
    assert 'href="/care/providers/new/"' in listed and "登记服务商" in listed
    form = client.get("/care/providers/new/").content.decode()
    assert "骑楼助老服务社" in form and "骑楼糖水铺" in form  # the merchant is a candidate too
    assert f'name="services" value="{meal.pk}"' in form
    assert 'name="services" value="' + str(CareService.objects.get(code="FUN-01").pk) not in form
    assert "data-needs-position" in form and "使用本设备的位置" in form
    area = personas.tree.community_a
    done = client.post(
        "/care/providers/new/",
        _register_data(
            society, meal, cleaning, areas=[str(area.pk), str(personas.tree.grid_a2.pk)]
        ),
    )
    provider = Provider.objects.get(organisation=society)
    assert done.status_code == 302 and done["Location"] == f"/care/providers/{provider.pk}/"
    assert provider.kind == Provider.Kind.ORGANISATION and provider.is_active and provider.on_call
    assert (provider.lat, provider.lon, provider.address) == (*SOCIETY, "骑楼街40号")
    assert provider.opens_at == datetime.time(7, 30) and provider.closes_at == datetime.time(19, 0)
    assert set(provider.services.all()) == {meal, cleaning}
    assert set(provider.areas.values_list("place_id", flat=True)) == {
        area.pk,
        personas.tree.grid_a2.pk,
    }
    assert AuditEvent.objects.filter(
        action="care.provider_register", target_id=str(provider.pk)
    ).exists()
    page = client.get(done["Location"]).content.decode()
    assert "骑楼助老服务社已登记为养老服务商" in page
    assert 'id="staff-add"' in page and 'id="provider-suspend"' in page
    assert forms_not_coming_back(page, f"/care/providers/{provider.pk}/") == []
    # Registered: no longer a candidate.
    assert "骑楼助老服务社" not in client.get("/care/providers/new/").content.decode()


def test_without_areas_it_serves_the_organisations_own_place(client, personas, society, meal):
    client.force_login(personas.street_chief_a)
    client.post("/care/providers/new/", _register_data(society, meal))
    provider = Provider.objects.get(organisation=society)
    assert list(provider.areas.values_list("place_id", flat=True)) == [personas.tree.community_a.pk]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_at": "20:00", "closes_at": "08:00"}, "closes_at", "关门时间必须晚于开门时间"),
        ({"lat": "91"}, "lat", "纬度须在 -90 到 90 之间"),
        ({"lat": "", "lon": ""}, "lat", "请填写位置"),
        ({"services": ["999999"]}, "services", "请从服务目录中选择服务"),
        ({"services": []}, "services", "请选择该服务商提供的服务"),
        ({"kind": Provider.Kind.MERCHANT}, "kind", "不是这种类型的组织"),
        ({"opens_at": "25:00"}, "opens_at", "时间"),
        ({"areas": ["abc"]}, "areas", "请从列表中选择地点"),
        ({"address": "长" * 201}, "address", "200"),
    ],
)
def test_bad_registrations_are_refused_in_chinese_and_create_nothing(
    client, personas, society, meal, changes, field, message
):
    client.force_login(personas.community_staff_a)
    before = _snapshot()
    refused = client.post("/care/providers/new/", _register_data(society, meal, **changes))
    page = refused.content.decode()
    assert refused.status_code == 422, page
    assert message in page
    assert f'id="id_{field}"' in page or f'name="{field}"' in page
    assert _snapshot() == before and not Provider.objects.filter(organisation=society).exists()


def test_an_organisation_already_a_provider_or_outside_the_places_is_refused(
    client, personas, canteen, meal
):
    client.force_login(personas.community_staff_a)
    elsewhere = _organisation(personas.tree.community_b, name="河东助老服务社")
    before = _snapshot()
    for organisation in (canteen.organisation, elsewhere):
        refused = client.post("/care/providers/new/", _register_data(organisation, meal))
        assert refused.status_code == 422
        assert "请选择您所辖地区中尚未成为服务商的机构" in refused.content.decode()
    assert _snapshot() == before


def test_a_place_out_of_sight_as_service_area_is_not_found(client, personas, society, meal):
    client.force_login(personas.community_staff_a)
    before = _snapshot()
    for place_id in (personas.tree.community_b.pk, 99999999):
        refused = client.post(
            "/care/providers/new/", _register_data(society, meal, areas=[str(place_id)])
        )
        assert refused.status_code == 404
    assert _snapshot() == before


def test_a_script_in_the_address_is_shown_as_text(client, personas, society, meal):
    client.force_login(personas.community_staff_a)
    script = "<script>alert('x')</script>骑楼街40号"
    # Refused for another reason: the form comes back with the text escaped.
    refused = client.post(
        "/care/providers/new/",
        _register_data(society, meal, address=script, opens_at="20:00", closes_at="08:00"),
    )
    assert refused.status_code == 422
    assert script not in refused.content.decode() and escape(script) in refused.content.decode()
    client.post("/care/providers/new/", _register_data(society, meal, address=script))
    provider = Provider.objects.get(organisation=society)
    assert provider.address == script
    page = client.get(f"/care/providers/{provider.pk}/").content.decode()
    assert script not in page and escape(script) in page


def test_an_official_of_another_community_finds_nothing(client, personas, canteen, cook, meal):
    other = make_user(
        "13800000093", "河东社工", roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)]
    )
    client.force_login(other)
    before = _snapshot()
    pk = canteen.pk
    assert client.get(f"/care/providers/{pk}/").status_code == 404
    assert client.get(f"/care/providers/{pk}/edit/").status_code == 404
    staff = ProviderStaff.objects.get(provider=canteen)
    posts = {
        f"/care/providers/{pk}/staff/": {"phone": "13800000007", "skills": ["meal"]},
        f"/care/providers/{pk}/certificates/": {
            "staff": str(staff.pk),
            "kind": "health",
            "number": "JKZ-9",
            "expires_on": "2030-01-01",
        },
        f"/care/providers/{pk}/suspend/": {"reason": "投诉多"},
        f"/care/providers/{pk}/reactivate/": {},
        f"/care/providers/{pk}/edit/": _register_data(canteen.organisation, meal),
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    # Their own register form does not offer community A's organisations.
    form = client.get("/care/providers/new/").content.decode()
    assert personas.merchant.name not in form
    assert _snapshot() == before


def test_the_providers_own_staff_read_its_page_but_change_nothing(
    client, personas, canteen, cook, meal, society
):
    client.force_login(cook)
    page = client.get(f"/care/providers/{canteen.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "食堂厨师" in html
    for form in ('id="staff-add"', 'id="certificate-add"', 'id="provider-suspend"', "/edit/"):
        assert form not in html
    before = _snapshot()
    pk = canteen.pk
    assert client.get("/care/providers/").status_code == 404
    assert client.get("/care/providers/new/").status_code == 404
    assert client.post("/care/providers/new/", _register_data(society, meal)).status_code == 404
    assert client.post(f"/care/providers/{pk}/suspend/", {"reason": "x"}).status_code == 404
    assert client.post(f"/care/providers/{pk}/reactivate/").status_code == 404
    staff_form = {"phone": "13800000007", "skills": ["meal"]}
    assert client.post(f"/care/providers/{pk}/staff/", staff_form).status_code == 404
    assert _snapshot() == before
    # A resident, the grid worker: not even the page.
    for outsider in (personas.resident_a, personas.grid_worker_a):
        client.force_login(outsider)
        assert client.get(f"/care/providers/{pk}/").status_code == 404


def test_staff_added_by_mobile_number_get_the_care_provider_role(client, personas, canteen):
    carer = make_user("13900000401", "助老员小梁", home=personas.tree.grid_a2)
    client.force_login(carer)
    assert client.get("/care/work/").status_code == 404
    client.force_login(personas.community_staff_a)
    done = client.post(
        f"/care/providers/{canteen.pk}/staff/",
        {"phone": "139 0000 0401", "skills": ["cleaning", "company"]},
    )
    assert done.status_code == 302
    staff = ProviderStaff.objects.get(provider=canteen, person__user=carer)
    assert staff.skills == ["cleaning", "company"] and staff.is_active
    assert RoleAssignment.objects.filter(
        user=carer, role=Role.CARE_PROVIDER, organisation=canteen.organisation
    ).exists()
    assert "助老员小梁" in client.get(done["Location"]).content.decode()
    client.force_login(carer)
    assert client.get("/care/work/").status_code == 200
    assert client.get(f"/care/providers/{canteen.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "13900000499", "skills": ["meal"]}, "您所辖地区没有人登记这个手机号"),
        ({"phone": "13800000008", "skills": ["meal"]}, "您所辖地区没有人登记这个手机号"),  # B
        ({"phone": "12345", "skills": ["meal"]}, "请输入大陆手机号码"),
        ({"phone": "13800000007", "skills": []}, "请选择服务人员的技能"),
        ({"phone": "13800000007", "skills": ["juggling"]}, "有效"),
    ],
)
def test_bad_staff_entries_are_refused(client, personas, canteen, data, message):
    client.force_login(personas.community_staff_a)
    before = _snapshot()
    refused = client.post(f"/care/providers/{canteen.pk}/staff/", data)
    assert refused.status_code == 422 and message in refused.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        ("2026-12-04", "证书已过期"),  # yesterday
        ("2026-02-30", "日期"),
        ("0001-01-01", "1900"),
        ("", "此项必填"),
    ],
)
def test_an_expired_or_impossible_certificate_date_is_refused(
    client, personas, canteen, cook, clock, expires_on, message
):
    client.force_login(personas.community_staff_a)
    staff = ProviderStaff.objects.get(provider=canteen)
    before = _snapshot()
    refused = client.post(
        f"/care/providers/{canteen.pk}/certificates/",
        {"staff": str(staff.pk), "kind": "first_aid", "number": "JHY-1", "expires_on": expires_on},
    )
    assert refused.status_code == 422 and message in refused.content.decode()
    assert _snapshot() == before


def test_a_certificate_is_recorded_for_a_staff_member_of_this_provider_only(
    client, personas, canteen, cook, clock, society, meal
):
    client.force_login(personas.community_staff_a)
    staff = ProviderStaff.objects.get(provider=canteen)
    done = client.post(
        f"/care/providers/{canteen.pk}/certificates/",
        {
            "staff": str(staff.pk),
            "kind": "first_aid",
            "number": "JHY-1",
            "expires_on": "2027-12-31",
        },
    )
    assert done.status_code == 302
    assert staff.certificates.filter(
        kind="first_aid", number="JHY-1", expires_on=datetime.date(2027, 12, 31)
    ).exists()
    other = services.provider_register(
        actor=personas.community_staff_a,
        organisation=society,
        kind=Provider.Kind.ORGANISATION,
        lat=SOCIETY[0],
        lon=SOCIETY[1],
        services=[meal],
    )
    before = _snapshot()
    refused = client.post(
        f"/care/providers/{other.pk}/certificates/",
        {"staff": str(staff.pk), "kind": "health", "number": "JKZ-2", "expires_on": "2027-12-31"},
    )
    assert refused.status_code == 422 and "请从列表中选择服务人员" in refused.content.decode()
    assert _snapshot() == before


def _lunch_tomorrow(elder, meal, actor):
    return services.order_place(actor=actor, elder=elder, service=meal, starts_at=TOMORROW_NOON)


def test_a_suspended_provider_is_offered_no_orders_until_it_serves_again(
    client, personas, elder, meal, canteen, cook, society, grandma_user
):
    other = services.provider_register(
        actor=personas.community_staff_a,
        organisation=society,
        kind=Provider.Kind.ORGANISATION,
        lat=SOCIETY[0],
        lon=SOCIETY[1],
        services=[meal],
    )
    waiting = _lunch_tomorrow(elder, meal, grandma_user)
    assert set(waiting.offers.values_list("provider_id", flat=True)) == {canteen.pk, other.pk}
    client.force_login(personas.community_staff_a)
    page = f"/care/providers/{canteen.pk}/"
    without_reason = client.post(f"{page}suspend/", {"reason": " ", "next": page})
    assert (
        without_reason.status_code == 422 and "请填写暂停的原因" in without_reason.content.decode()
    )
    assert Provider.objects.get(pk=canteen.pk).is_active
    done = client.post(f"{page}suspend/", {"reason": "食堂整改，暂停一周", "next": page})
    assert done.status_code == 302 and done["Location"] == page
    assert not Provider.objects.get(pk=canteen.pk).is_active
    shown = client.get(page).content.decode()
    assert 'id="provider-suspension"' in shown and "食堂整改，暂停一周" in shown
    assert 'id="provider-reactivate"' in shown and 'id="provider-suspend"' not in shown
    event = AuditEvent.objects.get(action="care.provider_set_active", target_id=str(canteen.pk))
    assert event.changes["is_active"] == [True, False] and event.actor == personas.community_staff_a
    # Its cook is told why the offers stopped.
    told = Message.objects.get(recipient=cook, kind="care_provider_status")
    assert told.subject == "骑楼长者食堂已被暂停服务" and "原因：食堂整改，暂停一周" in told.body
    # Its offer of the lunch nobody has taken yet is withdrawn; new orders pass it by.
    assert list(waiting.offers.values_list("provider_id", flat=True)) == [other.pk]
    client.force_login(cook)
    assert waiting.case.number not in client.get("/care/work/").content.decode()
    later = _lunch_tomorrow(elder, meal, grandma_user)
    assert list(later.offers.values_list("provider_id", flat=True)) == [other.pk]
    # Suspending again is refused back on the page; reactivating lets it be offered orders.
    client.force_login(personas.community_staff_a)
    again = client.post(f"{page}suspend/", {"reason": "再次", "next": page})
    assert again.status_code == 302
    assert "已经暂停" in client.get(page).content.decode()
    assert client.post(f"{page}reactivate/", {"next": page}).status_code == 302
    assert Provider.objects.get(pk=canteen.pk).is_active
    assert Message.objects.filter(recipient=cook, kind="care_provider_status").count() == 2
    again_lunch = _lunch_tomorrow(elder, meal, grandma_user)
    assert canteen.pk in set(again_lunch.offers.values_list("provider_id", flat=True))
    assert CareOrder.objects.count() == 3


def test_the_officials_change_what_it_offers_and_its_hours(client, personas, canteen, meal):
    client.force_login(personas.community_staff_a)
    # An area set by the district, out of the community's sight, is kept.
    provider_update(
        actor=personas.district_admin,
        provider=canteen,
        lat=canteen.lat,
        lon=canteen.lon,
        address=canteen.address,
        services=list(canteen.services.all()),
        areas=[personas.tree.community_a, personas.tree.community_b],
        opens_at=canteen.opens_at,
        closes_at=canteen.closes_at,
        on_call=canteen.on_call,
    )
    form = client.get(f"/care/providers/{canteen.pk}/edit/").content.decode()
    assert "河东社区" in form and f'value="{personas.tree.community_a.pk}" id' in form
    bathing = CareService.objects.get(code="BATH-01")
    done = client.post(
        f"/care/providers/{canteen.pk}/edit/",
        _register_data(
            canteen.organisation,
            meal,
            bathing,
            organisation=None,
            kind=None,
            opens_at="06:30",
            closes_at="21:00",
            on_call=None,
            areas=[str(personas.tree.community_a.pk)],
        ),
    )
    assert done.status_code == 302
    canteen.refresh_from_db()
    assert canteen.opens_at == datetime.time(6, 30) and not canteen.on_call
    assert set(canteen.services.all()) == {meal, bathing}
    assert set(canteen.areas.values_list("place_id", flat=True)) == {
        personas.tree.community_a.pk,
        personas.tree.community_b.pk,
    }
    assert AuditEvent.objects.filter(action="care.provider_update", target_id=str(canteen.pk))


def test_every_provider_form_refuses_the_bad_input_battery(client, personas, canteen, cook, clock):
    """The product-wide battery (web/tests/test_bad_input.py) crawls a bounded number of pages
    and does not reach these forms: the same battery, sent to each of them."""
    from django.test import Client

    from meihao.web.tests.test_bad_input import PageParser, RowCounts, _send_battery

    user = personas.community_staff_a
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    forms = []
    for page in (
        "/care/providers/new/",
        f"/care/providers/{canteen.pk}/edit/",
        f"/care/providers/{canteen.pk}/",
    ):
        parser = PageParser("http://testserver" + page)
        parser.feed(browser.get(page).content.decode())
        forms += [f for f in parser.forms if f.method == "post" and "/care/" in f.action]
    assert len(forms) == 5, [f.action for f in forms]  # register, edit, staff, certificate, suspend
    failures = []
    for form in forms:
        failures += _send_battery(browser, user, "community_staff_a", form, RowCounts())
    assert not failures, "\n".join(failures)
