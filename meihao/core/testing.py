"""Named personas and a small place tree for tests of every app.

Two streets, each with one community of two grids:
  street A (450403001) → community A (450403001001) → grids A1, A2
  street B (450403002) → community B (450403002001) → grid B1
Personas (as in healthchecks' alice/bob/charlie): grid_worker_a, grid_worker_b, community_staff_a,
street_chief_a, department_staff (城管, a district department), district_admin, resident_a,
resident_b, outsider (a log-in with no role); for the volunteer side: volunteer_a (a resident of
A1 who volunteers in community A), party_member_a (community A), merchant_staff (staff of the
partner merchant 骑楼糖水铺, `merchant`, in community A).
"""

import re
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.urls import resolve
from django.utils.html import escape

from meihao.core.roles import Role
from meihao.places.models import Level, Place, path_for

PASSWORD = "Meihao-test-2024"  # noqa: S105 - test fixture
# Every persona is a log-in; Argon2 at full cost would make each fixture take seconds.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_place(code: str, name: str, level: str, parent=None, boundary=None) -> Place:
    centroid = {}
    if boundary:
        ring = boundary["coordinates"][0][:-1]
        centroid = {
            "centroid_lon": sum(p[0] for p in ring) / len(ring),
            "centroid_lat": sum(p[1] for p in ring) / len(ring),
        }
    return Place.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        path=path_for(code, parent),
        boundary=boundary,
        **centroid,
    )


@dataclass
class Tree:
    district: Place
    street_a: Place
    street_b: Place
    community_a: Place
    community_b: Place
    grid_a1: Place
    grid_a2: Place
    grid_b1: Place


def build_tree() -> Tree:
    district = make_place("450403", "万秀区", Level.DISTRICT, None, _square(111.20, 23.40, 0.2))
    street_a = make_place(
        "450403001", "城东街道", Level.STREET, district, _square(111.20, 23.40, 0.1)
    )
    street_b = make_place(
        "450403002", "城南街道", Level.STREET, district, _square(111.30, 23.40, 0.1)
    )
    community_a = make_place(
        "450403001001", "骑楼社区", Level.COMMUNITY, street_a, _square(111.20, 23.40, 0.02)
    )
    community_b = make_place(
        "450403002001", "河东社区", Level.COMMUNITY, street_b, _square(111.30, 23.40, 0.02)
    )
    # Grids A1 and A2 share the edge lon = 111.21.
    grid_a1 = make_place(
        "450403001001001",
        "骑楼社区第1网格",
        Level.GRID,
        community_a,
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [111.20, 23.40],
                    [111.21, 23.40],
                    [111.21, 23.42],
                    [111.20, 23.42],
                    [111.20, 23.40],
                ]
            ],
        },
    )
    grid_a2 = make_place(
        "450403001001002",
        "骑楼社区第2网格",
        Level.GRID,
        community_a,
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [111.21, 23.40],
                    [111.22, 23.40],
                    [111.22, 23.42],
                    [111.21, 23.42],
                    [111.21, 23.40],
                ]
            ],
        },
    )
    grid_b1 = make_place(
        "450403002001001", "河东社区第1网格", Level.GRID, community_b, _square(111.30, 23.40, 0.02)
    )
    return Tree(district, street_a, street_b, community_a, community_b, grid_a1, grid_a2, grid_b1)


# The personas of the case engine's tests: places' staff, a department, residents, an outsider …
CASE_PERSONAS = (
    "grid_worker_a",
    "grid_worker_b",
    "community_staff_a",
    "street_chief_a",
    "department_staff",
    "district_admin",
    "resident_a",
    "resident_b",
    "outsider",
)
# … and, with the volunteer side's, every persona of `Personas`.
PERSONA_NAMES = (*CASE_PERSONAS, "volunteer_a", "party_member_a", "merchant_staff")


@dataclass
class Personas:
    tree: Tree
    grid_worker_a: object
    grid_worker_b: object
    community_staff_a: object
    street_chief_a: object
    department_staff: object
    district_admin: object
    resident_a: object
    resident_b: object
    outsider: object
    department: object
    volunteer_a: object
    party_member_a: object
    merchant_staff: object
    merchant: object

    def all(self) -> dict:
        return {name: getattr(self, name) for name in PERSONA_NAMES}


def make_user(phone: str, name: str, *, home=None, roles=()):
    """A log-in with a person record living in `home`, holding (role, place_or_org) pairs."""
    from meihao.people.models import Organisation, Person, RoleAssignment, User

    user = User.objects.create_user(phone, PASSWORD, name=name)
    Person.objects.create(
        user=user,
        real_name=name,
        phone=phone,
        home_place=home,
        home_place_path=home.path if home else "",
    )
    for role, scope in roles:
        if isinstance(scope, Organisation):
            RoleAssignment.objects.create(user=user, role=role, organisation=scope)
        else:
            RoleAssignment.objects.create(user=user, role=role, place=scope)
    return user


def build_personas() -> Personas:
    from meihao.people.models import Organisation

    tree = build_tree()
    department = Organisation.objects.create(
        name="万秀区城市管理局",
        short_name="城管",
        kind=Organisation.Kind.DEPARTMENT,
        place=tree.district,
        place_path=tree.district.path,
    )
    merchant = Organisation.objects.create(
        name="骑楼糖水铺",
        short_name="糖水铺",
        kind=Organisation.Kind.MERCHANT,
        place=tree.community_a,
        place_path=tree.community_a.path,
    )
    return Personas(
        tree=tree,
        department=department,
        merchant=merchant,
        grid_worker_a=make_user(
            "13800000001", "网格员甲", home=tree.grid_a1, roles=[(Role.GRID_WORKER, tree.grid_a1)]
        ),
        grid_worker_b=make_user(
            "13800000002", "网格员乙", home=tree.grid_b1, roles=[(Role.GRID_WORKER, tree.grid_b1)]
        ),
        community_staff_a=make_user(
            "13800000003",
            "社区干部甲",
            home=tree.community_a,
            roles=[(Role.COMMUNITY_STAFF, tree.community_a)],
        ),
        street_chief_a=make_user(
            "13800000004", "街长甲", home=tree.street_a, roles=[(Role.STREET_CHIEF, tree.street_a)]
        ),
        department_staff=make_user(
            "13800000005", "城管队员", home=None, roles=[(Role.DEPARTMENT_STAFF, department)]
        ),
        district_admin=make_user(
            "13800000006", "区管理员", home=None, roles=[(Role.DISTRICT_ADMIN, tree.district)]
        ),
        resident_a=make_user(
            "13800000007", "居民甲", home=tree.grid_a1, roles=[(Role.RESIDENT, tree.grid_a1)]
        ),
        resident_b=make_user(
            "13800000008", "居民乙", home=tree.grid_b1, roles=[(Role.RESIDENT, tree.grid_b1)]
        ),
        outsider=make_user("13800000009", "外来者", home=None, roles=[]),
        volunteer_a=make_user(
            "13800000050",
            "志愿者甲",
            home=tree.grid_a1,
            roles=[(Role.RESIDENT, tree.grid_a1), (Role.VOLUNTEER, tree.community_a)],
        ),
        party_member_a=make_user(
            "13800000051",
            "党员甲",
            home=tree.grid_a2,
            roles=[(Role.RESIDENT, tree.grid_a2), (Role.PARTY_MEMBER, tree.community_a)],
        ),
        merchant_staff=make_user(
            "13800000052", "糖水铺店员", home=None, roles=[(Role.MERCHANT_STAFF, merchant)]
        ),
    )


def assert_step_out_of_sight(client, personas, outsiders, *, number, post, snapshot, api):
    """A step of an app on the case engine, posted by each persona who cannot see case
    `number` (`post(number)` through the page or the API), answers 404 like a missing case and
    changes nothing (`snapshot()` before and after); the 404 comes from the step's own route."""
    assert outsiders
    before = snapshot()
    for name in outsiders:
        client.force_login(getattr(personas, name))
        response = post(number)
        assert response.status_code == 404, name
        if api:
            assert response.json()["code"] == "not_found"
        assert snapshot() == before, (name, "changed")
    assert post(number[:-4] + "9999").status_code == 404
    assert resolve(post(number).request["PATH_INFO"])


def assert_refused_back(client, url, data=None, *, page, status, message):
    """A page's form post that a service refuses, answered by core.middleware: without `next` or
    Referer, the error page with the refusal's `status` saying `message`; posted from `page`
    (the forms carry `next`), back there with `message` as the one message. The caller checks
    that nothing changed."""
    data = data or {}
    alone = client.post(url, data)  # first: a message left over would show on the error page
    assert alone.status_code == status, alone.status_code
    assert escape(message) in alone.content.decode()
    response = client.post(url, {**data, "next": page})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == page
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]


def forms_not_coming_back(html: str, page: str) -> list[str]:
    """The POST forms in a page's <main> (by their action, "" for one posting to the page
    itself) that do not post `next` = `page`, so that a refusal would not come back to it."""
    main = html[html.index("<main") : html.index("</main>")]
    forms = re.findall(r'<form method="post"([^>]*)>(.*?)</form>', main, flags=re.S)
    back = f'value="{escape(page)}"'
    actions = [re.search(r'action="([^"]*)"', attributes) for attributes, _body in forms]
    return [
        action[1] if action else ""
        for action, (_attributes, body) in zip(actions, forms, strict=True)
        if not any(back in field for field in re.findall(r'<input[^>]*name="next"[^>]*>', body))
    ]


def race(count, attempt):
    """Run `attempt(n)` for n in range(count) from as many threads, released at once, each on
    its own database connection (a server database's test): (those that went through, the codes
    of the refusals, any other errors)."""
    import threading

    from django.db import connections

    from meihao.core.errors import ValidationFailed

    barrier = threading.Barrier(count)
    won, refused, errors = [], [], []

    def runner(n):
        try:
            barrier.wait()
            attempt(n)
            won.append(n)
        except ValidationFailed as error:
            refused.append(error.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, refused, errors
