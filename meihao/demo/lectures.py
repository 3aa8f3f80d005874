"""宣讲点单 in the demo district (`lectures`): the lecture teams' menus, a year of residents'
orders delivered by the teams' sessions, and the orders and requests still waiting.

Each of the 骑楼讲堂 lecture teams (demo.plan: one a subject, 32 teams) offers three topics, two
on the menu and the third withdrawn for one team in four. The year's lecture activities the
teams gave in the communities (demo.activities) are their sessions: each is a topic of its team,
scheduled a week or three before it was held, most at the request of the community's staff, and
delivered the orders its community's residents had placed for that topic in the weeks before.
Besides, residents have ordered topics no session has reached yet, some for over four weeks (the
street is told), and a few communities' requests wait for the teams — one of the demo
community's among them. The demo resident has an order delivered (when her community had a
session this year) and two waiting.

Written in bulk; idempotent: topics by team and title, sessions by activity, orders by topic and
person (a rerun adds only what is missing)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from meihao.activities.models import Activity
from meihao.core.roles import Role
from meihao.demo.accounts import role_persona
from meihao.demo.population import Names
from meihao.lectures.models import Order, Request, Session, Topic
from meihao.people.models import Person, RoleAssignment, Team, User
from meihao.places.models import Level, Place

# (the angle of a topic, what the summary says of it)
ANGLES = (
    ("入门讲座", "从最基本的知识讲起，通俗易懂，适合第一次接触的居民"),
    ("案例分享", "结合身边发生的真实案例，讲清楚常见问题和应对办法"),
    ("互动答疑", "现场解答居民的疑问，欢迎带着问题来"),
    ("实操体验", "边讲边练，讲师手把手带大家动手体验"),
    ("政策解读", "把最新的政策规定讲透、讲明白，告诉大家怎么办"),
)
AUDIENCES = ("全体居民", "老年居民", "青少年和家长", "党员群众", "新市民")
MINUTES = (45, 60, 60, 90, 90, 120)
REQUESTED_SHARE = 0.6  # of the sessions: asked for by the community
ORDERS_PER_SESSION = (2, 9)
WAITING_PER_COMMUNITY = (3, 9)  # orders not delivered yet, per community (scale 1)
OPEN_REQUESTS = 6


class LectureMenu:
    def __init__(self, *, plan, seed: int, scale: float, now=None):
        self.plan = plan
        self.seed = seed
        self.scale = scale
        self.now = now or timezone.now()
        self.rng = random.Random(f"{seed}:lectures")

    def run(self) -> tuple[int, int]:
        teams = list(Team.objects.filter(kind=Team.Kind.LECTURE, is_demo=True).order_by("pk"))
        if not teams:
            return 0, 0
        admin = User.objects.filter(phone=role_persona(Role.DISTRICT_ADMIN).phone).first()
        if admin is None:
            return 0, 0
        with transaction.atomic():
            written, there = self._topics(teams, admin)
            self._load_people()
            written += self._sessions(teams)
            written += self._waiting()
        return written, there

    # -- the menus ------------------------------------------------------------------------------
    def _topics(self, teams, admin) -> tuple[int, int]:
        names = Names()
        existing = set(Topic.objects.values_list("team_id", "title"))
        rows, there = [], 0
        for index, team in enumerate(teams):
            rng = random.Random(f"{self.seed}:lectures:team:{team.name}")
            subject = team.name.split("·", 1)[-1].removesuffix("讲师团")
            angles = rng.sample(ANGLES, 3)
            for n, (angle, said) in enumerate(angles):
                title = f"{subject}·{angle}"
                if (team.pk, title) in existing:
                    there += 1
                    continue
                withdrawn = n == 2 and index % 4 == 0
                online = rng.random() < 0.45
                rows.append(
                    Topic(
                        team=team,
                        place_path=team.place_path,
                        title=title,
                        summary=f"骑楼讲堂{subject}主题宣讲：{said}。",
                        speaker=names(rng, rng.choice(("male", "female"))) + "老师",
                        minutes=rng.choice(MINUTES),
                        audience=rng.choice(AUDIENCES),
                        online=online,
                        offline=True,
                        status=Topic.Status.WITHDRAWN if withdrawn else Topic.Status.PUBLISHED,
                        created_by=admin,
                        is_demo=True,
                    )
                )
        Topic.objects.bulk_create(rows)
        # On the menu since before the year the sessions cover.
        Topic.objects.filter(pk__in=[t.pk for t in rows]).update(
            created_at=self.now - datetime.timedelta(days=400)
        )
        return len(rows), there

    # -- who orders -----------------------------------------------------------------------------
    def _load_people(self):
        self.communities = {p.path: p for p in Place.objects.filter(level=Level.COMMUNITY)}
        self.residents: dict[str, list[int]] = {}
        for pk, path in (
            Person.objects.filter(user__isnull=False, user__is_active=True)
            .exclude(home_place_path="")
            .values_list("pk", "home_place_path")
            .order_by("pk")
        ):
            community = "/".join(path.split("/")[:3]) + "/"
            if community in self.communities:
                self.residents.setdefault(community, []).append(pk)
        self.staff: dict[str, int] = {}
        for user_id, path in (
            RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, place__level=Level.COMMUNITY)
            .order_by("user_id")
            .values_list("user_id", "place__path")
        ):
            self.staff.setdefault(path, user_id)
        self.ordered = set(Order.objects.values_list("topic_id", "person_id"))
        resident = Person.objects.filter(user__phone=role_persona(Role.RESIDENT).phone).first()
        self.resident = resident

    def _order(self, topic, person_id, community, when, session=None, note="") -> Order | None:
        if (topic.pk, person_id) in self.ordered:
            return None
        self.ordered.add((topic.pk, person_id))
        return Order(
            topic=topic,
            person_id=person_id,
            community=community,
            place_path=community.path,
            note=note,
            ordered_at=when,
            session=session,
            delivered_at=session.scheduled_at if session else None,
        )

    # -- the year's sessions --------------------------------------------------------------------
    def _sessions(self, teams) -> int:
        topics = {}
        for topic in Topic.objects.filter(team__in=teams, status=Topic.Status.PUBLISHED):
            topics.setdefault(topic.team_id, []).append(topic)
        for listed in topics.values():
            listed.sort(key=lambda t: t.pk)
        activities = (
            Activity.objects.filter(
                kind=Activity.Kind.LECTURE,
                organiser_team__in=teams,
                lecture_session__isnull=True,
            )
            .exclude(status=Activity.Status.DRAFT)
            .select_related("place")
            .order_by("starts_at", "pk")
        )
        sessions, requests, orders = [], [], []
        for activity in activities:
            offered = topics.get(activity.organiser_team_id)
            community = self.communities.get(activity.place_path)
            if not offered or community is None:
                continue
            rng = random.Random(f"{self.seed}:lectures:session:{activity.pk}")
            topic = rng.choice(offered)
            scheduled_at = activity.starts_at - datetime.timedelta(
                days=rng.randint(7, 21), hours=rng.randint(0, 8)
            )
            request = None
            staff = self.staff.get(community.path)
            if staff is not None and rng.random() < REQUESTED_SHARE:
                request = Request(
                    topic=topic,
                    community=community,
                    place_path=community.path,
                    requested_by_id=staff,
                    status=Request.Status.SCHEDULED,
                )
                request._when = scheduled_at - datetime.timedelta(days=rng.randint(2, 10))
                requests.append(request)
            session = Session(
                topic=topic,
                activity=activity,
                request=request,
                scheduled_by_id=activity.created_by_id,
                scheduled_at=scheduled_at,
            )
            sessions.append(session)
            people = self.residents.get(community.path, [])
            count = min(len(people), rng.randint(*ORDERS_PER_SESSION))
            for person_id in rng.sample(people, count):
                when = scheduled_at - datetime.timedelta(
                    days=rng.randint(2, 45), minutes=rng.randint(0, 600)
                )
                order = self._order(topic, person_id, community, when, session)
                if order is not None:
                    orders.append(order)
        # The demo resident had ordered the topic of her community's latest session scheduled
        # (held or to come: scheduling delivers), when her community had one this year.
        mine = self.resident
        held = [
            s
            for s in sessions
            if mine is not None and mine.home_place_path.startswith(s.activity.place_path)
        ]
        if held:
            latest = held[-1]
            when = latest.scheduled_at - datetime.timedelta(days=12)
            order = self._order(
                latest.topic, mine.pk, self.communities[latest.activity.place_path], when, latest
            )
            if order is not None:
                orders.append(order)
        Request.objects.bulk_create(requests)
        for request in requests:  # created_at is set on saving: the day it was asked
            Request.objects.filter(pk=request.pk).update(
                created_at=request._when, updated_at=request._when
            )
        for session in sessions:
            if session.request is not None:
                session.request_id = session.request.pk
        Session.objects.bulk_create(sessions)
        for order in orders:
            order.session_id = order.session.pk
        Order.objects.bulk_create(orders, batch_size=2000)
        return len(sessions) + len(requests) + len(orders)

    # -- still waiting --------------------------------------------------------------------------
    def _waiting(self) -> int:
        published = list(
            Topic.objects.filter(status=Topic.Status.PUBLISHED, is_demo=True).order_by("pk")
        )
        if not published or Order.objects.filter(session__isnull=True).exists():
            return 0  # written once: a rerun leaves the waiting orders as they are
        served = set(Session.objects.values_list("topic_id", "activity__place_path"))
        orders, requests = [], []
        low, high = WAITING_PER_COMMUNITY
        for path, community in sorted(self.communities.items()):
            rng = random.Random(f"{self.seed}:lectures:waiting:{path}")
            people = self.residents.get(path, [])
            if not people:
                continue
            count = max(1, round(rng.randint(low, high) * min(1.0, self.scale * 2)))
            choices = [t for t in published if (t.pk, path) not in served]
            for _n in range(count):
                topic = rng.choice(choices)
                when = self.now - datetime.timedelta(
                    days=rng.randint(1, 60), hours=rng.randint(0, 9)
                )
                order = self._order(topic, rng.choice(people), community, when)
                if order is not None:
                    orders.append(order)
        # The demo resident: one order delivered (above, if she was drawn) or waiting here.
        if self.resident is not None:
            path = "/".join(self.resident.home_place_path.split("/")[:3]) + "/"
            community = self.communities.get(path)
            waiting = [t for t in published if (t.pk, path) not in served]
            if community is not None and waiting:
                for topic in waiting[:2]:
                    order = self._order(
                        topic,
                        self.resident.pk,
                        community,
                        self.now - datetime.timedelta(days=9),
                        note="想多了解一些，带家里老人一起听",
                    )
                    if order is not None:
                        orders.append(order)
                staff = self.staff.get(path)
                if staff is not None:
                    requests.append(
                        Request(
                            topic=waiting[0],
                            community=community,
                            place_path=path,
                            requested_by_id=staff,
                            note="居民点单较多，希望安排在周末",
                        )
                    )
        Order.objects.bulk_create(orders, batch_size=2000)
        # A few other communities' requests wait for the teams too.
        for path, community in sorted(self.communities.items())[1:OPEN_REQUESTS]:
            staff = self.staff.get(path)
            rng = random.Random(f"{self.seed}:lectures:request:{path}")
            choices = [t for t in published if (t.pk, path) not in served]
            if staff is not None and choices:
                requests.append(
                    Request(
                        topic=rng.choice(choices),
                        community=community,
                        place_path=path,
                        requested_by_id=staff,
                    )
                )
        Request.objects.bulk_create(requests)
        return len(orders) + len(requests)
