"""The case engine's tables: case types and their class trees, cases, their timeline, SLA data.

Every kind of request (grid reports, police tips, petitions, micro-wishes, care orders, egov
applications, ...) is a `Case` of some `CaseType`; the state machine (`cases.states`), who may
act (`cases.access`) and the SLA clocks (`cases.sla`) are the same for all of them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import ClaimGroup, acting_for_types, claim_groups, held_types
from meihao.cases.formschema import check_schema, check_submit_roles
from meihao.cases.states import CLAIMABLE_STATES, TERMINAL_STATES, Status
from meihao.core.errors import ValidationFailed
from meihao.core.models import AppendOnlyModel, TimeStampedModel
from meihao.core.roles import PLACE_WORKERS, Role
from meihao.core.scoping import scope_q, scopes_of, visible_to
from meihao.people.selectors import own_person_id
from meihao.places.models import PATH_SEPARATOR


class SlaUnit(models.TextChoices):
    WORK_HOURS = "work_hours", _("working hours")
    WORK_DAYS = "work_days", _("working days")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class SlaState(models.TextChoices):
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


class CaseTypeQuerySet(models.QuerySet):
    def grid_management(self):
        """The types of grid management: what the board, the queues and the statistics count."""
        return self.filter(grid_management=True)


class CaseType(TimeStampedModel):
    """What kind of request a case is: who may file it, its form, routing, SLA. Data, not code."""

    class DispatchMode(models.TextChoices):
        ASSIGN = "assign", _("Assigned by a dispatcher")
        CLAIM = "claim", _("Claimed from a pool")
        AUTO = "auto", _("Routed automatically")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public (anonymised)")
        PRIVATE = "private", _("Private to the roles involved")

    code = models.CharField(_("code"), max_length=16, unique=True)
    # Case numbers are prefix + YYYYMMDD + sequence, e.g. WG202405200001 (网格).
    number_prefix = models.CharField(_("number prefix"), max_length=4, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    # Role codes (core.roles.Role) whose holders may file this type; `public_may_submit` opens it
    # to every signed-in user and to anonymous reporters through public channels.
    submit_roles = models.JSONField(_("roles that may submit"), default=list, blank=True)
    public_may_submit = models.BooleanField(_("the public may submit"), default=False)
    # Role codes whose holders may claim this type's cases from the pool of their places
    # (dispatch mode "claim": micro-wishes, time-bank help requests).
    claim_roles = models.JSONField(_("roles that may claim"), default=list, blank=True)
    # Claim mode: the pool opens only once a dispatcher has accepted (published) the case; micro-
    # wishes are reviewed by the community party committee before party members see them.
    claim_after_acceptance = models.BooleanField(_("claimable once accepted"), default=False)
    # The requester confirms the outcome (the person it was filed by or for; a dispatcher may on
    # their behalf) instead of the grid worker's verification (核查): help the requester received.
    confirmed_by_requester = models.BooleanField(_("the requester confirms"), default=False)
    # On-site work: the handler starts (checks in) and reports back (checks out) within this many
    # metres of the case's point, and the phone's position goes on the timeline. Empty: no check.
    onsite_radius_m = models.PositiveIntegerField(_("check-in radius (m)"), null=True, blank=True)
    # A JSON-schema subset (see cases.formschema) for the type's extra form fields.
    form_schema = models.JSONField(_("form fields (JSON schema)"), default=dict, blank=True)
    dispatch_mode = models.CharField(
        _("dispatch mode"), max_length=8, choices=DispatchMode.choices, default=DispatchMode.ASSIGN
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Response clock: accept and dispatch within this limit of the submission.
    response_limit = models.PositiveIntegerField(_("respond within"), default=24)
    response_unit = models.CharField(
        _("response limit unit"), max_length=12, choices=SlaUnit.choices, default=SlaUnit.HOURS
    )
    # Handling clock for cases without a class (or a class without its own limit).
    handling_limit = models.PositiveIntegerField(_("resolve within"), default=5)
    handling_unit = models.CharField(
        _("handling limit unit"), max_length=12, choices=SlaUnit.choices, default=SlaUnit.WORK_DAYS
    )
    # Grid management (网格化管理): its cases go on the dispatch board, the department queue and
    # verification, and into the case statistics and grid grades. The engine's other types
    # (micro-wishes, time-bank help) keep their own queues and stay out of both.
    grid_management = models.BooleanField(_("grid management"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CaseTypeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("case type")
        verbose_name_plural = _("case types")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh

    def clean(self):
        try:
            check_schema(self.form_schema)
            check_submit_roles(self.submit_roles)
            check_submit_roles(self.claim_roles, field="claim_roles")
        except ValidationFailed as exc:
            raise ValidationError({exc.field or NON_FIELD_ERRORS: exc.message}) from exc


class CaseCategory(models.Model):
    """A major class (2-digit code, no parent) or minor class (4 digits) of a case type.

    Follows the digital-city-management split into events (事件) and components (部件); minor
    classes carry the default handling department and the handling time limit.
    """

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        COMPONENT = "component", _("Component")

    case_type = models.ForeignKey(
        CaseType, verbose_name=_("case type"), on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("major class"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.EVENT)
    code = models.CharField(_("code"), max_length=4)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    # Other words people use for it, for the picker's search (车辆乱停, 陈年垃圾, ...).
    keywords = models.CharField(_("search keywords"), max_length=200, blank=True)
    # Matches people.Organisation.short_name (城管, 环卫, 交警, ...), for routing suggestions.
    department = models.CharField(_("default department"), max_length=20, blank=True)
    time_limit = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    time_unit = models.CharField(
        _("time limit unit"), max_length=12, choices=SlaUnit.choices, blank=True
    )
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=50)
    example = models.CharField(_("typical report"), max_length=200, blank=True)
    # Reviewed cases of this class may be published (审核后公开, cases.publication); a class of a
    # private case type is never published whatever this says.
    public = models.BooleanField(
        _("published once accepted"),
        default=False,
        help_text=_("Accepted cases of this class appear, anonymised, on the public page."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Part of the catalogue snapshot's fingerprint (cases.classes): an edit made around the
    # services is noticed by it.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["case_type", "code"]
        verbose_name = _("case class")
        verbose_name_plural = _("case classes")
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="case_category_code_unique"),
            models.CheckConstraint(
                condition=(
                    Q(parent__isnull=True, code__regex=r"^\d{2}$")
                    | Q(parent__isnull=False, code__regex=r"^\d{4}$")
                ),
                name="case_category_code_shape",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh

    @property
    def is_minor(self) -> bool:
        return self.parent_id is not None


class Holiday(models.Model):
    """A day that breaks the weekly pattern: a public holiday off, or a make-up workday (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("make-up workday"),
        default=False,
        help_text=_("Tick for a weekend day that is worked (调休); leave empty for a day off."),
    )
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class CaseCounter(models.Model):
    """The last sequence number handed out per case type per day (Asia/Shanghai date)."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_type", "day"], name="case_counter_unique")
        ]

    def __str__(self):
        return f"{self.case_type_id} {self.day} {self.last}"


@dataclass(frozen=True)
class ClaimRule:
    """How one user may claim one claim-mode case type."""

    roles: frozenset  # the user's roles among the type's claim roles
    states: tuple  # where the type's cases wait in the pool
    group: ClaimGroup | None  # the type's claim group (cases.extensions), if its app registered one


def claim_rules(user) -> dict[int, ClaimRule]:
    """{case type id: how the user may claim it}, for claim-mode types the user may claim.

    Case types are configuration (a handful of rows): loaded once per request and kept on the
    user object like the scopes, so abilities over a list cost no query per case.
    """
    cached = getattr(user, "_meihao_claim_rules", None)
    if cached is None:
        held = {s.role for s in scopes_of(user)}
        groups = claim_groups()
        cached = {}
        if held or groups:
            for type_id, code, roles, after_acceptance in CaseType.objects.filter(
                dispatch_mode=CaseType.DispatchMode.CLAIM, is_active=True
            ).values_list("pk", "code", "claim_roles", "claim_after_acceptance"):
                mine = held & set(roles or ())
                group = groups.get(code)
                if mine or group is not None:
                    states = ("accepted",) if after_acceptance else CLAIMABLE_STATES
                    cached[type_id] = ClaimRule(frozenset(mine), states, group)
        user._meihao_claim_rules = cached
    return cached


def claim_pool_q(user) -> Q:
    """Unclaimed cases of claim-mode types in places where the user may claim them; never the
    user's own (nobody claims what they asked for)."""
    query = Q(pk__in=[])
    rules = claim_rules(user)
    for type_id, rule in rules.items():
        where = Q(pk__in=[])
        if rule.roles:
            where |= scope_q(user, path_field="place_path", roles=rule.roles)
        if rule.group is not None:
            where |= rule.group.pool_q(user)
        query |= Q(case_type_id=type_id, status__in=rule.states) & where
    if rules:
        query &= ~Q(submitted_by=user)
    return query


def grid_management_q(prefix: str = "") -> Q:
    """Cases of a grid-management type (CaseType.grid_management): what the board, the queues
    and the statistics count. `prefix` ("case__") filters records related to a case."""
    return Q(**{f"{prefix}case_type__grid_management": True})


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Cases in the user's places, assigned to their organisation or to them, in their claim
        pool, filed by them or for them: who may see a case in full (its staff view).

        Following a case is not among them: a follower sees only its public representation
        (cases.publication).
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        own = Q(assigned_user=user) | Q(submitted_by=user)
        organisations = [
            s.organisation_id
            for s in scopes_of(user)
            if s.role == Role.DEPARTMENT_STAFF and s.organisation_id
        ]
        if organisations:
            own |= Q(assigned_organisation_id__in=organisations)
        person_id = own_person_id(user)
        if person_id is not None:
            own |= Q(reporter_id=person_id)
        own |= claim_pool_q(user)
        for code, proxy in acting_for_types():
            own |= Q(case_type_id__in=CaseType.objects.filter(code=code).values("pk")) & proxy.q(
                user
            )
        held = held_types()
        if not held:
            return visible_to(self, user, roles=PLACE_WORKERS, own=own)
        # The types whose app decides who works them (cases.extensions.Holders): the place
        # roles grant nothing there, the app's holders do.
        for code, holders in held:
            of_type = CaseType.objects.filter(code=code).values("pk")
            own |= Q(case_type_id__in=of_type) & holders.q(user)
        all_held = CaseType.objects.filter(code__in=[code for code, _holders in held]).values("pk")
        place = ~Q(case_type_id__in=all_held) & scope_q(
            user, path_field="place_path", roles=PLACE_WORKERS
        )
        return visible_to(self, user, roles=(), own=own | place)

    def open(self):
        return self.exclude(status__in=TERMINAL_STATES)

    def grid_management(self):
        return self.filter(grid_management_q())


class Case(models.Model):
    class Channel(models.TextChoices):
        GRID_PATROL = "grid_patrol", _("Grid patrol")
        RESIDENT = "resident", pgettext_lazy("case channel", "Resident")
        HOTLINE = "hotline", _("Hotline (12345)")
        POLICE_GROUP = "police_group", _("Police-community group")
        TRANSFER = "transfer", _("Transferred")
        COUNTER = "counter", _("Service counter")
        # Filed by a schedule of the platform itself (a weekly visit to an elder living alone).
        SCHEDULE = "schedule", _("Schedule")
        # Raised on a responsibility project's site by its team (问题破在一线).
        PROJECT = "project", _("Responsibility project")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    case_type = models.ForeignKey(
        CaseType, verbose_name=_("case type"), on_delete=models.PROTECT, related_name="cases"
    )
    category = models.ForeignKey(
        CaseCategory,
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    description = models.TextField(pgettext_lazy("case", "description"), max_length=2000)
    data = models.JSONField(_("form fields"), default=dict, blank=True)
    # Where: WGS-84 point, address, the grid (or other place) it belongs to, and that place's path
    # copied so that scoped lists are one prefix match.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    place = models.ForeignKey(
        "places.Place", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="cases"
    )
    place_path = models.CharField(max_length=80, editable=False)
    # Who: the signed-in submitter (a grid worker filing for a resident, or the resident), the
    # person affected if known, or an anonymous name and phone (hotline, public form).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_cases",
    )
    reporter = models.ForeignKey(
        "people.Person",
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # What the first request under the key asked for (core.idempotency.request_fingerprint).
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Whom it is assigned to: a department, one of its teams, or a person.
    assigned_organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    assigned_team = models.ForeignKey(
        "people.Team",
        verbose_name=_("assigned team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    # Optimistic concurrency: every change is UPDATE ... WHERE version = <what the actor saw>.
    version = models.PositiveIntegerField(default=1, editable=False)

    # SLA. Each clock stores its thresholds as instants (80% warn, 100% due, escalation to the
    # district) so that the sweep is a few bulk UPDATEs; see cases.sla for the rules.
    response_started_at = models.DateTimeField(_("response clock started"), null=True)
    respond_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    respond_escalate_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_sla = models.CharField(
        _("response clock"), max_length=8, choices=SlaState.choices, default=SlaState.GREEN
    )
    handling_started_at = models.DateTimeField(_("handling clock started"), null=True, blank=True)
    resolve_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    resolve_escalate_at = models.DateTimeField(null=True, blank=True, editable=False)
    reported_back_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    handling_sla = models.CharField(
        _("handling clock"), max_length=8, choices=SlaState.choices, default=SlaState.GREEN
    )
    # A pending extension request (延期申请): the deadline asked for and why.
    extension_until = models.DateTimeField(_("extension requested until"), null=True, blank=True)
    extension_reason = models.CharField(_("extension reason"), max_length=500, blank=True)
    # The street's push (督办, cases.services.supervision): how often the case was urged, when
    # last (each urge is also a timeline event), and the urgent mark (加急) that sorts it first
    # on the board, the department queue and the verification list.
    urge_count = models.PositiveIntegerField(_("times urged"), default=0)
    last_urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    # When the reporter saw the problem: the phone's own time for a report queued offline and
    # sent later (clamped to [received - 7 days, received]). Shown to people; the SLA clocks
    # still start at `created_at`, when the district could first know about the case.
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True, editable=False)
    # The grid worker's patrol the report was made on (patrol reports count towards duty).
    patrol = models.ForeignKey(
        "patrols.PatrolSession",
        verbose_name=_("patrol"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CaseQuerySet.as_manager()

    # Not a column: the timeline events of a case filed in this very call, in order (set by
    # cases.services when it files the case), so the answer to the filing needs no read-back.
    timeline_written: list | None = None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["place_path"], name="case_place_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["status", "place_path"],
                name="case_status_path_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["case_type", "status"], name="case_type_status_idx"),
            models.Index(fields=["category", "created_at"], name="case_category_created_idx"),
            models.Index(fields=["assigned_organisation", "status"], name="case_org_status_idx"),
            models.Index(fields=["created_at"], name="case_created_idx"),
            # The board filters by status and sorts by deadline.
            models.Index(fields=["status", "respond_by"], name="case_status_respond_by_idx"),
            models.Index(fields=["status", "resolve_by"], name="case_status_resolve_by_idx"),
            # The board's first screen: the handling clock's amber threshold, per state.
            models.Index(fields=["status", "resolve_warn_at"], name="case_status_resolve_warn_idx"),
            # The work lists' urgent and urged filters: few rows each, found by place.
            models.Index(
                fields=["place_path"],
                name="case_urgent_path_idx",
                condition=Q(urgent=True),
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["place_path"],
                name="case_urged_path_idx",
                condition=Q(urge_count__gt=0),
                opclasses=["varchar_pattern_ops"],
            ),
            # Nearby-duplicate search: a bounding box on lat/lon before the exact distance.
            models.Index(fields=["lat", "lon"], name="case_lat_lon_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="case_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_known"),
        ]

    def __str__(self):
        return self.number

    @property
    def shown_time(self):
        """The time to show people: when it was reported on the phone, else when received."""
        return self.reported_at or self.created_at

    @property
    def received_later(self) -> bool:
        """Whether the report reached the server well after it was made (queued offline)."""
        return (
            self.reported_at is not None
            and (self.created_at - self.reported_at).total_seconds() > 60
        )

    @property
    def street_path(self) -> str:
        """Path of the street the case lies in (district/street/), for escalation routing."""
        codes = [code for code in self.place_path.split(PATH_SEPARATOR) if code]
        return PATH_SEPARATOR.join(codes[:2]) + PATH_SEPARATOR if len(codes) >= 2 else ""


class CaseFollower(models.Model):
    """Someone who follows a case: its reporter, reporters of merged duplicates, "me too"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("case follower")
        verbose_name_plural = _("case followers")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_follower_unique")
        ]
        indexes = [models.Index(fields=["user", "case"], name="case_follower_user_idx")]

    def __str__(self):
        return f"{self.user_id} → {self.case_id}"


class CaseEvent(AppendOnlyModel):
    """One step of a case's timeline. Append-only: history is data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=16, choices=Status.choices
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_case_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class Escalation(models.Model):
    """An SLA threshold crossed by a case, recorded once per (case, clock, level)."""

    class Clock(models.TextChoices):
        RESPONSE = "response", _("Response")
        HANDLING = "handling", _("Handling")

    class Level(models.IntegerChoices):
        STREET = 1, _("Street chief")
        DISTRICT = 2, pgettext_lazy("escalation level", "District")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    clock = models.CharField(_("clock"), max_length=8, choices=Clock.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # The sweep that wrote it: lets a sweep report exactly the rows it inserted.
    sweep_id = models.CharField(max_length=32, db_index=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "clock", "level"], name="escalation_once_per_threshold"
            )
        ]

    def __str__(self):
        return f"{self.case} {self.clock} L{self.level}"


class PhotoStage(models.TextChoices):
    REPORT = "report", _("Report")
    REPORT_BACK = "report_back", _("Report-back")
    VERIFICATION = "verification", _("Verification")


def _photo_path(instance, filename):
    # MEDIA_ROOT/cases/YYYY/MM/<random>.jpg: unguessable names, one folder per month.
    return timezone.now().strftime("cases/%Y/%m/") + filename


class CasePhoto(models.Model):
    """A photo of a case, validated and re-encoded by core.images.

    `image` is the full copy (JPEG, long side <= 1600 px), with the camera's EXIF (time, GPS)
    kept as evidence for the people who may see the case; `public_image` and `thumbnail` have
    no EXIF at all and are the only copies the public page serves, and only of the photos staff
    marked `is_public`. Files are read through `cases:photo`, which checks visibility; never
    link MEDIA_URL directly.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=PhotoStage.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    public_image = models.FileField(upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=_photo_path, max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # Staff chose to publish it (its EXIF-free copy) with the case: never by default.
    is_public = models.BooleanField(_("shown to the public"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        indexes = [models.Index(fields=["case", "stage"], name="case_photo_case_idx")]

    def __str__(self):
        return f"{self.case_id} {self.stage} {self.pk}"


class CaseRating(models.Model):
    """The reporter's satisfaction with a closed case (满意度评价), once per case and reporter."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="case_ratings",
    )
    score = models.PositiveSmallIntegerField(_("rating"), choices=Score.choices)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case rating")
        verbose_name_plural = _("case ratings")
        constraints = [
            models.UniqueConstraint(fields=["case", "rater"], name="case_rating_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="case_rating_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.score}"
