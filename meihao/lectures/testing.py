"""A lecture team with a leader and a topic on its menu, for the tests of every app that needs
one."""

from dataclasses import dataclass

from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.lectures.models import Topic
from meihao.people.models import Team, TeamMember


@dataclass
class Menu:
    team: Team
    leader: object  # a resident leading the team: no official role
    topic: Topic  # on the menu, on site and online
    draft: Topic


def make_menu(personas) -> Menu:
    tree = personas.tree
    team = Team.objects.create(
        name="骑楼讲堂·“三老”宣讲团",
        kind=Team.Kind.LECTURE,
        place=tree.district,
        place_path=tree.district.path,
    )
    leader = make_user(
        "13800000090", "宣讲团长", home=tree.grid_a2, roles=[(Role.RESIDENT, tree.grid_a2)]
    )
    TeamMember.objects.create(team=team, person=leader.person, position="leader")
    fields = {"team": team, "place_path": team.place_path, "created_by": leader, "minutes": 60}
    topic = Topic.objects.create(
        **fields,
        title="老城骑楼的故事",
        summary="从骑楼街的历史讲起。",
        speaker="李老师",
        online=True,
        offline=True,
        status=Topic.Status.PUBLISHED,
    )
    draft = Topic.objects.create(
        **fields, title="防范电信诈骗", summary="常见骗局。", speaker="王警官"
    )
    return Menu(team, leader, topic, draft)
