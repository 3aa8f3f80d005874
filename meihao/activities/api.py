"""Activity endpoints, mounted at /api/v1/activities. Parse, call a selector or service, serialise.

- GET    /activities?kind=&lat=&lon=&limit=&offset= — published activities not yet over, soonest
  first (with lat/lon: those within 3 km first): {"items": [...], "count": N}.
- GET    /activities/{id} — one activity with the user's sign-up, attendance and abilities.
- POST   /activities/{id}/signup {"role"} → 201 the sign-up: "confirmed", or "waitlisted" when
  the role's places are taken. Signing up again returns the same sign-up.
- DELETE /activities/{id}/signup — cancel the user's sign-up (the waiting list moves up).
- POST   /activities/{id}/checkin — one of {"token"} (the QR code's token), {"code"} (the short
  code typed from the organiser's screen) or {"lat", "lon"} (the phone's location; must be
  within the activity's radius) → 201 the attendance, 200 when already checked in.
- POST   /activities/{id}/checkout → the attendance with its credited minutes.

Errors are meihao.api's JSON {"code", "message", "field"}: an expired or forged code is 400
(`expired_token`, `invalid_token`, `invalid_code`), outside the radius 400 `outside_geofence`,
a state that does not allow the action (not open, over, full) 409, a draft 404.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from meihao.activities import attendance as checkins
from meihao.activities import selectors, services
from meihao.activities.models import Activity
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.schemas import Id, PageQuery
from meihao.places.geo import validate_point

router = Router()


class ActivityPlaceOut(Schema):
    code: str
    name: str


class ActivityRoleOut(Schema):
    role: str
    count: int


class ActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    status: str
    place: ActivityPlaceOut
    venue: str
    address: str
    lat: float | None
    lon: float | None
    online_url: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    confirmed: int
    waitlisted: int
    roles_needed: list[ActivityRoleOut]
    checkin_radius_m: int
    distance_m: int | None = None

    @staticmethod
    def resolve_kind_label(activity) -> str:
        return str(activity.get_kind_display())

    @staticmethod
    def resolve_confirmed(activity) -> int:
        return activity.confirmed_count

    @staticmethod
    def resolve_waitlisted(activity) -> int:
        return activity.waitlisted_count


class AttendanceOut(Schema):
    checked_in_at: datetime.datetime
    check_in_method: str
    check_in_distance_m: int | None
    late: bool
    checked_out_at: datetime.datetime | None
    credited_minutes: int


class SignUpOut(Schema):
    id: int
    activity: int
    role: str
    status: str
    created_at: datetime.datetime
    promoted_at: datetime.datetime | None

    @staticmethod
    def resolve_activity(signup) -> int:
        return signup.activity_id


class ActivityDetailOut(ActivityOut):
    description: str
    cancel_reason: str
    my_signup: SignUpOut | None
    my_attendance: AttendanceOut | None
    abilities: dict[str, bool]


class ActivityPage(Schema):
    items: list[ActivityOut]
    count: int


class ActivityListQuery(PageQuery):
    kind: str = Field("", max_length=32, description="One kind, e.g. volunteer_service")
    lat: float | None = Field(None, description="The phone's latitude: nearby first")
    lon: float | None = Field(None, description="The phone's longitude")


class SignUpIn(Schema):
    role: str = Field("", max_length=40)


class CheckInIn(Schema):
    token: str = Field("", max_length=200, description="The token of the QR code")
    code: str = Field("", max_length=12, description="The short code on the organiser's screen")
    lat: float | None = None
    lon: float | None = None


def _detail(request, pk: int) -> Activity:
    activity = selectors.activity_get(request.user, pk)
    places = selectors.places_taken(activity)
    activity.confirmed_count = places["confirmed"]
    activity.waitlisted_count = places["waitlisted"]
    signup = selectors.own_signup(request.user, activity)
    activity.my_signup = signup
    activity.my_attendance = selectors.attendance_of(signup)
    activity.abilities = selectors.activity_abilities(request.user, activity, signup)
    return activity


@router.get("", response=ActivityPage, summary="Upcoming activities, nearby first on request")
def activity_list(request, params: Query[ActivityListQuery]):
    if params.kind and params.kind not in Activity.Kind.values:
        raise ValidationFailed(_("Unknown kind of activity."), field="kind")
    near = None
    if params.lat is not None or params.lon is not None:
        near = validate_point(params.lat, params.lon)
    activities = selectors.upcoming_activities(request.user, kind=params.kind, near=near)
    items = list(activities[params.offset : params.offset + params.limit])
    for activity in items:
        activity.distance_m = selectors.distance_to(activity, near)
    return {"items": items, "count": activities.count()}


@router.get("/{pk}", response=ActivityDetailOut, summary="One activity, your sign-up")
def activity_detail(request, pk: Id):
    return _detail(request, pk)


@router.post("/{pk}/signup", response={201: SignUpOut}, summary="Sign up")
def signup_create(request, pk: Id, payload: SignUpIn):
    activity = selectors.activity_get(request.user, pk)
    signup = services.signup_create(actor=request.user, activity=activity, role=payload.role)
    return HttpStatus(201, signup)


@router.delete("/{pk}/signup", response=SignUpOut, summary="Cancel your sign-up")
def signup_cancel(request, pk: Id):
    activity = selectors.activity_get(request.user, pk)
    signup = selectors.own_signup(request.user, activity)
    if signup is None:
        raise NotFound(_("You have not signed up for this activity."))
    return services.signup_cancel(actor=request.user, signup=signup)


@router.post(
    "/{pk}/checkin",
    response={200: AttendanceOut, 201: AttendanceOut},
    summary="Check in by QR token, typed code or location",
)
def checkin(request, pk: Id, payload: CheckInIn):
    activity = selectors.activity_get(request.user, pk)
    if payload.token:
        result = checkins.checkin_by_qr(actor=request.user, token=payload.token, activity=activity)
    elif payload.code:
        result = checkins.checkin_by_code(actor=request.user, activity=activity, code=payload.code)
    else:
        result = checkins.checkin_by_geofence(
            actor=request.user, activity=activity, lat=payload.lat, lon=payload.lon
        )
    return HttpStatus(201 if result.created else 200, result.attendance)


@router.post("/{pk}/checkout", response=AttendanceOut, summary="Check out")
def checkout(request, pk: Id):
    activity = selectors.activity_get(request.user, pk)
    attendance = selectors.attendance_of(selectors.own_signup(request.user, activity))
    if attendance is None:
        raise NotFound(_("You have not checked in to this activity."))
    return checkins.checkout(actor=request.user, attendance=attendance)
