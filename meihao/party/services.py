"""Writes of the party organisations: the tree, committee posts, members, their transfers and
their away details. Whoever holds a post on an organisation (or above it) manages it; nobody
else sees it (NotFound), whatever their place roles."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text, parse_date, parse_id
from meihao.party.models import (
    AWAY_TEXT_MAX,
    NAME_MAX,
    TRANSFER_REASON_MAX,
    MemberTransfer,
    PartyMember,
    PartyOrg,
    PartyPost,
    committee_paths,
)
from meihao.people.models import Person
from meihao.people.validation import normalise_phone
from meihao.places.models import Place

Level = PartyOrg.Level

# What may sit under what: a committee's branches, a branch's groups. Units' and temporary
# branches sit directly under the street's working committee or the district's committee.
CHILD_LEVELS = {
    Level.DISTRICT_COMMITTEE: (Level.STREET_COMMITTEE, Level.BRANCH),
    Level.STREET_COMMITTEE: (Level.COMMUNITY_COMMITTEE, Level.BRANCH),
    Level.COMMUNITY_COMMITTEE: (Level.BRANCH,),
    Level.BRANCH: (Level.GROUP,),
    Level.GROUP: (),
}


def manages(user, org: PartyOrg) -> bool:
    """Whether `user` holds a post on `org` or on an organisation above it."""
    if getattr(user, "is_superuser", False):
        return True
    return any(org.path.startswith(path) for path in committee_paths(user))


def forget_posts(user) -> None:
    if hasattr(user, "_party_paths"):
        del user._party_paths


def _managed(actor, org: PartyOrg) -> PartyOrg:
    if not manages(actor, org):
        raise NotFound()
    return org


def _managed_org(actor, org_id) -> PartyOrg:
    org = PartyOrg.objects.filter(pk=parse_id(org_id)).first()
    if org is None:
        raise NotFound()
    return _managed(actor, org)


def org_create(
    *,
    actor,
    parent: PartyOrg | None,
    name,
    level,
    place_id,
    unit=None,
    temporary: bool = False,
    starts_on=None,
    ends_on=None,
    team=None,
) -> PartyOrg:
    """A new organisation under `parent` (the district's committee has none: superusers only)."""
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise NotFound()
    else:
        _managed(actor, parent)
    name = clean_text(
        name, field="name", required=_("Give the organisation's name."), max_length=NAME_MAX
    )
    allowed = CHILD_LEVELS[parent.level] if parent else (Level.DISTRICT_COMMITTEE,)
    if level not in allowed:
        raise ValidationFailed(
            _("This kind of organisation cannot sit under that one."), field="level"
        )
    place = Place.objects.filter(pk=parse_id(place_id)).first()
    if place is None or (parent is not None and not place.path.startswith(parent.place_path)):
        raise ValidationFailed(
            _("Choose a place inside the parent organisation's area."), field="place"
        )
    start, end = parse_date(starts_on), parse_date(ends_on)
    if temporary and start is None:
        raise ValidationFailed(_("A temporary branch needs its first day."), field="starts_on")
    if end is not None and (start is None or end < start):
        raise ValidationFailed(_("The last day cannot come before the first."), field="ends_on")
    if PartyOrg.objects.filter(parent=parent, name=name).exists():
        raise ValidationFailed(_("An organisation of that name is already there."), field="name")
    with transaction.atomic():
        org = PartyOrg.objects.create(
            name=name,
            level=level,
            parent=parent,
            path="",
            place=place,
            place_path=place.path,
            unit=unit,
            temporary=temporary,
            starts_on=start,
            ends_on=end,
            team=team,
        )
        org.path = f"{parent.path if parent else ''}{org.pk}/"
        org.save(update_fields=["path"])
        audit_change(actor=actor, action="party.org_create", target=org)
    return org


def _person_by_phone(phone) -> Person:
    person = Person.objects.filter(phone=normalise_phone(str(phone or ""))[:20]).first()
    if person is None or not person.phone:
        raise ValidationFailed(_("Nobody on record has that mobile number."), field="phone")
    return person


def post_assign(*, actor, org: PartyOrg, phone, post) -> PartyPost:
    """Seat a party member on the organisation's committee (or make them a group's leader);
    a new secretary takes the seat of the one before, who stays a committee member."""
    _managed(actor, org)
    if post not in PartyPost.Post.values:
        raise ValidationFailed(_("Choose the post."), field="post")
    if (post == PartyPost.Post.GROUP_LEADER) != (org.level == Level.GROUP):
        raise ValidationFailed(
            _("A group has a leader; other organisations a committee."), field="post"
        )
    person = _person_by_phone(phone)
    if not PartyMember.objects.filter(person=person).exists():
        raise ValidationFailed(_("Only a party member can hold a post."), field="phone")
    with transaction.atomic():
        if post == PartyPost.Post.SECRETARY:
            PartyPost.objects.filter(org=org, post=post).exclude(person=person).update(
                post=PartyPost.Post.COMMITTEE_MEMBER
            )
        seat, _created = PartyPost.objects.update_or_create(
            org=org, person=person, defaults={"post": post, "since": timezone.localdate()}
        )
        audit_change(
            actor=actor, action="party.post_assign", target=seat, changes={"post": [None, post]}
        )
    return seat


def post_remove(*, actor, seat: PartyPost) -> None:
    _managed(actor, seat.org)
    with transaction.atomic():
        audit_change(actor=actor, action="party.post_remove", target=seat)
        seat.delete()


def member_add(*, actor, branch: PartyOrg, phone, status, joined_party_on=None) -> PartyMember:
    """Enter a party member of the branch (found by their mobile number)."""
    _managed(actor, branch)
    if branch.level != Level.BRANCH:
        raise ValidationFailed(_("Members belong to a branch."), field="branch")
    if status not in PartyMember.Status.values:
        raise ValidationFailed(_("Choose full or probationary."), field="status")
    person = _person_by_phone(phone)
    joined = parse_date(joined_party_on)
    if joined_party_on and (joined is None or joined > timezone.localdate()):
        raise ValidationFailed(
            _("Give the day they joined the party (not in the future)."), field="joined_party_on"
        )
    existing = PartyMember.objects.filter(person=person).select_related("branch").first()
    if existing is not None:
        raise ValidationFailed(
            _("This person is already a member of %(branch)s: transfer them instead.")
            % {
                "branch": existing.branch.name
                if manages(actor, existing.branch)
                else _("another branch")
            },
            field="phone",
        )
    with transaction.atomic():
        member = PartyMember.objects.create(
            person=person,
            branch=branch,
            org_path=branch.path,
            status=status,
            joined_party_on=joined,
        )
        audit_change(actor=actor, action="party.member_add", target=member)
    return member


def member_transfer(*, actor, member: PartyMember, to_branch_id, on, reason) -> MemberTransfer:
    """组织关系转接: move a member to another branch, both sides within the actor's committee;
    the transfer is recorded and the member's meetings and posts before it stay where they were."""
    _managed(actor, member.branch)
    target = PartyOrg.objects.filter(pk=parse_id(to_branch_id), level=Level.BRANCH).first()
    if target is None or not manages(actor, target):
        raise ValidationFailed(_("Choose a branch your committee covers."), field="to_branch")
    if target.pk == member.branch_id:
        raise ValidationFailed(_("The member is already in that branch."), field="to_branch")
    day = parse_date(on)
    if day is None or day > timezone.localdate():
        raise ValidationFailed(_("Give the day of the transfer (not in the future)."), field="on")
    if not target.is_active_on(day):
        raise ValidationFailed(_("That branch is not active on that day."), field="to_branch")
    reason = clean_text(
        reason,
        field="reason",
        required=_("Say why the member moves."),
        max_length=TRANSFER_REASON_MAX,
    )
    with transaction.atomic():
        locked = PartyMember.objects.select_for_update().get(pk=member.pk)
        transfer = MemberTransfer.objects.create(
            member=locked,
            from_branch_id=locked.branch_id,
            to_branch=target,
            on=day,
            reason=reason,
            recorded_by=actor,
        )
        locked.branch = target
        locked.group = None
        locked.org_path = target.path
        locked.save(update_fields=["branch", "group", "org_path", "updated_at"])
        audit_change(
            actor=actor,
            action="party.member_transfer",
            target=locked,
            changes={"branch": [transfer.from_branch_id, target.pk]},
        )
    return transfer


def member_status_set(*, actor, member: PartyMember, status) -> PartyMember:
    """A probationary member becomes a full member (转正), or the record is corrected."""
    _managed(actor, member.branch)
    if status not in PartyMember.Status.values:
        raise ValidationFailed(_("Choose full or probationary."), field="status")
    with transaction.atomic():
        before = member.status
        member.status = status
        member.save(update_fields=["status", "updated_at"])
        audit_change(
            actor=actor,
            action="party.member_status",
            target=member,
            changes={"status": [before, status]},
        )
    return member


def member_away_set(
    *, actor, member: PartyMember, away: bool, where="", since=None, contact="", host_id=None
) -> PartyMember:
    """流动党员: record that a member works away (where, since when, how to reach them, the
    branch whose meetings they attend there), or that they are back."""
    _managed(actor, member.branch)
    fields = {
        "away": False,
        "away_where": "",
        "away_since": None,
        "away_contact": "",
        "away_host": None,
    }
    if away:
        day = parse_date(since)
        if day is None or day > timezone.localdate():
            raise ValidationFailed(
                _("Give the day they went away (not in the future)."), field="away_since"
            )
        host = None
        if host_id:
            host = PartyOrg.objects.filter(pk=parse_id(host_id), level=Level.BRANCH).first()
            if host is None or host.pk == member.branch_id:
                raise ValidationFailed(
                    _("Choose another branch for them to take part with."), field="away_host"
                )
        fields = {
            "away": True,
            "away_where": clean_text(
                where,
                field="away_where",
                required=_("Say where they work."),
                max_length=AWAY_TEXT_MAX,
            ),
            "away_since": day,
            "away_contact": clean_text(contact, field="away_contact", max_length=AWAY_TEXT_MAX),
            "away_host": host,
        }
    with transaction.atomic():
        for name, value in fields.items():
            setattr(member, name, value)
        member.save(update_fields=[*fields, "updated_at"])
        audit_change(
            actor=actor,
            action="party.member_away",
            target=member,
            changes={"away": [None, str(away)]},
        )
    return member


def away_host_choices(member: PartyMember):
    """Branches an away member may take part with: any active branch but their own."""
    today = timezone.localdate()
    return (
        PartyOrg.objects.filter(level=Level.BRANCH)
        .exclude(pk=member.branch_id)
        .exclude(ends_on__lt=today)
        .exclude(starts_on__gt=today)
        .order_by("path")
    )
