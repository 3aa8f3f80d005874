"""Party organisations (党组织) as a tree of their own, their committees' posts, their members and
the members' transfers between branches.

The tree is not the place tree: a community has several branches, a unit registered with the
community keeps its own, a temporary branch lives at a project site for months. Each
organisation is attached to a place (and, for a unit's branch, to the unit) and has a `path` of
its ancestors' ids, so "everything under this committee" is one indexed prefix match, as with
places. Party data is personal data: it is read through the posts a user holds (a committee
reads its subtree) and a member's own branch, never through the place roles.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meihao.core.models import AppendOnlyModel, TimeStampedModel
from meihao.core.obligations import Period
from meihao.core.scoping import starts_with, visible_to

NAME_MAX = 60
AWAY_TEXT_MAX = 100
TRANSFER_REASON_MAX = 200


def committee_paths(user) -> tuple[str, ...]:
    """The subtrees the user reads as a committee: the paths of the organisations on which
    their person holds a post, outermost only (loaded once per request)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_party_paths", None)
    if cached is None:
        paths = sorted(
            set(PartyPost.objects.filter(person__user=user).values_list("org__path", flat=True))
        )
        minimal: list[str] = []
        for path in paths:
            if not any(path.startswith(kept) for kept in minimal):
                minimal.append(path)
        cached = tuple(minimal)
        user._party_paths = cached
    return cached


def committee_q(user, field: str) -> Q:
    query = Q(pk__in=[])
    for path in committee_paths(user):
        query |= starts_with(field, path)
    return query


class PartyOrgQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A committee's subtree to its post holders; a member's own branch and group."""
        own = Q(pk__in=[])
        if getattr(user, "is_authenticated", False):
            mine = PartyMember.objects.filter(person__user=user)
            own = Q(pk__in=mine.values("branch")) | Q(pk__in=mine.values("group"))
        return visible_to(self, user, roles=(), own=committee_q(user, "path") | own)


class PartyOrg(TimeStampedModel):
    class Level(models.TextChoices):
        DISTRICT_COMMITTEE = "district_committee", _("District party committee")
        STREET_COMMITTEE = "street_committee", _("Street party working committee")
        COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
        BRANCH = "branch", _("Party branch")
        GROUP = "group", _("Party group")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    level = models.CharField(_("level"), max_length=24, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Ancestors' ids and its own, each followed by "/": "3/17/240/".
    path = models.CharField(max_length=120, editable=False, db_index=True)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    place_path = models.CharField(max_length=80, editable=False)
    # A dual-registration unit's own branch (机关、企事业单位党支部).
    unit = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    # 临时党支部: at a project site or for a responsibility team, from one day to another.
    temporary = models.BooleanField(_("temporary"), default=False)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("responsibility team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PartyOrgQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(temporary=False) | Q(starts_on__isnull=False),
                name="party_org_temporary_has_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=False, ends_on__gte=models.F("starts_on")),
                name="party_org_ends_after_start",
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="party_org_name_unique"),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="party_org_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def holds_meetings(self) -> bool:
        """Branches and groups meet (三会一课); the committees above them supervise."""
        return self.level in (self.Level.BRANCH, self.Level.GROUP)

    def is_active_on(self, day) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


class PartyPost(models.Model):
    """A seat on an organisation's committee (支委) or a group's leader: what gives sight of the
    organisation's subtree."""

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        COMMITTEE_MEMBER = "committee_member", _("Committee member")
        GROUP_LEADER = "group_leader", _("Group leader")

    org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("party organisation"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="party_posts",
    )
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        ordering = ["org", "post", "id"]
        verbose_name = _("party post")
        verbose_name_plural = _("party posts")
        constraints = [
            models.UniqueConstraint(fields=["org", "person"], name="party_post_one_per_person"),
            models.UniqueConstraint(
                fields=["org"], condition=Q(post="secretary"), name="party_post_one_secretary"
            ),
        ]

    def __str__(self):
        return f"{self.org} · {self.get_post_display()}"


class PartyMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members' records to the committees above them, and a member's own."""
        own = Q(person__user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        return visible_to(self, user, roles=(), own=committee_q(user, "org_path") | own)


class PartyMember(TimeStampedModel):
    """A party member's organisational record: one home branch (and maybe a group in it) at a
    time; moving is a transfer, recorded (`MemberTransfer`), never an edit."""

    class Status(models.TextChoices):
        FULL = "full", _("Full member")
        PROBATIONARY = "probationary", _("Probationary member")

    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="party_membership",
    )
    branch = models.ForeignKey(
        PartyOrg, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        PartyOrg,
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    # The branch's path: what a committee's scope matches.
    org_path = models.CharField(max_length=120, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    joined_party_on = models.DateField(_("joined the party on"), null=True, blank=True)
    # 流动党员: working away from home, still in their home branch's life.
    away = models.BooleanField(_("working away"), default=False)
    away_where = models.CharField(_("where"), max_length=AWAY_TEXT_MAX, blank=True)
    away_since = models.DateField(_("away since"), null=True, blank=True)
    away_contact = models.CharField(_("contact while away"), max_length=AWAY_TEXT_MAX, blank=True)
    # The branch whose meetings they attend where they are (their attendance counts at home).
    away_host = models.ForeignKey(
        PartyOrg,
        verbose_name=_("takes part with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_members",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        ordering = ["org_path", "id"]
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        constraints = [
            models.CheckConstraint(
                condition=Q(away=False) | Q(away_since__isnull=False),
                name="party_member_away_since",
            ),
        ]
        indexes = [
            models.Index(
                fields=["org_path"],
                name="party_member_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["branch", "status"], name="party_member_branch_idx"),
        ]

    def __str__(self):
        return f"{self.person} · {self.branch}"


class MemberTransfer(AppendOnlyModel):
    """组织关系转接: a member moved from one branch to another, as it happened."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_branch = models.ForeignKey(
        PartyOrg, verbose_name=_("from"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_branch = models.ForeignKey(
        PartyOrg, verbose_name=_("to"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    on = models.DateField(_("on"))
    reason = models.CharField(_("reason"), max_length=TRANSFER_REASON_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")

    def __str__(self):
        return f"{self.member} {self.from_branch} → {self.to_branch}"


# A branch's meetings are owed by the month, the quarter or the year.
MEETING_PERIODS = [(p.value, p.label) for p in (Period.MONTH, Period.QUARTER, Period.YEAR)]


class MeetingType(models.Model):
    """One of 三会一课 and the other required meetings, with how often a branch (or group) must
    hold it: data, so the district can change the rules."""

    class Quorum(models.TextChoices):
        NONE = "none", _("No quorum")
        MEMBERS = "members", _("More than half of the members")
        COMMITTEE = "committee", _("More than half of the committee")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    level = models.CharField(
        _("held by"),
        max_length=24,
        choices=[
            (PartyOrg.Level.BRANCH, _("Party branch")),
            (PartyOrg.Level.GROUP, _("Party group")),
        ],
        default=PartyOrg.Level.BRANCH,
    )
    period = models.CharField(_("period"), max_length=8, choices=MEETING_PERIODS)
    minimum = models.PositiveSmallIntegerField(_("at least, per period"), default=1)
    quorum = models.CharField(
        _("quorum"), max_length=12, choices=Quorum.choices, default=Quorum.NONE
    )
    # 党课: the branch's secretary teaches at least this many a year.
    secretary_teaches_yearly = models.PositiveSmallIntegerField(
        _("taught by the secretary, per year"), default=0
    )
    # A temporary branch's members keep their organisational life in their home branches, so
    # it owes only the types marked here (by default its committee's meeting).
    owed_by_temporary = models.BooleanField(_("owed by temporary branches"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")
        constraints = [
            models.CheckConstraint(condition=Q(minimum__gte=1), name="meeting_type_minimum")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh

    @property
    def duty(self) -> str:
        """The obligations engine's name for holding this type of meeting."""
        return f"party.meeting.{self.code}"

    @property
    def lecture_duty(self) -> str:
        return f"party.secretary_lecture.{self.code}"


class PartyMeeting(models.Model):
    """A meeting of a branch or group: an activity (notice, sign-up, QR or online check-in,
    attendance) with what only a meeting has: its type, agenda, minutes and resolutions
    approved by the secretary, and whether it had its quorum."""

    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="party_meeting",
    )
    org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    org_path = models.CharField(max_length=120, editable=False)
    meeting_type = models.ForeignKey(
        MeetingType,
        verbose_name=_("meeting type"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    held_on = models.DateField(_("held on"))
    agenda = models.TextField(_("agenda"), blank=True)
    lecturer = models.ForeignKey(
        "people.Person",
        verbose_name=_("lecturer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when the activity is finished: who was expected, how many of them came.
    expected = models.PositiveIntegerField(_("expected"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present"), null=True, blank=True)
    quorate = models.BooleanField(_("quorate"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    # Whether it counts toward the obligation (quorate, minutes approved): told to the tallies.
    counted = models.BooleanField(_("counted"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("party meeting")
        verbose_name_plural = _("party meetings")
        indexes = [
            models.Index(fields=["org", "held_on"], name="party_meeting_org_idx"),
            models.Index(
                fields=["org_path", "held_on"],
                name="party_meeting_path_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.org} · {self.meeting_type} · {self.held_on}"


class MeetingAbsence(models.Model):
    """Why an expected member did not come (请假 and its reason), as the secretary recorded it."""

    meeting = models.ForeignKey(
        PartyMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="absences"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=TRANSFER_REASON_MAX)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_absence_unique")
        ]

    def __str__(self):
        return f"{self.meeting} · {self.person}"


class StudyMaterial(models.Model):
    """A lecture recording or a reading an organisation gives its members to study (线上学习):
    it reaches every member of the organisation's subtree."""

    org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    org_path = models.CharField(max_length=120, editable=False)
    title = models.CharField(_("title"), max_length=NAME_MAX * 2)
    url = models.URLField(_("recording or document link"), blank=True)
    text = models.TextField(_("text"), blank=True)
    required = models.BooleanField(_("required study"), default=True)
    published_on = models.DateField(_("published on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")

    def __str__(self):
        return self.title


class StudyRecord(models.Model):
    """A member studied a material (opened it through the platform and said so)."""

    material = models.ForeignKey(
        StudyMaterial, verbose_name=_("material"), on_delete=models.CASCADE, related_name="records"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    studied_at = models.DateTimeField(_("studied at"), default=timezone.now)

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        constraints = [
            models.UniqueConstraint(fields=["material", "person"], name="study_record_unique")
        ]

    def __str__(self):
        return f"{self.person} · {self.material}"
