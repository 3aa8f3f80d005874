"""Reads that list or aggregate cases, always scoped to the asking user.

Staff work lists (below the reporter's selectors): the street chief's dispatch board, the
department's queue, the grid worker's verification queue (核查), their counts for the home page,
and the case API's list. Each is `Case.objects.visible_to(user)` narrowed to the places (or
organisations) where the user holds the role the list is for, loaded with the related rows its
template shows, so that a page costs the same number of queries whatever its length.
"""

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.cases.extensions import acting_for, confidential_types
from meihao.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseFollower,
    CasePhoto,
    CaseRating,
    CaseType,
    PhotoStage,
    Status,
)
from meihao.cases.publication import (
    PUBLIC_RELATED,
    public_case,
    public_prefetches,
    publicly_visible,
    publicly_visible_q,
)
from meihao.cases.states import HANDLING_RUNNING, OPEN_STATES, RESPONSE_RUNNING, WORKING
from meihao.core.audit import audit_pii_read
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import parse_datetime, parse_id
from meihao.core.roles import OFFICIALS, PLACE_WORKERS, Role
from meihao.core.scoping import in_subtree, organisation_ids, scope_paths, scope_q, scopes_of
from meihao.people.selectors import own_person_id
from meihao.places.geo import haversine_m
from meihao.places.models import Level, Place

# ---------------------------------------------------------------------------------------------
# Reporter's and public selectors: nearby duplicates, my cases, one case, the public map.

NEARBY_DAYS = 7
DEFAULT_DUPLICATE_RADIUS_M = 50
METRES_PER_DEGREE_LAT = 111_320
REPORTER_LIST_RELATED = ("case_type", "category__parent", "place")


def cases_nearby(
    *, category, lat: float, lon: float, now: datetime | None = None, user=None, limit: int = 5
) -> list[Case]:
    """Open cases of the same minor class within the class's duplicate radius, filed in the
    last 7 days, nearest first, each with `distance_m`.

    A bounding box on the indexed lat/lon narrows the rows; the exact great-circle distance
    decides. Only published cases (cases.publication) and those `user` can see are offered:
    the reporter reads them as the public does (`public` on each, for the redacted text).
    """
    now = now or timezone.now()
    radius = category.duplicate_radius_m or DEFAULT_DUPLICATE_RADIUS_M
    dlat = radius / METRES_PER_DEGREE_LAT
    dlon = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    rows = (
        Case.objects.open()
        .filter(
            category=category,
            created_at__gte=now - timedelta(days=NEARBY_DAYS),
            lat__range=(lat - dlat, lat + dlat),
            lon__range=(lon - dlon, lon + dlon),
        )
        .filter(publicly_visible_q() | Q(pk__in=Case.objects.visible_to(user).values("pk")))
        .select_related(*PUBLIC_RELATED)
        .prefetch_related(*public_prefetches())
    )
    found = []
    for case in rows[:200]:
        case.distance_m = haversine_m(lat, lon, case.lat, case.lon)
        if case.distance_m <= radius:
            case.public = public_case(case)
            found.append(case)
    found.sort(key=lambda c: c.distance_m)
    return found[:limit]


def case_for_follow(*, user, number: str) -> Case:
    """A case the user may follow ("this is my problem too"): published or visible to them."""
    case = (
        Case.objects.select_related("case_type", "category", "place")
        .filter(number=number)
        .filter(publicly_visible_q() | Q(pk__in=Case.objects.visible_to(user).values("pk")))
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def cases_of_reporter(*, user):
    """Cases the user reported (filed, or filed for them) or follows, newest first. A followed
    case that is not the user's own is shown as the public sees it: `mine` is False on it."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    followed = CaseFollower.objects.filter(user=user).values("case_id")
    own = Q(submitted_by=user)
    person_id = own_person_id(user)
    if person_id is not None:
        own |= Q(reporter_id=person_id)
    return (
        Case.objects.filter(own | Q(pk__in=followed))
        .annotate(mine=own)
        .select_related(*REPORTER_LIST_RELATED, "assigned_organisation")
        .prefetch_related(_thumbnails(), *public_prefetches())
    )


def _thumbnails():
    return Prefetch("photos", queryset=CasePhoto.objects.order_by("created_at", "id"))


def case_detail(*, user, number: str) -> Case:
    """One case as its timeline page shows it, or NotFound."""
    case = (
        Case.objects.visible_to(user)
        .select_related(
            "case_type",
            "category__parent",
            "place",
            "assigned_organisation",
            "assigned_team",
            "assigned_user",
            "reporter",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor").prefetch_related("photos"),
            ),
            _thumbnails(),
            Prefetch("ratings", queryset=CaseRating.objects.select_related("rater")),
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    audit_confidential_read(case, user)
    return case


def followed_case(*, user, number: str) -> Case:
    """A case the user follows (their "me too", or the original of their merged duplicate),
    loaded for `public_case`: a follower sees what the public sees, or NotFound."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    case = (
        Case.objects.filter(number=number, followers__user=user)
        .select_related(*PUBLIC_RELATED)
        .prefetch_related(*public_prefetches())
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def cases_public(*, street_code: str = "", statuses: Collection[str] = (), category_code: str = ""):
    """Published cases for the public page and map (cases.publication), in any of `statuses`
    when given (the states behind one of the reporters' words)."""
    rows = publicly_visible()
    if street_code:
        # A street's path is district/street/: the prefix match uses the path index.
        street = Place.objects.filter(code=street_code, level=Level.STREET).first()
        rows = rows.filter(place_path__startswith=street.path) if street else rows.none()
    if statuses:
        rows = rows.filter(status__in=sorted(statuses))
    if category_code:
        rows = rows.filter(category__code=category_code)
    return rows


def case_public_detail(*, number: str) -> Case:
    case = publicly_visible().filter(number=number).first()
    if case is None:
        raise NotFound()
    return case


def public_filter_choices() -> dict:
    """Streets and minor classes of public types, for the public page's filters."""
    streets = Place.objects.filter(level=Level.STREET).order_by("code").only("code", "name")
    categories = (
        CaseCategory.objects.filter(
            case_type__visibility=CaseType.Visibility.PUBLIC, parent__isnull=False, public=True
        )
        .order_by("code")
        .only("code", "name_zh", "name_en")
    )
    return {"streets": list(streets), "categories": list(categories)}


def report_categories(*, case_type) -> list[dict]:
    """The minor classes of a type grouped by major class, for the report form's picker."""
    majors: dict[int | None, dict] = {}
    for category in (
        CaseCategory.objects.filter(case_type=case_type, is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__code", "code")
    ):
        group = majors.setdefault(category.parent_id, {"major": category.parent, "categories": []})
        group["categories"].append(category)
    return list(majors.values())


def grids_near(*, lat: float, lon: float, span: float = 0.01) -> list:
    """Grids whose centroid lies within `span` degrees of the point: the report map's outline.

    Boundaries are not personal data; the report form shows them to every reporter.
    """
    return list(
        Place.objects.filter(
            level=Level.GRID,
            boundary__isnull=False,
            centroid_lat__range=(lat - span, lat + span),
            centroid_lon__range=(lon - span, lon + span),
        ).only("code", "name", "boundary")[:50]
    )


# ---------------------------------------------------------------------------------------------
# Staff work lists (dispatch board, department queue, verification queue) and the case API.

# The board's default view: what waits for the dispatcher (立案 / 派遣 / 回退 to dispatch again).
BOARD_INCOMING = (Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED)
# The department's queue: what the department must work on, then what waits for verification.
QUEUE_STATES = (*sorted(WORKING), Status.REPORTED_BACK)
# Sort keys offered by the lists; each is backed by an index (respond_by, resolve_by, created_at).
# Urgent cases (加急) come first on every work list, whatever the sort.
URGENT_FIRST = F("urgent").desc()
BOARD_SORTS = {
    "respond_by": (URGENT_FIRST, F("respond_by").asc(nulls_last=True), "id"),
    "resolve_by": (URGENT_FIRST, F("resolve_by").asc(nulls_last=True), "id"),
    "-created_at": (URGENT_FIRST, "-created_at", "-id"),
}
# The board's first screen also shows the cases out of the dispatcher's hands — at a department
# or awaiting verification — whose handling deadline is near (amber, 80 %) or past (red): the ones
# the street chief may have to push (督办). The first few, most urgent first; the rest one click
# away (`status=late`).
LATE_STATES = QUEUE_STATES
LATE_SECTION_SIZE = 10
LATE_ORDER = (URGENT_FIRST, F("resolve_by").asc(nulls_last=True), "id")
# The board's views besides one status: the first screen (""), what waits to be dispatched, the
# late section in full, every open case, the extension requests.
BOARD_VIEWS = ("incoming", "late", "open", "extension")
STAFF_LIST_RELATED = (
    "case_type",
    "category__parent",
    "place",
    "assigned_organisation",
    "assigned_team",
    "assigned_user",
)


def may_use_board(user) -> bool:
    """Street chiefs, community staff and district admins dispatch (and superusers)."""
    return bool(getattr(user, "is_superuser", False)) or bool(scope_paths(user, OFFICIALS))


def queue_organisation_ids(user) -> list[int]:
    """The organisations the user handles cases for as department staff."""
    return sorted(organisation_ids(user, {Role.DEPARTMENT_STAFF}))


def may_use_queue(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(queue_organisation_ids(user))


def may_use_verify(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(scope_paths(user, PLACE_WORKERS))


def overdue_q(now: datetime | None = None) -> Q:
    """A running clock past its deadline: the response clock before dispatch, else handling.

    Written against the deadlines (indexed) rather than the sweep's colours, so a case is overdue
    on the list the second its deadline passes, not at the next sweep.
    """
    now = now or timezone.now()
    return Q(status__in=RESPONSE_RUNNING, respond_by__lt=now) | Q(
        status__in=HANDLING_RUNNING, resolve_by__lt=now
    )


def street_overdue_q(now: datetime | None = None) -> Q:
    """`overdue_q`, and a case awaiting verification past its handling deadline: it is not done
    for the resident until verified, so the street counts it late at verification too."""
    now = now or timezone.now()
    return overdue_q(now) | Q(status=Status.REPORTED_BACK, resolve_by__lt=now)


def late_q(now: datetime | None = None) -> Q:
    """At a department or awaiting verification, the handling deadline near (amber) or past."""
    now = now or timezone.now()
    return Q(status__in=LATE_STATES, resolve_warn_at__lte=now)


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters, already checked (unknown values are dropped by `from_params`)."""

    status: str = ""  # "" = the first screen, one of BOARD_VIEWS, or one Status value
    grid: str = ""  # a place code in the user's scope: the cases in its subtree
    major: int | None = None  # a major class id
    minor: int | None = None  # a minor class id
    overdue: bool = False
    urgent: bool = False  # marked urgent (加急)
    urged: bool = False  # urged at least once (督办)
    sort: str = "respond_by"

    @property
    def first_screen(self) -> bool:
        """The default view: the late section above what waits to be dispatched."""
        return self.status == ""

    @classmethod
    def from_params(cls, params) -> "BoardFilters":
        def integer(name):
            return parse_id(params.get(name))

        def ticked(name):
            return (params.get(name) or "") in ("1", "on", "true")

        status = (params.get("status") or "").strip()
        if status not in (*BOARD_VIEWS, *Status.values):
            status = ""
        sort = (params.get("sort") or "").strip()
        if sort not in BOARD_SORTS:
            handling = ("extension", "late", *HANDLING_RUNNING, Status.REPORTED_BACK)
            sort = "resolve_by" if status in handling else "respond_by"
        grid = (params.get("grid") or "").strip()
        return cls(
            status=status,
            grid=grid if grid.isascii() and grid.isdigit() and len(grid) <= 20 else "",
            major=integer("major"),
            minor=integer("minor"),
            overdue=ticked("overdue"),
            urgent=ticked("urgent"),
            urged=ticked("urged"),
            sort=sort,
        )


def _staff_list(queryset, user):
    return queryset.select_related(*STAFF_LIST_RELATED)


def report_thumbnail():
    """The report's photos of each case, as `report_photos` (the board's cards show the first):
    one query per list."""
    return Prefetch(
        "photos",
        queryset=CasePhoto.objects.filter(stage=PhotoStage.REPORT).order_by("created_at", "id"),
        to_attr="report_photos",
    )


def _dispatcher_cases(user):
    # Every dispatcher role sees all cases in its places (PLACE_WORKERS), so the dispatcher
    # scope already lies inside `visible_to`: filtering by it alone gives the same rows, and
    # without visible_to's OR (assignment, submitter, follower subquery) the database can use
    # the (status, deadline) and (status, place_path) indexes. (A test pins the role sets.)
    # Grid management only: micro-wishes and help requests have their own queues.
    return Case.objects.grid_management().filter(
        scope_q(user, path_field="place_path", roles=OFFICIALS)
    )


def _narrowed(cases, filters: BoardFilters, now: datetime | None):
    """The filters besides the status: grid, class, overdue, urgent, urged."""
    if filters.grid:
        path = Place.objects.filter(code=filters.grid).values_list("path", flat=True).first()
        cases = cases.filter(in_subtree(path)) if path else cases.none()
    if filters.minor is not None:
        cases = cases.filter(category_id=filters.minor)
    elif filters.major is not None:
        cases = cases.filter(
            category_id__in=CaseCategory.objects.filter(parent_id=filters.major).values("pk")
        )
    if filters.overdue:
        cases = cases.filter(street_overdue_q(now))
    if filters.urgent:
        cases = cases.filter(urgent=True)
    if filters.urged:
        cases = cases.filter(urge_count__gt=0)
    return cases


def board_cases(user, filters: BoardFilters, *, now: datetime | None = None):
    """The dispatch board: cases in the places the user dispatches for, filtered and sorted,
    urgent ones first. The first screen's main list is what waits to be dispatched."""
    cases = _dispatcher_cases(user)
    if filters.status in ("", "incoming"):
        cases = cases.filter(status__in=BOARD_INCOMING)
    elif filters.status == "late":
        return board_late_cases(user, filters, now=now)
    elif filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATES)
    elif filters.status == "extension":
        # Extension requests (延期申请) awaiting the street chief's decision.
        cases = cases.filter(status__in=WORKING, extension_until__isnull=False)
    else:
        cases = cases.filter(status=filters.status)
    cases = _narrowed(cases, filters, now)
    return (
        _staff_list(cases, user)
        .prefetch_related(report_thumbnail())
        .order_by(*BOARD_SORTS[filters.sort])
    )


def board_late_cases(user, filters: BoardFilters, *, now: datetime | None = None):
    """The first screen's late section: cases at a department or awaiting verification in the
    user's places, amber or red, urgent ones first, then the earliest deadline (red before
    amber: a past deadline is earlier than any to come)."""
    cases = _narrowed(_dispatcher_cases(user).filter(late_q(now)), filters, now)
    return _staff_list(cases, user).prefetch_related(report_thumbnail()).order_by(*LATE_ORDER)


def board_filter_choices(user) -> dict:
    """The grids and classes the board's filters offer: two queries."""
    grids = Place.objects.filter(
        scope_q(user, path_field="path", roles=OFFICIALS), level=Level.GRID
    ).order_by("path")
    classes = list(
        CaseCategory.objects.filter(is_active=True, case_type__is_active=True)
        .filter(case_type__in=CaseType.objects.grid_management())
        .select_related("case_type")
        .order_by("case_type__code", "code")
    )
    return {
        "grids": list(grids.only("code", "name", "path")),
        "majors": [c for c in classes if c.parent_id is None],
        "minors": [c for c in classes if c.parent_id is not None],
    }


def department_choices():
    """Departments a dispatcher may dispatch to: every department (the service checks that it
    serves the case's place), with their department teams. Two queries."""
    from meihao.people.models import Organisation, Team

    organisations = list(
        Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).order_by("name")
    )
    teams = list(
        Team.objects.filter(
            kind=Team.Kind.DEPARTMENT, organisation__kind=Organisation.Kind.DEPARTMENT
        ).order_by("place_path", "name")
    )
    return organisations, teams


def queue_cases(user, *, status: str = "", overdue: bool = False, urgent: bool = False, now=None):
    """The department's queue: cases assigned to the user's organisations, urgent ones first,
    then the earliest due.

    `status` "" means the cases to work on (dispatched, in progress, reopened); "reported_back"
    those waiting for verification.
    """
    cases = Case.objects.visible_to(user).grid_management()
    if not getattr(user, "is_superuser", False):
        cases = cases.filter(assigned_organisation_id__in=queue_organisation_ids(user))
    else:
        cases = cases.filter(assigned_organisation__isnull=False)
    cases = cases.filter(status__in=[status] if status in QUEUE_STATES else sorted(WORKING))
    if overdue:
        cases = cases.filter(overdue_q(now))
    if urgent:
        cases = cases.filter(urgent=True)
    return _staff_list(cases, user).order_by(
        URGENT_FIRST, F("resolve_by").asc(nulls_last=True), "id"
    )


def _verifier_scope(user) -> Q:
    """Where the user verifies: a dispatcher every case of their places; a grid worker all but
    those whose requester confirms them (help requests, micro-wishes: `confirmed_by_requester`).
    """
    if getattr(user, "is_superuser", False):
        return Q()
    requester_confirms = Q(
        case_type_id__in=CaseType.objects.filter(confirmed_by_requester=True).values("pk")
    )
    return scope_q(user, path_field="place_path", roles=OFFICIALS) | (
        scope_q(user, path_field="place_path", roles=(Role.GRID_WORKER,)) & ~requester_confirms
    )


def verify_cases(user, *, urgent: bool = False):
    """The verification queue (核查): reported-back cases in the places the user verifies,
    urgent ones first, then the longest waiting."""
    cases = (
        Case.objects.visible_to(user)
        .grid_management()
        .filter(_verifier_scope(user), status=Status.REPORTED_BACK)
    )
    if urgent:
        cases = cases.filter(urgent=True)
    return _staff_list(cases, user).order_by(URGENT_FIRST, "reported_back_at", "id")


def last_events(cases, action: str) -> dict[int, CaseEvent]:
    """{case id: its latest event of `action`} for a page of cases, in one query.

    The verification queue shows the handler's report-back note next to each case.
    """
    ids = [case.pk for case in cases]
    if not ids:
        return {}
    latest = {}
    for event in (
        CaseEvent.objects.filter(case_id__in=ids, action=action)
        .select_related("actor")
        .order_by("case_id", "created_at", "id")
    ):
        latest[event.case_id] = event
    return latest


def stage_photos(cases, stages) -> dict[int, dict[str, list[CasePhoto]]]:
    """{case id: {stage: its photos, oldest first}} for a page of cases, in one query.

    The verification queue shows the report's photos next to the handler's report-back ones,
    the before and after of the fix."""
    ids = [case.pk for case in cases]
    found: dict[int, dict[str, list[CasePhoto]]] = {pk: {s: [] for s in stages} for pk in ids}
    if ids:
        for photo in CasePhoto.objects.filter(case_id__in=ids, stage__in=stages).order_by(
            "created_at", "id"
        ):
            found[photo.case_id][photo.stage].append(photo)
    return found


def staff_counts(user) -> dict[str, int]:
    """What waits for the user, in one aggregated query: {board, queue, verify, overdue} —
    to dispatch, to handle, to verify, and overdue among the first two — and for dispatchers
    {street_overdue, urged_overdue}: every overdue case of their places, anywhere in the
    workflow (cases at verification included), and those of them urged and still overdue."""
    now = timezone.now()
    dispatcher = may_use_board(user)
    places = scope_q(user, path_field="place_path", roles=OFFICIALS) if dispatcher else None
    nothing = Q(pk__in=[])
    board = places & Q(status__in=BOARD_INCOMING) if places is not None else nothing
    street_overdue = places & street_overdue_q(now) if places is not None else nothing
    organisations = queue_organisation_ids(user)
    queue = (
        Q(assigned_organisation_id__in=organisations, status__in=WORKING)
        if organisations
        else nothing
    )
    verify = (
        _verifier_scope(user) & Q(status=Status.REPORTED_BACK) if may_use_verify(user) else nothing
    )
    mine = board | queue | verify | street_overdue
    counts = (
        Case.objects.grid_management()
        .filter(mine)
        .aggregate(
            board=Count("pk", filter=board),
            queue=Count("pk", filter=queue),
            verify=Count("pk", filter=verify),
            overdue=Count("pk", filter=(board | queue) & overdue_q(now)),
            street_overdue=Count("pk", filter=street_overdue),
            urged_overdue=Count("pk", filter=street_overdue & Q(urge_count__gt=0)),
        )
    )
    return {key: value or 0 for key, value in counts.items()}


def api_case_list(
    user, *, status: str = "", category: str = "", place: str = "", overdue: bool = False
):
    """The case API's list: every case the user may see, filtered, newest first; of the
    confidential types only what the user filed (their holders work them on their app's pages,
    where each reading is recorded)."""
    cases = Case.objects.visible_to(user).exclude(
        Q(case_type__code__in=confidential_types()) & ~Q(submitted_by=user)
    )
    if status:
        cases = cases.filter(status=status)
    if category:
        cases = cases.filter(category__code=category)
    if place:
        path = Place.objects.filter(code=place).values_list("path", flat=True).first()
        cases = cases.filter(in_subtree(path)) if path else cases.none()
    if overdue:
        cases = cases.filter(overdue_q())
    return _staff_list(cases, user).order_by("-created_at", "-id")


def staff_case_get(user, number: str):
    """One visible case, loaded for `abilities(user)`; NotFound otherwise."""
    case = _staff_list(Case.objects.visible_to(user), user).filter(number=number).first()
    if case is None:
        raise NotFound()
    audit_confidential_read(case, user)
    return case


def audit_confidential_read(case: Case, user) -> None:
    """Record `user`'s reading of a confidential type's case (extensions.register_confidential)
    unless it is about them: the person it was filed for, or one acting for them (a party to a
    dispute). Staff who filed it for someone else are audited like any reader."""
    if case.case_type.code in confidential_types() and not _about_reader(case, user):
        audit_pii_read(actor=user, target=case, field="case")


def _about_reader(case: Case, user) -> bool:
    if case.reporter_id is not None and case.reporter_id == own_person_id(user):
        return True
    proxy = acting_for(case.case_type.code)
    return proxy is not None and proxy.acts(case, user)


def staff_case_photo(user, number: str, pk: int) -> tuple[Case, CasePhoto]:
    """A photo of a case the user may see in full, with its case; NotFound otherwise."""
    case = staff_case_get(user, number)
    photo = CasePhoto.objects.filter(case=case, pk=pk).first()
    if photo is None:
        raise NotFound()
    return case, photo


# ---------------------------------------------------------------------------------------------
# Action input: what the pages and the API send, turned into a service's keyword arguments.

# The inputs each action takes (besides case and actor), as its service names them.
ACTION_FIELDS = {
    "accept": ("note",),
    "dispatch": ("organisation", "team", "user", "note"),
    "accept_dispatch": ("organisation", "team", "user", "note"),
    "claim": ("note",),
    "reject": ("reason",),
    "merge": ("original", "note"),
    "start": ("note",),
    "report_back": ("note",),
    "return": ("reason",),
    "request_extension": ("until", "reason"),
    "approve_extension": ("note",),
    "deny_extension": ("reason",),
    "verify_close": ("note",),
    "reopen": ("reason",),
    "park": ("reason",),
    "unpark": ("note",),
    "void": ("reason",),
    "urge": ("note",),
    "mark_urgent": ("note",),
    "unmark_urgent": ("note",),
}
# A deadline given as a bare date means the end of that day's working hours.
END_OF_WORKING_DAY = (17, 30)


def _object_id(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    pk = parse_id(value)
    if pk is None:
        raise ValidationFailed(_("Choose one of the options offered."), field=field)
    return pk


def _until(value) -> datetime | None:
    """A datetime-local ("2024-05-20T17:30"), an ISO datetime or a date, read in local time."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(*END_OF_WORKING_DAY))
    else:
        text = str(value).strip()
        moment = parse_datetime(text)
        if moment is None:
            raise ValidationFailed(_("Give the new deadline as a date and time."), field="until")
        if len(text) == 10:
            moment = datetime.combine(moment.date(), time(*END_OF_WORKING_DAY))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def action_arguments(action: str, raw) -> dict:
    """The keyword arguments of `action`'s service from form or JSON input `raw`.

    Ids and numbers become the objects they name; an unknown one is ValidationFailed (it was
    not one of the options offered). Visibility and permissions stay the service's business.
    """
    from meihao.people.models import Organisation, Team, User

    kwargs: dict[str, Any] = {}
    for field in ACTION_FIELDS[action]:
        value = raw.get(field)
        if field in ("note", "reason"):
            kwargs[field] = "" if value is None else str(value)
        elif field == "organisation":
            pk = _object_id(value, field)
            if pk is not None:
                kwargs[field] = Organisation.objects.filter(
                    pk=pk, kind=Organisation.Kind.DEPARTMENT
                ).first() or _missing(field)
        elif field == "team":
            pk = _object_id(value, field)
            if pk is not None:
                kwargs[field] = Team.objects.filter(pk=pk).first() or _missing(field)
        elif field == "user":
            pk = _object_id(value, field)
            if pk is not None:
                kwargs[field] = User.objects.filter(pk=pk, is_active=True).first() or _missing(
                    field
                )
        elif field == "original":
            number = str(value or "").strip().upper()
            if not number:
                raise ValidationFailed(_("Give the number of the original case."), field="original")
            original = Case.objects.filter(number=number).first()
            if original is None:
                raise ValidationFailed(_("There is no case with this number."), field="original")
            kwargs[field] = original
        elif field == "until":
            kwargs[field] = _until(value)
    return kwargs


def _missing(field: str):
    raise ValidationFailed(_("Choose one of the options offered."), field=field)


def filing_channel(user, requested: str = "") -> str:
    """How a case filed by `user` came in: the channel the client names (the API, for a report
    taken by phone or passed on), else from the filer's roles. The report page and the API both
    ask here, so a police officer's report is a police-group case whichever way it is filed."""
    if requested:
        return requested
    roles = {s.role for s in scopes_of(user)}
    if Role.GRID_WORKER in roles:
        return Case.Channel.GRID_PATROL
    if Role.POLICE_OFFICER in roles:
        return Case.Channel.POLICE_GROUP
    return Case.Channel.RESIDENT
