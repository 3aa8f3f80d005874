"""社区警务群: the block's officer sets a group up, residents join by its QR invitation and leave
any time, the officer's notices reach the members' inboxes and the WeCom chat, members send
tips from it. Members do not see each other; outsiders see nothing of it."""

import pytest

from meihao.cases.models import Case
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.notify.models import Channel, Delivery, Message
from meihao.people.models import Team, TeamMember
from meihao.police import groups, selectors, services

WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"


@pytest.fixture
def group(block, officer):
    return groups.group_create(
        actor=officer, block_id=block.pk, name="骑楼街区警民群", wecom_webhook_url=WEBHOOK
    )


def test_the_officer_sets_up_a_group_of_their_block(group, block, officer):
    assert group.team.kind == Team.Kind.POLICE_GROUP and group.block == block
    assert group.team.notify_channel.wecom_webhook_url == WEBHOOK
    assert list(selectors.officer_groups(officer)) == [group]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"name": ""}, "name"),
        ({"wecom_webhook_url": "javascript:alert(1)"}, "wecom_webhook_url"),
        ({"block_id": "abc"}, "block"),
    ],
)
def test_bad_groups_are_refused(block, officer, kwargs, field):
    values = {"block_id": block.pk, "name": "群", **kwargs}
    with pytest.raises(ValidationFailed) as refused:
        groups.group_create(actor=officer, **values)
    assert refused.value.field == field
    assert not Team.objects.filter(kind=Team.Kind.POLICE_GROUP).exists()


def test_only_a_blocks_officer_sets_one_up(personas, block, colleague):
    with pytest.raises(ValidationFailed):
        groups.group_create(actor=colleague, block_id=block.pk, name="群")
    with pytest.raises(ValidationFailed):
        groups.group_create(actor=personas.community_staff_a, block_id=block.pk, name="群")


def test_residents_join_by_invitation_and_leave(personas, group):
    invited = selectors.group_by_invitation(group.invite_token)
    assert groups.group_join(actor=personas.resident_a, group=invited) is True
    assert groups.group_join(actor=personas.resident_a, group=invited) is False  # once
    assert list(selectors.my_groups(personas.resident_a)) == [group]
    assert selectors.group_get(personas.resident_a, group.pk) == group
    groups.group_leave(actor=personas.resident_a, group=group)
    assert not TeamMember.objects.filter(team=group.team).exists()
    with pytest.raises(NotFound):
        selectors.group_get(personas.resident_a, group.pk)


def test_a_new_invitation_retires_the_old_code(personas, group, officer):
    old = group.invite_token
    groups.invite_renew(actor=officer, group=group)
    with pytest.raises(NotFound):
        selectors.group_by_invitation(old)
    with pytest.raises(PermissionDenied):
        groups.invite_renew(actor=personas.resident_a, group=group)


def test_a_notice_reaches_the_members_and_the_wecom_chat(personas, group, officer):
    groups.group_join(actor=personas.resident_a, group=group)
    groups.notice_post(actor=officer, group=group, body="近期有冒充客服退款诈骗，请勿转账。")
    inbox = Message.objects.filter(kind="police_group_notice", recipient__isnull=False)
    assert [m.recipient for m in inbox] == [personas.resident_a]
    chat = Message.objects.get(kind="police_group_notice", team=group.team)
    assert "冒充客服" in chat.body
    assert Delivery.objects.filter(message=chat, channel=Channel.WECOM).exists()
    with pytest.raises(PermissionDenied):
        groups.notice_post(actor=personas.resident_a, group=group, body="广告")
    with pytest.raises(ValidationFailed):
        groups.notice_post(actor=officer, group=group, body="  ")


def test_a_tip_from_the_group_goes_to_its_officer(personas, group, officer):
    groups.group_join(actor=personas.resident_a, group=group)
    tip = services.tip_send(
        actor=personas.resident_a, kind="0201", description="楼道堆满纸箱", group=group
    )
    assert tip.group == group and tip.case.channel == Case.Channel.POLICE_GROUP
    assert tip.case.assigned_user == officer


def test_outsiders_see_nothing_of_a_group(personas, group, colleague):
    for user in (
        personas.resident_b,
        personas.community_staff_a,
        personas.grid_worker_a,
        colleague,  # an officer of one community does not police the street's groups
    ):
        with pytest.raises(NotFound):
            selectors.group_get(user, group.pk)
    # The police of the street see it.
    station = make_user(
        "13800000082", "所长", home=None, roles=[(Role.POLICE_OFFICER, personas.tree.street_a)]
    )
    assert selectors.group_get(station, group.pk) == group
