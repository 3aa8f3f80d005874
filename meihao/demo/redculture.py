"""红色文化地图 in the demo district (`redculture`): the old town's red-culture sites, six themed
blocks, ten flag streets and five routes that link the five streets, with a year of guided
visits and one to come.

Six sites a street, in its first two communities (the old town: 骑楼城, 大东上路, 沿江, 中山路 …);
each block is an outline inside a community holding some of its sites; each street's route
walks its sites and ends at the first site of the next street, so the five routes chain the
streets. Guided visits held in the past year are finished cultural events at a route's first
stop, attended by residents of that community (checked in by the organiser); the one to come
is scheduled through the services.

Written in bulk; idempotent: sites, blocks, flag streets and routes by name, the visits once a
route (a rerun adds nothing)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from meihao.activities.models import Activity, Attendance, SignUp
from meihao.core.roles import Role
from meihao.demo import data
from meihao.demo.accounts import role_persona
from meihao.people.models import Person, User
from meihao.places.models import Place
from meihao.redculture import services
from meihao.redculture.models import Block, FlagStreet, Route, RouteStop, RouteVisit, Site

K = Site.Kind
# Per street: (community index in the street, fx, fy, name, kind, what it tells).
SITES = (
    (
        (
            0,
            0.30,
            0.45,
            "中共梧州地委旧址",
            K.FORMER_SITE,
            "大革命时期中共梧州地方委员会在此办公，领导西江两岸的工农运动。",
        ),
        (
            0,
            0.45,
            0.60,
            "骑楼城红色记忆墙",
            K.MURAL,
            "骑楼廊柱间的长卷墙绘，讲述老城百年的红色故事。",
        ),
        (
            0,
            0.60,
            0.35,
            "梧州工人运动纪念碑",
            K.MEMORIAL,
            "纪念1925年梧州海员、码头工人声援省港大罢工。",
        ),
        (
            1,
            0.35,
            0.50,
            "大东上路革命历史展板",
            K.HISTORY_BOARD,
            "沿街十二块展板，图文再现解放梧州的经过。",
        ),
        (1, 0.55, 0.40, "李济深故居", K.FORMER_RESIDENCE, "青砖骑楼，陈列先生生平与统一战线史料。"),
        (1, 0.70, 0.60, "大东上路党群红色驿站", K.LANDMARK, "红色驿站，提供休息、饮水和党史读物。"),
    ),
    (
        (
            0,
            0.30,
            0.40,
            "苍梧县农民运动讲习所旧址",
            K.FORMER_SITE,
            "1926年开办，培养农民运动骨干两百余人。",
        ),
        (
            0,
            0.50,
            0.55,
            "河东码头红色记忆长廊",
            K.MURAL,
            "码头旧墙上的壁画长廊，记录海员工会的斗争。",
        ),
        (0, 0.65, 0.35, "西江支队纪念亭", K.MEMORIAL, "纪念解放战争时期活跃在西江两岸的游击队伍。"),
        (
            1,
            0.30,
            0.60,
            "沿江路地下交通站旧址",
            K.FORMER_SITE,
            "当年秘密转送文件和同志的地下交通站。",
        ),
        (
            1,
            0.50,
            0.45,
            "沿江记忆党史展板",
            K.HISTORY_BOARD,
            "江边步道上的党史展板，一步一段历史。",
        ),
        (1, 0.70, 0.55, "沿江红色观景台", K.LANDMARK, "远眺两江交汇，讲解员在此讲述渡江故事。"),
    ),
    (
        (
            0,
            0.30,
            0.50,
            "中山纪念堂",
            K.MEMORIAL,
            "全国最早的中山纪念堂之一，见证孙中山先生三到梧州。",
        ),
        (
            0,
            0.50,
            0.35,
            "中山路红色骑楼群",
            K.LANDMARK,
            "保存完好的骑楼群，多处挂有红色文化标识牌。",
        ),
        (0, 0.65, 0.60, "梧州学生运动纪念墙", K.MURAL, "纪念五四以来梧州青年学生的爱国运动。"),
        (1, 0.35, 0.45, "西江日报社旧址", K.FORMER_SITE, "进步报刊在此编印，宣传抗日救国主张。"),
        (1, 0.55, 0.60, "小东路革命烈士英名录", K.HISTORY_BOARD, "镌刻梧州籍革命烈士英名的展墙。"),
        (1, 0.70, 0.40, "周恩来同志到梧纪念碑", K.MEMORIAL, "纪念周恩来同志途经梧州开展革命活动。"),
    ),
    (
        (
            0,
            0.30,
            0.45,
            "角嘴抗战防空洞",
            K.LANDMARK,
            "抗战时期市民躲避空袭的防空洞，现为教育基地。",
        ),
        (0, 0.50, 0.60, "英雄之城主题墙绘", K.MURAL, "以抗战、解放、建设三个篇章描绘英雄之城。"),
        (0, 0.65, 0.35, "三角嘴渡口红色纪念碑", K.MEMORIAL, "解放军在此渡江，解放梧州城区。"),
        (1, 0.30, 0.55, "白鹤山革命烈士陵园", K.MEMORIAL, "安葬为解放梧州牺牲的革命烈士。"),
        (
            1,
            0.50,
            0.40,
            "鸳江红色文化长廊",
            K.HISTORY_BOARD,
            "沿江长廊展示各时期梧州党组织的发展。",
        ),
        (
            1,
            0.70,
            0.55,
            "红岭老党员故居",
            K.FORMER_RESIDENCE,
            "老一辈共产党员的故居，陈列家书与奖章。",
        ),
    ),
    (
        (
            0,
            0.30,
            0.50,
            "东兴路初心广场",
            K.LANDMARK,
            "重温入党誓词的主题广场，党员活动常在此举行。",
        ),
        (0, 0.50, 0.35, "梧州第一个党支部诞生地", K.FORMER_SITE, "梧州第一个党支部在此秘密成立。"),
        (0, 0.65, 0.60, "初心之路百米墙绘", K.MURAL, "百米墙绘串起建党以来的重要时刻。"),
        (
            1,
            0.35,
            0.45,
            "文澜书院红色讲堂",
            K.FORMER_SITE,
            "旧书院里的红色讲堂，周末开讲党史故事。",
        ),
        (
            1,
            0.55,
            0.60,
            "环城路党史学习教育展板",
            K.HISTORY_BOARD,
            "环城路沿线的党史学习教育展板。",
        ),
        (1, 0.70, 0.40, "东兴新时代文明实践站", K.LANDMARK, "新时代文明实践站，红色线路的终点。"),
    ),
)
# (street, community in the street, name, theme); the outline holds the community's middle.
BLOCKS = (
    (0, 0, "红色骑楼", "骑楼城里的红色足迹：地委旧址、记忆墙与工运纪念碑连成一片。"),
    (1, 1, "沿江记忆", "沿江一路的地下交通站、党史展板与观景台，讲述江畔往事。"),
    (2, 0, "光辉历程", "中山纪念堂与骑楼群，见证梧州从大革命到新中国的光辉历程。"),
    (3, 0, "英雄之城", "防空洞、墙绘与渡口纪念碑，铭记英雄之城的抗战与解放。"),
    (3, 1, "精神丰碑", "烈士陵园与老党员故居，矗立在群众心中的精神丰碑。"),
    (4, 0, "初心之路", "从第一个党支部诞生地到初心广场，重走初心之路。"),
)
BLOCK_OUTLINE = ((0.2, 0.25), (0.78, 0.25), (0.78, 0.7), (0.2, 0.7))
# Each street's route: (name, what it says, the street's sites walked in this order).
ROUTES = (
    ("骑楼红色记忆线", "从地委旧址出发，穿过骑楼城，走到城南码头。", (0, 1, 2, 3, 4, 5)),
    ("沿江寻迹线", "沿西江而行，寻访讲习所、交通站和纪念亭。", (0, 2, 1, 3, 4)),
    ("光辉历程线", "从中山纪念堂出发，走读中山路的百年风云。", (0, 1, 2, 3, 5)),
    ("英雄之城线", "防空洞、渡口与烈士陵园，一路缅怀英烈。", (0, 2, 1, 3)),
    ("初心之路线", "从第一个党支部诞生地出发，到新时代文明实践站。", (1, 0, 2, 3, 4, 5)),
)
VISITS_A_ROUTE = 2  # held in the past year
VISITORS = (8, 20)


def _flag_streets():
    """Two flag streets a street, along its first two communities' roads."""
    for s, (_street, _communities, roads) in enumerate(data.STREETS):
        for c in (0, 1):
            yield s, c, f"{roads[c]}红旗街", "沿街悬挂党旗国旗，商户亮出红色门牌。"


class RedCultureMap:
    def __init__(self, *, plan, seed: int, now=None):
        self.plan = plan
        self.seed = seed
        self.now = now or timezone.now()
        self.rng = random.Random(f"{seed}:redculture")

    def run(self) -> tuple[int, int]:
        admin = User.objects.filter(phone=role_persona(Role.DISTRICT_ADMIN).phone).first()
        if admin is None or len(self.plan.streets) < len(SITES):
            return 0, 0
        communities = {c.code: c for c in self.plan.communities}
        places = {p.code: p for p in Place.objects.filter(code__in=communities)}
        self.by_street = [
            [communities[c.code] for c in self.plan.communities if c.parent_code == street.code]
            for street in self.plan.streets
        ]
        self.places = places
        with transaction.atomic():
            written, there = self._sites()
            for count in (self._blocks(), self._flag_streets(), self._routes()):
                written, there = written + count[0], there + count[1]
            written += self._visits(admin)
        return written, there

    def _community(self, s: int, c: int):
        spec = self.by_street[s][c]
        return spec, self.places[spec.code]

    def _sites(self) -> tuple[int, int]:
        existing = set(Site.objects.filter(is_demo=True).values_list("name", flat=True))
        rows = []
        for s, street_sites in enumerate(SITES):
            for c, fx, fy, name, kind, description in street_sites:
                if name in existing:
                    continue
                spec, place = self._community(s, c)
                lat, lon = spec.rect.point(fx, fy)
                rows.append(
                    Site(
                        name=name,
                        kind=kind,
                        description=description,
                        lat=lat,
                        lon=lon,
                        place=place,
                        place_path=place.path,
                        published=True,
                        is_demo=True,
                    )
                )
        Site.objects.bulk_create(rows)
        return len(rows), sum(len(street) for street in SITES) - len(rows)

    def _blocks(self) -> tuple[int, int]:
        existing = set(Block.objects.filter(is_demo=True).values_list("name", flat=True))
        rows = []
        for s, c, name, theme in BLOCKS:
            if name in existing:
                continue
            spec, place = self._community(s, c)
            ring = [list(reversed(spec.rect.point(fx, fy))) for fx, fy in BLOCK_OUTLINE]
            rows.append(
                Block(
                    name=name,
                    theme=theme,
                    boundary={"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                    place=place,
                    place_path=place.path,
                    published=True,
                    is_demo=True,
                )
            )
        Block.objects.bulk_create(rows)
        return len(rows), len(BLOCKS) - len(rows)

    def _flag_streets(self) -> tuple[int, int]:
        existing = set(FlagStreet.objects.filter(is_demo=True).values_list("name", flat=True))
        rows, total = [], 0
        for s, c, name, note in _flag_streets():
            total += 1
            if name in existing:
                continue
            spec, place = self._community(s, c)
            line = [list(reversed(spec.rect.point(fx, 0.8))) for fx in (0.08, 0.5, 0.92)]
            rows.append(
                FlagStreet(
                    name=name,
                    note=note,
                    line={"type": "LineString", "coordinates": line},
                    place=place,
                    place_path=place.path,
                    published=True,
                    is_demo=True,
                )
            )
        FlagStreet.objects.bulk_create(rows)
        return len(rows), total - len(rows)

    def _routes(self) -> tuple[int, int]:
        existing = set(Route.objects.filter(is_demo=True).values_list("name", flat=True))
        sites = dict(Site.objects.filter(is_demo=True).values_list("name", "pk"))
        district = self.plan.district
        new, made = [], 0
        for s, (name, description, order) in enumerate(ROUTES):
            if name in existing:
                continue
            made += 1
            route = Route.objects.create(
                name=name,
                description=description,
                place_path=f"{district.code}/",
                published=True,
                is_demo=True,
            )
            walked = [SITES[s][n][3] for n in order]
            if s + 1 < len(SITES):
                walked.append(SITES[s + 1][0][3])  # on into the next street
            new += [
                RouteStop(route=route, site_id=sites[site], order=n)
                for n, site in enumerate(walked, start=1)
            ]
        RouteStop.objects.bulk_create(new)
        return made, len(ROUTES) - made

    def _visits(self, admin) -> int:
        routes = list(
            Route.objects.filter(is_demo=True, visits__isnull=True).order_by("pk").distinct()
        )
        if not routes:
            return 0
        today = timezone.localdate(self.now)
        zone = timezone.get_current_timezone()
        written = 0
        for route in routes:
            first = route.stops.select_related("site__place").order_by("order").first().site
            residents = list(
                Person.objects.filter(home_place_path__startswith=first.place_path)
                .order_by("pk")
                .values_list("pk", flat=True)[:200]
            )
            for _visit in range(VISITS_A_ROUTE):
                day = today - datetime.timedelta(days=self.rng.randint(20, 350))
                starts_at = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
                activity = Activity.objects.create(
                    kind=Activity.Kind.CULTURAL_EVENT,
                    title=f"红色线路导览：{route.name}",
                    description=route.description,
                    place=first.place,
                    place_path=first.place_path,
                    venue=first.name,
                    lat=first.lat,
                    lon=first.lon,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(hours=2),
                    capacity=30,
                    status=Activity.Status.FINISHED,
                    created_by=admin,
                )
                RouteVisit.objects.create(activity=activity, route=route, scheduled_by=admin)
                count = min(len(residents), self.rng.randint(*VISITORS))
                people = self.rng.sample(residents, count)
                signups = SignUp.objects.bulk_create(
                    SignUp(activity=activity, person_id=p, status=SignUp.Status.CONFIRMED)
                    for p in people
                )
                Attendance.objects.bulk_create(
                    Attendance(
                        signup=signup,
                        checked_in_at=starts_at + datetime.timedelta(minutes=k % 10),
                        check_in_method=Attendance.CheckInMethod.STAFF,
                        checked_out_at=starts_at + datetime.timedelta(hours=2),
                        check_out_method=Attendance.CheckOutMethod.FINISH,
                    )
                    for k, signup in enumerate(signups)
                )
                written += 1 + 2 * count
        # One to come, through the services as staff would: open to sign-ups.
        upcoming = routes[0]
        starts_at = datetime.datetime.combine(
            today + datetime.timedelta(days=7), datetime.time(9), tzinfo=zone
        )
        services.route_visit_schedule(
            actor=admin,
            route=upcoming,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            capacity=30,
        )
        return written + 1
