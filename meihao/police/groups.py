"""Community police groups (社区警务群): the block's officer sets one up (a team of kind
`police_group`, with its WeCom group robot as the team's channel), residents join by scanning
its invitation and leave any time, the officer posts notices that reach the members' inboxes
and the WeCom group, and members send tips from it (police.services.tip_send)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.core.audit import audit_change
from meihao.core.errors import PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.notify.kinds import register_kind
from meihao.notify.models import TeamChannel, wecom_url_validator
from meihao.notify.services import notify_team
from meihao.people.models import Team, TeamMember
from meihao.people.selectors import own_person
from meihao.police.models import NOTICE_MAX, Block, GroupNotice, PoliceGroup, new_invite_token

register_kind("police_group_notice", label=gettext_lazy("Notices of my community police group"))


def officer_blocks(user):
    """The blocks the user is the liaison officer of."""
    return Block.objects.filter(officer_id=getattr(user, "pk", None)).select_related("street")


def is_member(group: PoliceGroup, user) -> bool:
    person = own_person(user)
    return person is not None and TeamMember.objects.filter(team=group.team, person=person).exists()


def _webhook(value) -> str:
    url = clean_text(value, field="wecom_webhook_url", max_length=500)
    if not url:
        return ""
    try:
        wecom_url_validator(url)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Paste the WeCom group robot's webhook address (https://qyapi.weixin.qq.com/…)."),
            field="wecom_webhook_url",
        ) from None
    return url


def group_create(*, actor, block_id, name, wecom_webhook_url="") -> PoliceGroup:
    """The block's officer sets up a police group for (part of) the block."""
    block = officer_blocks(actor).filter(pk=block_id if str(block_id).isdigit() else None).first()
    if block is None:
        raise ValidationFailed(_("Choose one of your blocks."), field="block")
    name = clean_text(name, field="name", required=_("Name the group."), max_length=100)
    url = _webhook(wecom_webhook_url)
    if Team.objects.filter(kind=Team.Kind.POLICE_GROUP, place=block.street, name=name).exists():
        raise ValidationFailed(_("Your street already has a group of that name."), field="name")
    with transaction.atomic():
        team = Team.objects.create(
            name=name, kind=Team.Kind.POLICE_GROUP, place=block.street, place_path=block.street.path
        )
        if url:
            TeamChannel.objects.create(team=team, wecom_webhook_url=url)
        group = PoliceGroup.objects.create(team=team, block=block, officer=actor)
        audit_change(actor=actor, action="police.group_create", target=group, changes={})
    return group


def group_join(*, actor, group: PoliceGroup) -> bool:
    """Join by the invitation (its token was checked by the caller): True if now a member,
    False if they already were."""
    person = own_person(actor)
    if person is None:
        raise ValidationFailed(
            _("Enter your real-name details first: the group's officer knows who is in it."),
            code="no_person",
        )
    with transaction.atomic():
        _member, created = TeamMember.objects.get_or_create(
            team=group.team, person=person, defaults={"joined_on": timezone.localdate()}
        )
        if created:
            audit_change(actor=actor, action="police.group_join", target=group, changes={})
    return created


def group_leave(*, actor, group: PoliceGroup) -> None:
    person = own_person(actor)
    with transaction.atomic():
        left, _rows = TeamMember.objects.filter(team=group.team, person=person).delete()
        if left:
            audit_change(actor=actor, action="police.group_leave", target=group, changes={})


def _officer_of(group: PoliceGroup, actor) -> None:
    if group.officer_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the group's officer does this."))


def invite_renew(*, actor, group: PoliceGroup) -> PoliceGroup:
    """A new invitation: the old QR code no longer lets anyone in."""
    _officer_of(group, actor)
    with transaction.atomic():
        group.invite_token = new_invite_token()
        group.save(update_fields=["invite_token"])
        audit_change(actor=actor, action="police.invite_renew", target=group, changes={})
    return group


def notice_post(*, actor, group: PoliceGroup, body) -> GroupNotice:
    """The officer posts a notice (a fraud warning, a wanted appeal, a safety tip): in every
    member's inbox and in the group's WeCom chat."""
    _officer_of(group, actor)
    body = clean_text(body, field="body", required=_("Write the notice."), max_length=NOTICE_MAX)
    with transaction.atomic():
        notice = GroupNotice.objects.create(group=group, author=actor, body=body)
        notify_team(
            team=group.team,
            kind="police_group_notice",
            subject=gettext_lazy("{{ group }}: a notice from your community police"),
            body="{{ notice }}",
            link=reverse("police:group", args=[group.pk]),
            target=group,
            idempotency_key=f"police:notice:{notice.pk}",
            context={"group": group.team.name, "notice": body},
        )
    return notice
