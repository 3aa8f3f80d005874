"""Every form of every role, sent a fixed battery of bad input, never answers 500.

For each persona the test crawls the pages reachable from the home page, parses every
`<form method="post">` and its fields, and sends each field one value of each class of bad
input (non-ASCII digits, huge numbers, control characters, over-long text, wrong types, two
values where one is expected), plus the whole form without its CSRF token. Every answer is
below 500; a refusal (4xx) is in Chinese and changes no row; control characters and a missing
CSRF token are always refused; and what a form accepts never exceeds a column's length (SQLite
stores over-long varchar silently, PostgreSQL refuses it with an error).
"""

import dataclasses
import re
import zlib
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection, models
from django.db.models.functions import Length
from django.test import Client

ROLES = (
    "resident_a",
    "grid_worker_a",
    "community_staff_a",
    "street_chief_a",
    "department_staff",
    "district_admin",
    "volunteer_a",
    "party_member_a",
    "merchant_staff",
)
# Not pages of the product, or pages that end the session.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
MAX_PAGES_PER_ROLE = 75
MIN_POST_FORMS, MIN_GET_FORMS = 60, 1
CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


# ---------------------------------------------------------------------------------------------
# Crawling


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # number, text, date, choice, hidden, check, file
    value: str = ""
    options: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Form:
    page: str
    action: str
    fields: list
    method: str = "post"

    def key(self):
        path = re.sub(r"\d+", "N", urlsplit(self.action).path)
        return (self.method, path, tuple(sorted(f.name for f in self.fields)))

    def baseline(self) -> dict:
        """The values a person who changes nothing would send."""
        data = {}
        for field in self.fields:
            if field.kind == "file":
                continue
            if field.kind == "check":
                if field.value:
                    data.setdefault(field.name, []).append(field.value)
                continue
            # Required text filled in, so the form gets as far as judging the bad field.
            value = field.value or ("测试" if field.kind == "text" else "")
            data.setdefault(field.name, []).append(value)
        return data


TEXT_TYPES = {"text", "search", "tel", "email", "url", "password", ""}
DATE_TYPES = {"date", "datetime-local", "month", "time", "week"}


class PageParser(HTMLParser):
    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links = []
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.url, attrs["href"]))
        elif tag == "form":
            method = attrs.get("method", "get").lower()
            action = urljoin(self.url, attrs.get("action") or self.url)
            self.form = Form(page=self.url, action=action, fields=[], method=method)
            self.forms.append(self.form)
        elif self.form is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            value = attrs.get("value", "")
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind == "number":
                field_kind = "number"
            elif kind in TEXT_TYPES:
                field_kind = "text"
            elif kind in DATE_TYPES:
                field_kind = "date"
            elif kind in ("checkbox", "radio"):
                field_kind = "check"
                value = value if "checked" in attrs else ""
            elif kind == "file":
                field_kind = "file"
            else:
                field_kind = "number" if value.isascii() and value.isdigit() else "hidden"
            self.form.fields.append(Field(attrs["name"], field_kind, value))
        elif tag == "textarea":
            self.textarea = Field(attrs["name"], "text")
            self.form.fields.append(self.textarea)
        elif tag == "select":
            self.select = Field(attrs["name"], "choice")
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select.options.append(value)
            if "selected" in attrs or len(self.select.options) == 1:
                self.select.value = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            options = [o for o in self.select.options if o]
            if options and all(o.isascii() and o.isdigit() for o in options):
                self.select.kind = "number"
            if options and not self.select.value:
                self.select.value = options[0]  # a choice made, so the other fields are judged
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def crawl(client) -> tuple[list[str], list[Form]]:
    """The product's pages reachable from the home page, and the POST forms on them."""
    seen_paths, pages, forms = set(), [], []
    queue = ["/"]
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path in seen_paths:
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        seen_paths.add(parts.path)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(target)
        assert response.status_code < 500, target
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages.append(target)
        parser = PageParser("http://testserver" + target)
        parser.feed(response.content.decode("utf-8"))
        forms.extend(f for f in parser.forms if f.fields)
        links = [link for link in parser.links if urlsplit(link).scheme in ("", "http")]
        forms.extend(_query_form(target, link) for link in links if urlsplit(link).query)
        queue.extend(links)
    return pages, forms


def _query_form(page: str, link: str) -> Form:
    """A link's query string as a GET form: its parameters are fields like any other."""
    fields = [
        Field(name, "number" if value.isascii() and value.isdigit() else "hidden", value)
        for name, value in parse_qsl(urlsplit(link).query, keep_blank_values=True)
    ]
    return Form(page=page, action=link.split("?", 1)[0], fields=fields, method="get")


# ---------------------------------------------------------------------------------------------
# The battery: one value of each class per field


def battery(field: Field, index: int) -> list[tuple[str, list[str]]]:
    """(class, values) for one field; where a class has several values, fields take turns."""
    if field.kind == "file":
        return []
    control = ["\x00", "\x1b"][index % 2]
    huge = ["9" * 5000, str(2**63)][index % 2]
    classes = [
        ("control characters", [f"1{control}2"]),
        ("list where one value is expected", ["1", "2"]),
    ]
    if field.kind in ("number", "choice", "hidden", "check"):
        classes += [
            ("non-ASCII digits", ["²"]),
            ("huge number", [huge]),
            ("wrong type", ["不是数字"]),
        ]
    if field.kind == "text":
        classes += [("over-long text", ["长" * 10_000]), ("huge number", [huge])]
    if field.kind == "date":
        classes += [
            ("non-ASCII digits", ["２０２６-０６-１０"]),
            ("out-of-range date", ["0001-01-01"]),
            ("impossible day", ["2026-02-30"]),
        ]
    return classes


ALWAYS_REFUSED = {"control characters"}


def _count_rows() -> tuple:
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
    )
    # Sessions change on every log-in; Huey's queue is not the product's data.
    tables = [t for t in tables if t not in ("django_session",)]
    select = ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")  # noqa: S608 - table names from the models
        return tuple(zip(tables, cursor.fetchone(), strict=True))


def _writes() -> int:
    """Rows written so far, rolled back or not: by this connection (SQLite), in this test's
    transaction (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


class RowCounts:
    """The rows of every table. Counting them all takes milliseconds on PostgreSQL and the test
    asks thousands of times, so they are recounted only when something was written since."""

    def __init__(self):
        self.writes, self.rows = None, None

    def __call__(self) -> tuple:
        writes = _writes()
        if writes != self.writes:
            self.writes, self.rows = writes, _count_rows()
        return self.rows


def over_long_values() -> list[str]:
    """Every column holding more characters than its max_length (PostgreSQL would refuse)."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField) and f.max_length
        ]
        for field in fields:
            if (
                model._base_manager.annotate(_length=Length(field.attname))
                .filter(_length__gt=field.max_length)
                .exists()
            ):
                found.append(f"{model._meta.label}.{field.name}")
    return found


def describe(role, form, field, label):
    return f"{role}: {form.action} (on {form.page}) field {field!r}: {label}"


# ---------------------------------------------------------------------------------------------
# The world the forms need


@pytest.fixture
def world(personas):
    """The personas plus what their forms act on: a case, a wish, a help request, an
    activity, a partner merchant with an item, a time-bank member."""
    from meihao.activities import services as activities
    from meihao.activities.models import Activity
    from meihao.cases.models import Case, CaseType
    from meihao.cases.services import case_submit
    from meihao.rewards.models import PartnerMerchant, RewardItem
    from meihao.timebank import services as timebank
    from meihao.wishes import services as wishes

    tree = personas.tree
    with time_machine.travel(NOW, tick=False):
        grid = CaseType.objects.get(code="GRID")
        case_submit(
            actor=personas.grid_worker_a,
            case_type=grid,
            category=grid.categories.get(code="0501"),
            description="流动摊贩在学校门口摆卖",
            lat=23.41234,
            lon=111.20567,
            address="骑楼街12号",
            channel=Case.Channel.GRID_PATROL,
        )
        wish_kind = CaseType.objects.get(code="WISH").categories.filter(parent__isnull=False)
        wishes.wish_order(
            actor=personas.resident_a, category=wish_kind.first(), description="想要一台收音机"
        )
        help_kind = CaseType.objects.get(code="TIMEBANK").categories.filter(parent__isnull=False)
        timebank.member_join(actor=personas.volunteer_a, skills=(), lat=23.412, lon=111.205)
        timebank.help_request_submit(
            actor=personas.resident_a,
            requester=personas.resident_a.person,
            category=help_kind.first(),
            description="想找人陪我聊聊天",
        )
        activity = activities.activity_create(
            actor=personas.community_staff_a,
            kind=Activity.Kind.VOLUNTEER_SERVICE,
            title="清洁骑楼老街",
            description="捡拾垃圾、清理小广告",
            place=tree.community_a,
            venue="骑楼社区服务中心",
            address="骑楼街1号",
            lat=23.41,
            lon=111.205,
            starts_at=datetime(2026, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            ends_at=datetime(2026, 6, 20, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            capacity=5,
        )
        activities.activity_publish(actor=personas.community_staff_a, activity=activity)
        merchant = PartnerMerchant.objects.create(
            organisation=personas.merchant,
            place_path=personas.merchant.place_path,
            address="骑楼街12号",
            lat=23.41,
            lon=111.205,
        )
        RewardItem.objects.create(merchant=merchant, name="双皮奶", points_cost=10, stock=5)
        _home_care(personas)

    return personas


def _home_care(personas):
    """Home care: the resident is an elder in the community's care, with an order taken; the
    merchant (an elders' canteen) provides meals, its staff member serving them."""
    from meihao.care import services as care
    from meihao.care.models import CareService, Provider
    from meihao.eldercare import services as eldercare
    from meihao.places.models import Building

    tree = personas.tree
    building = Building.objects.create(
        name="骑楼街12号", place=tree.grid_a1, place_path=tree.grid_a1.path, lat=23.41, lon=111.205
    )
    person = personas.resident_a.person
    person.birth_date, person.building = datetime(1944, 5, 12).date(), building
    person.save()
    elder = eldercare.elder_register(
        actor=personas.community_staff_a, person=person, living="alone", low_income=True
    )
    meal = CareService.objects.get(code="MEAL-01")
    provider = care.provider_register(
        actor=personas.community_staff_a,
        organisation=personas.merchant,
        kind=Provider.Kind.MERCHANT,
        lat=23.411,
        lon=111.205,
        services=[meal],
    )
    staff = care.staff_add(
        actor=personas.community_staff_a,
        provider=provider,
        person=personas.merchant_staff.person,
        skills=["meal"],
    )
    care.certificate_add(
        actor=personas.community_staff_a,
        staff=staff,
        kind="health",
        number="JKZ-1",
        expires_on=datetime(2027, 6, 30).date(),
    )
    order = care.order_place(
        actor=personas.resident_a,
        elder=elder,
        service=meal,
        starts_at=datetime(2026, 6, 11, 11, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    # Taken, so that the elder's order page offers the complaint form too.
    care.order_take(actor=personas.merchant_staff, order=order)


# ---------------------------------------------------------------------------------------------
# The test


# The battery takes minutes; shards of the forms (by their key) run side by side under xdist,
# each crawling the whole product.
SHARDS = 2


@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_of_every_role_refuses_bad_input_in_chinese_changing_nothing(world, shard):
    tested = set()
    failures = []
    row_counts = RowCounts()
    with time_machine.travel(NOW, tick=False):
        for role in ROLES:
            user = getattr(world, role)
            client = Client(raise_request_exception=False)
            client.force_login(user)
            _pages, forms = crawl(client)
            for form in forms:
                if form.key() in tested:
                    continue
                tested.add(form.key())
                if zlib.crc32(repr(form.key()).encode()) % SHARDS != shard:
                    continue
                failures += _send_battery(client, user, role, form, row_counts)
    assert not failures, "\n".join(failures)
    methods = [key[0] for key in tested]
    # The crawl reaches the product: if it stops finding forms, this test proves nothing.
    assert methods.count("post") >= MIN_POST_FORMS, methods.count("post")
    assert methods.count("get") >= MIN_GET_FORMS, methods.count("get")


def _send_battery(client, user, role, form, row_counts) -> list[str]:
    failures = []
    path = urlsplit(form.action).path
    baseline = form.baseline()
    send = client.post if form.method == "post" else client.get
    accepted_over_long = []
    for index, field in enumerate(form.fields):
        if field.name == "csrfmiddlewaretoken":
            continue
        for label, values in battery(field, index):
            data = {**baseline, field.name: values}
            before = row_counts() if form.method == "post" else None
            response = send(path, data)
            where = describe(role, form, field.name, label)
            status = response.status_code
            if status >= 500:
                failures.append(f"{where}: {status}")
                continue
            if 400 <= status < 500:
                body = response.content.decode("utf-8", "replace")
                if not CJK.search(body):
                    failures.append(f"{where}: {status} without a Chinese message")
                if before is not None and row_counts() != before:
                    failures.append(f"{where}: {status} but rows changed")
            elif label in ALWAYS_REFUSED:
                failures.append(f"{where}: accepted ({status})")
            elif before is not None and label == "over-long text":
                accepted_over_long.append(field.name)
    if accepted_over_long and (too_long := over_long_values()):
        where = describe(role, form, accepted_over_long, "over-long text")
        failures.append(f"{where}: stored past max_length in {too_long}")
    if form.method == "post":
        failures += _without_csrf_token(user, role, form, path, baseline, row_counts)
    return failures


def _without_csrf_token(user, role, form, path, baseline, row_counts) -> list[str]:
    """The whole form without its CSRF token, as a page of another site would send it."""
    failures = []
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    strict.force_login(user)
    before = row_counts()
    response = strict.post(path, {k: v for k, v in baseline.items() if k != "csrfmiddlewaretoken"})
    where = f"{role}: {form.action} without a CSRF token"
    if response.status_code != 403:
        failures.append(f"{where}: {response.status_code}")
    elif not CJK.search(response.content.decode("utf-8", "replace")):
        failures.append(f"{where}: no Chinese message")
    if row_counts() != before:
        failures.append(f"{where}: rows changed")
    return failures
