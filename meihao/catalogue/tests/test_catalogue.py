"""The service catalogue: district administrators keep items with full guides, versioned on
every edit, coded GB/T 39554-style; 民发〔2020〕20号 keeps listed certificates away from
communities; everyone browses and searches (characters, pinyin, initials) the public guides,
ranked by what their community uses; bad input and out-of-scope requests change nothing."""

import codecs
import dataclasses
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meihao.catalogue import selectors, services
from meihao.catalogue.guides import Guide, MaterialSpec
from meihao.catalogue.models import ItemUse, ServiceItem, ServiceItemVersion
from meihao.catalogue.routes import route_for
from meihao.core import creditcode
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_place, make_user
from meihao.insights.registry import REGISTRY, Span
from meihao.places.models import Level

ISSUER = creditcode.with_check_char("11450403MB0123456")


def guide(personas, **overrides) -> Guide:
    values = {
        "name": "最低生活保障申请",
        "aliases": "低保",
        "item_type": "05",
        "department_id": personas.department.pk,
        "issuer_code": ISSUER,
        "implementing_body": "户籍所在地街道办事处受理，万秀区民政局审核确认",
        "level": "street",
        "community_assists": True,
        "legal_basis": "《社会救助暂行办法》（国务院令第649号）",
        "statutory_days": 30,
        "promised_days": 20,
        "conditions": "持有本区户籍，家庭人均收入低于当地低保标准。",
        "steps": "申请\n受理\n入户调查\n公示7天\n审核确认",
        "fees": "不收费",
        "place_hours": "各街道办事处社会事务办；工作日 8:00-12:00",
        "phone": "0774-3821234",
        "complaint": "12345政务服务便民热线",
        "faq": "低保多久审批？\n20个工作日内。",
        "visits": 0,
        "online": True,
        "materials": (
            MaterialSpec(name="居民身份证", form="原件1份", held="id_card"),
            MaterialSpec(name="家庭收入和财产状况申报表", form="原件1份"),
        ),
        "life_events": ("assistance",),
    }
    values.update(overrides)
    return Guide(**values)


def save(personas, item=None, **overrides):
    return services.item_save(
        actor=personas.district_admin,
        place=personas.tree.district,
        guide=guide(personas, **overrides),
        item=item,
    )


def form_data(personas, **overrides):
    data = {
        "name": "婚育情况证明",
        "aliases": "婚育证明",
        "item_type": "20",
        "department": personas.department.pk,
        "issuer_code": ISSUER,
        "implementing_body": "万秀区卫生健康局",
        "level": "district",
        "route": "department:decide",
        "certificate": "childbirth",
        "legal_basis": "《中华人民共和国人口与计划生育法》",
        "statutory_days": "5",
        "promised_days": "1",
        "conditions": "本区户籍或常住居民。",
        "materials": "居民身份证 | 原件1份 | | 身份证\n结婚证 | 原件1份",
        "steps": "在线申请\n审核\n出具证明",
        "fees": "不收费",
        "place_hours": "万秀区政务服务中心",
        "phone": "0774-3821235",
        "complaint": "12345",
        "faq": "",
        "visits": "0",
        "online": "on",
        "life_events": ["birth", "marriage"],
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- Items, codes and versions ------------------------------------------------------------


def test_an_item_is_coded_from_its_implementing_body_type_and_serial(personas):
    first = save(personas)
    second = save(personas, name="临时救助申请", aliases="")
    assert first.code == f"{ISSUER}0500001" and second.code == f"{ISSUER}0500002"
    third = save(personas, name="高龄津贴申领", item_type="20", aliases="")
    assert third.code == f"{ISSUER}2000001"
    assert len(first.short) == 6 and first.short != second.short


def test_every_change_is_a_new_version_and_the_old_guide_is_kept(personas):
    item = save(personas)
    assert item.version == 1
    changed = save(personas, item=item, promised_days=15)
    assert changed.version == 2
    versions = ServiceItemVersion.objects.filter(item=item).order_by("number")
    assert [v.guide["promised_days"] for v in versions] == [20, 15]
    assert versions[0].guide["materials"][0] == {
        "name": "居民身份证",
        "form": "原件1份",
        "note": "",
        "held": "id_card",
        "has_form": False,
    }
    # Saving the same guide again is no new version.
    assert save(personas, item=item, promised_days=15).version == 2
    assert ServiceItemVersion.objects.filter(item=item).count() == 2


def test_the_versions_page_names_what_changed(client, personas):
    item = save(personas)
    save(personas, item=item, promised_days=15, materials=())
    client.force_login(personas.district_admin)
    page = client.get(reverse("catalogue:versions", args=[item.pk])).content.decode()
    assert "改动: 承诺办结时限（工作日）、申请材料" in page
    assert page.count('class="list-group-item"') == 2


# --- 民发〔2020〕20号 -------------------------------------------------------------------------


def test_a_community_may_not_issue_a_listed_certificate(personas):
    with pytest.raises(ValidationFailed) as refusal:
        save(personas, name="婚姻状况证明", level="community", certificate="marital")
    assert refusal.value.code == "certificate_not_for_communities"
    assert refusal.value.field == "level"
    assert "民发〔2020〕20号" in str(refusal.value.message)
    assert not ServiceItem.objects.exists()
    # The competent department may issue it.
    assert save(personas, name="婚姻登记记录证明", level="district", certificate="marital")


def test_a_community_issues_only_certificates_on_the_whitelist(personas, settings):
    with pytest.raises(ValidationFailed) as refusal:
        save(personas, name="社区居住情况证明", level="community", certificate="other")
    assert refusal.value.code == "certificate_not_whitelisted"
    settings.CATALOGUE_COMMUNITY_CERTIFICATE_WHITELIST = frozenset({"社区居住情况证明"})
    assert save(personas, name="社区居住情况证明", level="community", certificate="other")
    # A community service that is no certificate needs no list.
    assert save(personas, name="社区长者饭堂预约", level="community", certificate="")


def test_the_editor_refuses_a_listed_certificate_at_community_level_saying_why(client, personas):
    client.force_login(personas.district_admin)
    response = client.post(reverse("catalogue:create"), form_data(personas, level="community"))
    assert response.status_code == 422
    assert "民发〔2020〕20号" in response.content.decode()
    assert not ServiceItem.objects.exists()


# --- The editor ---------------------------------------------------------------------------


def test_the_district_admin_creates_and_edits_an_item_through_the_editor(client, personas):
    client.force_login(personas.district_admin)
    response = client.post(reverse("catalogue:create"), form_data(personas))
    assert response.status_code == 302
    item = ServiceItem.objects.get()
    assert item.name == "婚育情况证明" and item.online and item.visits == 0
    assert [(m.name, m.held) for m in item.materials.all()] == [
        ("居民身份证", "id_card"),
        ("结婚证", ""),
    ]
    assert sorted(e.event for e in item.life_events.all()) == ["birth", "marriage"]
    page = client.get(reverse("catalogue:edit", args=[item.pk])).content.decode()
    assert "居民身份证 | 原件1份 |  | " in page  # the materials come back as typed lines
    response = client.post(
        reverse("catalogue:edit", args=[item.pk]), form_data(personas, promised_days="2")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.promised_days == 2 and item.version == 2


BAD_FORMS = {
    "promise past statute": ({"promised_days": "9"}, "promised_days"),
    "online with a visit": ({"visits": "1"}, "visits"),
    "bad credit code": ({"issuer_code": "11450403MB012345X0"}, "issuer_code"),
    "name too long": ({"name": "证" * 61}, "name"),
    "no name": ({"name": "  "}, "name"),
    "days not a number": ({"statutory_days": "五"}, "statutory_days"),
    "huge days": ({"statutory_days": "99999999999999999999"}, "statutory_days"),
    "material of five parts": ({"materials": "a|b|c|身份证|e"}, "materials"),
    "unknown held data": ({"materials": "户口簿 | 原件 | | 房产"}, "materials"),
    "unknown life event": ({"life_events": ["lottery"]}, "life_events"),
    "no life event": ({"life_events": []}, "life_events"),
    "unknown type": ({"item_type": "99"}, "item_type"),
    "department of nowhere": ({"department": "999999"}, "department"),
    "bad phone": ({"phone": "call me"}, "phone"),
    "unknown route": ({"route": "mayor:decide"}, "route"),
    "community decides a district item": ({"route": "community:decide"}, "route"),
}


@pytest.mark.parametrize("case", BAD_FORMS, ids=list(BAD_FORMS))
def test_bad_input_in_the_editor_is_refused_on_its_field_and_changes_nothing(
    client, personas, case
):
    overrides, field = BAD_FORMS[case]
    client.force_login(personas.district_admin)
    response = client.post(reverse("catalogue:create"), form_data(personas, **overrides))
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not ServiceItem.objects.exists()


def test_only_the_district_admin_keeps_the_catalogue(client, personas):
    item = save(personas)
    for name in ("resident_a", "community_staff_a", "street_chief_a"):
        client.force_login(getattr(personas, name))
        assert client.get(reverse("catalogue:manage")).status_code == 404
        assert client.get(reverse("catalogue:edit", args=[item.pk])).status_code == 404
        assert client.post(reverse("catalogue:create"), form_data(personas)).status_code == 404
    client.force_login(personas.department_staff)  # reads its own items, edits none
    assert (
        "本部门在全区服务事项目录中还没有事项"
        not in client.get(reverse("catalogue:manage")).content.decode()
    )
    assert client.get(reverse("catalogue:edit", args=[item.pk])).status_code == 404
    assert client.post(reverse("catalogue:create"), form_data(personas)).status_code == 404
    for actor in (personas.street_chief_a, personas.department_staff):
        with pytest.raises((NotFound, PermissionDenied)):
            services.item_save(actor=actor, place=personas.tree.district, guide=guide(personas))
    assert ServiceItem.objects.count() == 1


def test_a_departments_staff_read_their_own_items_unpublished_and_versions_too(client, personas):
    from meihao.people.models import Organisation

    client.force_login(personas.department_staff)
    assert (
        "本部门在全区服务事项目录中还没有事项"
        in client.get(reverse("catalogue:manage")).content.decode()
    )
    mine = save(personas, is_active=False)
    health = Organisation.objects.create(
        name="万秀区卫生健康局",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    other = save(personas, name="生育登记", aliases="", department_id=health.pk)
    client.force_login(personas.department_staff)  # 城管's staff
    page = client.get(reverse("catalogue:manage"))
    assert [i.pk for i in page.context["page"].object_list] == [mine.pk]
    html = page.content.decode()
    assert "本部门服务事项" in html and 'id="item-new"' not in html
    assert f'href="{reverse("catalogue:edit", args=[mine.pk])}"' not in html
    assert client.get(reverse("catalogue:versions", args=[mine.pk])).status_code == 200
    assert client.get(reverse("catalogue:versions", args=[other.pk])).status_code == 404


def test_another_districts_admin_cannot_see_or_edit_this_catalogue(client, personas):
    item = save(personas)
    other = make_place("450404", "长洲区", Level.DISTRICT)
    admin = make_user("13800000070", "长洲管理员", roles=[(Role.DISTRICT_ADMIN, other)])
    client.force_login(admin)
    assert client.get(reverse("catalogue:edit", args=[item.pk])).status_code == 404
    assert client.get(reverse("catalogue:versions", args=[item.pk])).status_code == 404
    assert client.get("/services/manage/x/versions/").status_code == 404
    assert item.name not in client.get(reverse("catalogue:manage")).content.decode()
    with pytest.raises(NotFound):
        services.item_save(actor=admin, place=personas.tree.district, guide=guide(personas))


# --- Residents and the public -------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["低保", "db", "dibao", "DiBao", "最低", "zdsh", "shenghuo", "保障"]
)
def test_search_finds_an_item_by_characters_pinyin_and_initials(personas, query):
    item = save(personas)
    save(personas, name="法律援助申请", aliases="", life_events=("legal",))
    found = list(selectors.browse(personas.tree.district, q=query))
    assert found == [item], query


def test_a_search_that_matches_nothing_says_so(client, personas):
    save(personas)
    page = client.get(reverse("catalogue:list"), {"q": "xyz<b>"}).content.decode()
    assert 'id="services-empty"' in page and "xyz&lt;b&gt;" in page


def test_results_rank_what_the_residents_community_uses_most(client, personas):
    dibao = save(personas, name="最低生活保障申请")
    legal = save(personas, name="法律援助申请", aliases="", life_events=("legal",))
    client.force_login(personas.resident_a)  # community A
    for _ in range(3):
        client.get(reverse("catalogue:detail", args=[legal.code]))
    assert ItemUse.objects.get(item=legal).count == 3
    shown = client.get(reverse("catalogue:list")).context["page"].object_list
    assert [i.pk for i in shown] == [legal.pk, dibao.pk]
    client.force_login(personas.resident_b)  # community B has not used it
    shown = client.get(reverse("catalogue:list")).context["page"].object_list
    assert [i.pk for i in shown] == [dibao.pk, legal.pk]


def test_browse_by_department_life_event_and_online(client, personas):
    from meihao.people.models import Organisation

    health = Organisation.objects.create(
        name="万秀区卫生健康局",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    dibao = save(personas)
    birth = save(
        personas,
        name="生育登记",
        aliases="",
        department_id=health.pk,
        life_events=("birth",),
        online=False,
        visits=1,
    )
    url = reverse("catalogue:list")

    def names(**params):
        return [i.name for i in client.get(url, params).context["page"].object_list]

    assert names(department=health.pk) == [birth.name]
    assert names(event="assistance") == [dibao.name]
    assert names(online="1") == [dibao.name]
    assert sorted(names(department="nonsense", event="lottery")) == sorted([dibao.name, birth.name])


def test_guides_are_public_printable_and_have_a_short_qr_link(client, personas):
    item = save(personas)
    page = client.get(reverse("catalogue:detail", args=[item.code]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "最低生活保障申请",
        "户籍所在地街道办事处受理",
        "居民身份证",
        "公示7天",
        "低保多久审批？",
    ):
        assert text in html
    assert "data-print" in html
    poster = client.get(reverse("catalogue:poster", args=[item.code])).content.decode()
    assert "<svg" in poster and f"/s/{item.short}/" in poster
    short = client.get(f"/s/{item.short}/")
    assert short.status_code == 302 and short["Location"] == reverse(
        "catalogue:detail", args=[item.code]
    )
    assert client.get("/s/nosuch/").status_code == 404


def test_an_unpublished_item_is_not_public(client, personas):
    item = save(personas, is_active=False)
    assert client.get(reverse("catalogue:detail", args=[item.code])).status_code == 404
    assert client.get(f"/s/{item.short}/").status_code == 404
    assert item.name not in client.get(reverse("catalogue:list")).content.decode()
    assert client.get(reverse("catalogue:detail", args=["<script>"])).status_code == 404


def test_text_with_markup_is_shown_escaped(client, personas):
    item = save(personas, name="<script>alert(1)</script>", conditions="<img src=x onerror=1>")
    for url in (
        reverse("catalogue:list"),
        reverse("catalogue:detail", args=[item.code]),
        reverse("catalogue:poster", args=[item.code]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_the_list_costs_the_same_queries_for_more_items(client, personas):
    save(personas)
    url = reverse("catalogue:list")
    client.force_login(personas.resident_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        save(personas, name=f"事项{n}", aliases="")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_indicators_count_the_catalogue_serving_a_place(personas):
    save(personas)
    save(personas, name="生育登记", aliases="", online=False, visits=1)
    save(personas, name="已停办事项", aliases="", is_active=False)
    today = timezone.localdate()
    span = Span.of(personas.tree.community_a.path, today, today)
    assert REGISTRY["service_items"].measure(span).value == 2
    assert REGISTRY["online_items"].measure(span).value == 1
    records = list(REGISTRY["online_items"].records(span))
    assert REGISTRY["online_items"].link(records[0]) == reverse(
        "catalogue:detail", args=[records[0].code]
    )


def test_the_departments_on_the_platform_are_those_of_the_items_serving_a_place(personas):
    from meihao.people.models import Organisation

    health = Organisation.objects.create(
        name="万秀区卫生健康局",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    closed = Organisation.objects.create(
        name="万秀区档案馆",
        kind=Organisation.Kind.DEPARTMENT,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    save(personas)
    save(personas, name="生育登记", aliases="", online=False, department_id=personas.department.pk)
    save(personas, name="婚育情况证明", aliases="婚育证明", department_id=health.pk)
    save(personas, name="已停办事项", aliases="", is_active=False, department_id=closed.pk)
    other = make_place("450405", "长洲区", Level.DISTRICT)
    indicator = REGISTRY["service_departments"]
    today = timezone.localdate()
    span = Span.of(personas.tree.community_a.path, today, today)
    # Each department once, with its items; the one whose only item is withdrawn is not there.
    assert indicator.measure(span).value == 2
    records = list(indicator.records(span))
    assert {(d.pk, d.items) for d in records} == {(personas.department.pk, 2), (health.pk, 1)}
    assert indicator.link(records[0]) == (f"{reverse('catalogue:list')}?department={records[0].pk}")
    # Another district's catalogue serves none of them; nor did this one before its items.
    assert indicator.measure(Span.of(other.path, today, today)).value == 0
    yesterday = today - datetime.timedelta(days=1)
    assert indicator.measure(Span.of(span.place_path, yesterday, yesterday)).value == 0


def test_a_guide_field_change_is_kept_as_a_dataclass_value(personas):
    item = save(personas)
    assert dataclasses.asdict(guide(personas))["name"] == item.name


def test_a_material_with_a_blank_form_offers_it_as_a_printable_pdf(client, personas):
    item = save(
        personas,
        materials=(
            MaterialSpec(name="最低生活保障申请书", form="原件1份", has_form=True),
            MaterialSpec(name="居民身份证", held="id_card"),
        ),
    )
    with_form, without = item.materials.all()
    page = client.get(reverse("catalogue:detail", args=[item.code])).content.decode()
    url = reverse("catalogue:blank_form", args=[item.code, with_form.pk])
    assert url in page
    assert reverse("catalogue:blank_form", args=[item.code, without.pk]) not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF") and pdf_title(pdf) == "最低生活保障申请书"
    assert (
        client.get(reverse("catalogue:blank_form", args=[item.code, without.pk])).status_code == 404
    )
    hidden = save(
        personas, name="停办事项", aliases="", is_active=False, materials=item_materials(item)
    )
    assert (
        client.get(
            reverse("catalogue:blank_form", args=[hidden.code, hidden.materials.first().pk])
        ).status_code
        == 404
    )


def pdf_title(pdf: bytes) -> str:
    """The document's title as ReportLab writes it: UTF-16 with octal escapes."""
    escaped = re.search(rb"/Title \((.*?)\) /", pdf).group(1)
    return codecs.escape_decode(escaped)[0].decode("utf-16")


def item_materials(item):
    return tuple(
        MaterialSpec(name=m.name, form=m.form, note=m.note, held=m.held, has_form=m.has_form)
        for m in item.materials.all()
    )


def test_the_editor_marks_a_blank_form_with_a_fifth_part(client, personas):
    client.force_login(personas.district_admin)
    data = form_data(
        personas, materials="申请书 | 原件1份 | | | 表格\n居民身份证 | 原件1份 | | 身份证"
    )
    assert client.post(reverse("catalogue:create"), data).status_code == 302
    item = ServiceItem.objects.get()
    assert [(m.name, m.has_form) for m in item.materials.all()] == [
        ("申请书", True),
        ("居民身份证", False),
    ]
    page = client.get(reverse("catalogue:edit", args=[item.pk])).content.decode()
    assert "申请书 | 原件1份 |  |  | 表格" in page
    bad = form_data(personas, name="另一事项", materials="申请书 | 原件 | | | 传真")
    response = client.post(reverse("catalogue:create"), bad)
    assert response.status_code == 422 and response.context["form"].errors["materials"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "低" * 500},
        {"q": "%_\\'\""},
        {"department": "-1", "event": "<script>", "online": "yes", "page": "999999"},
        {"department": "1e9", "page": "abc"},
        {"q": "！？。，"},
    ],
)
def test_odd_list_parameters_answer_a_list_never_an_error(client, personas, params):
    save(personas)
    response = client.get(reverse("catalogue:list"), params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_control_characters_in_a_search_are_refused(client, personas):
    assert client.get(reverse("catalogue:list"), {"q": "db\x00"}).status_code == 400


# --- Where an application goes ------------------------------------------------------------


def test_the_route_names_the_bodies_of_the_applicants_home(client, personas):
    item = save(personas, route="street:intake,street:review,department:decide")
    client.force_login(personas.resident_a)  # grid A1 of 骑楼社区, 城东街道
    page = client.get(reverse("catalogue:detail", args=[item.code]))
    route = [(str(s.duty_label), s.name) for s in page.context["route"]]
    assert route == [
        ("受理", "城东街道办事处"),
        ("审核", "城东街道办事处"),
        ("决定", personas.department.name),
    ]
    client.logout()  # a visitor reads who, not which
    route = [s.name for s in client.get(page.request["PATH_INFO"]).context["route"]]
    assert route == ["户籍所在街道", "户籍所在街道", personas.department.name]


def test_the_community_takes_in_or_checks_but_decides_only_its_own_items(personas):
    item = save(personas, route="community:check,street:review,department:decide")
    names = [s.name for s in route_for(item, personas.tree.grid_b1.path)]
    assert names == ["河东社区居民委员会", "城南街道办事处", personas.department.name]
    with pytest.raises(ValidationFailed) as refusal:
        save(personas, name="高龄津贴申领", aliases="", route="community:decide")
    assert refusal.value.field == "route"
    assert save(
        personas, name="社区长者饭堂预约", aliases="", level="community", route="community:decide"
    )
