"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

Plain Django views rather than the Ninja API: the protocol is fixed by the spec (a format
suffix on every resource, form-encoded POSTs with `api_key` and `attribute[code]` fields, XML as
well as JSON, its own error format), and existing GeoReport clients must work unchanged.

    GET  discovery.(json|xml)
    GET  services.(json|xml)                 GET services/{service_code}.(json|xml)
    POST requests.(json|xml)                 GET requests.(json|xml)
    GET  requests/{service_request_id}.(json|xml)
    GET  tokens/{token}.(json|xml)

Reads are public (anonymised); POST needs an api_key (see open311.auth). Errors are
[{"code": 4xx, "description": "…"}] with the same HTTP status.
"""

import math
import re
from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from meihao.cases.open311 import selectors
from meihao.cases.open311 import serializers as out
from meihao.cases.open311.auth import client_for_request
from meihao.cases.open311.services import open311_request_submit
from meihao.cases.publication import public_case
from meihao.core.errors import DomainError, ValidationFailed
from meihao.core.inputs import answers_bad_input, parse_date, parse_datetime
from meihao.core.throttle import rate_limited

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
ATTRIBUTE_RE = re.compile(r"attribute\[([^\[\]]+)\](\[\])?")
TRUE_WORDS = {"true", "1", "yes", "y", "on"}
FALSE_WORDS = {"false", "0", "no", "n", "off"}
MAX_MEDIA_URL = 500
MAX_DEVICE_ID = 100

# Our field names (cases.services) → the Open311 parameter the client sent.
PARAMETER_FOR_FIELD = {
    "description": "description",
    "location": "lat/long",
    "lat": "lat",
    "lon": "long",
    "address": "address_string",
    "reporter_name": "first_name/last_name",
    "reporter_phone": "phone",
    "category": "service_code",
    "case_type": "service_code",
    "data": "attribute",
}


class Open311Error(Exception):
    def __init__(self, status: int, description):
        self.status = status
        self.description = description
        super().__init__(str(description))


def _refused_input(request, message, fmt, **_kwargs):
    return out.error(400, message, fmt=fmt)


def resource(view):
    """Every GeoReport resource, open without a log-in (core.public_routes): refused input
    answers in the GeoReport error format; no CSRF check, because no resource acts on a
    session (reads are public, the one write takes an api_key), so PUT or DELETE reach the view
    and get its 405 rather than a CSRF page."""
    return login_not_required(csrf_exempt(answers_bad_input(_refused_input)(view)))


def _method_not_allowed(fmt):
    return out.error(405, _("This method is not allowed here."), fmt=fmt)


def _jurisdiction(params):
    """The district named by jurisdiction_id (404 if unknown), else the only district if one."""
    roots = selectors.jurisdictions()
    given = (params.get("jurisdiction_id") or "").strip()
    if given:
        for root in roots:
            if root.code == given:
                return root
        raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": given})
    return roots[0] if len(roots) == 1 else None


def _respond(handler, request, fmt, *args):
    try:
        return handler(request, fmt, *args)
    except Open311Error as exc:
        return out.error(exc.status, exc.description, fmt=fmt)


# ---------------------------------------------------------------------------------------------
# Discovery and services


@resource
def discovery(request, fmt):
    if request.method != "GET":
        return _method_not_allowed(fmt)
    changeset = out.w3_datetime(selectors.services_changeset())
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    data = {
        "changeset": changeset,
        "contact": _(
            "Meihao community governance platform: ask the district's city-management "
            "command centre."
        ),
        "key_service": _(
            "An api_key is an API token of an Open311 client account; the district "
            "administrator creates the account and its token."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0],
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return out.render(data, root="discovery", fmt=fmt)


@resource
def service_list(request, fmt):
    return _respond(_service_list, request, fmt)


def _service_list(request, fmt):
    if request.method != "GET":
        return _method_not_allowed(fmt)
    _jurisdiction(request.GET)
    data = [out.service_data(s) for s in selectors.services()]
    return out.render(data, root="services", fmt=fmt)


@resource
def service_definition(request, fmt, service_code):
    return _respond(_service_definition, request, fmt, service_code)


def _service_definition(request, fmt, service_code):
    if request.method != "GET":
        return _method_not_allowed(fmt)
    _jurisdiction(request.GET)
    service = selectors.service_for_code(service_code)
    if service is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code})
    return out.render(out.service_definition_data(service), root="service_definition", fmt=fmt)


# ---------------------------------------------------------------------------------------------
# Service requests


def _throttled(request, exc, fmt):
    return out.error(429, exc.message, fmt=fmt)


@resource
@rate_limited("open311_post", by="ip", respond=_throttled)
def requests(request, fmt):
    if request.method == "POST":
        return _respond(_create_request, request, fmt)
    if request.method == "GET":
        return _respond(_search_requests, request, fmt)
    return _method_not_allowed(fmt)


def _coerce(raw: str, spec: dict):
    """A form-encoded attribute value as the JSON type its schema field expects."""
    value = raw.strip()
    if value == "":
        return value
    kind = spec.get("type")
    if kind == "boolean":
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
    elif kind in ("integer", "number"):
        try:
            number = float(value)
        except ValueError:
            return value
        if not math.isfinite(number):
            return value
        if kind == "integer" and number.is_integer():
            return int(number)
        return number
    return value


def _attributes(params, schema: dict) -> dict:
    properties = schema.get("properties", {})
    data = {}
    for key in params:
        match = ATTRIBUTE_RE.fullmatch(key)
        if match is None:
            continue
        code = match.group(1)
        values = params.getlist(key)
        if match.group(2) or len(values) > 1:
            raise Open311Error(400, _("attribute[%(code)s] takes a single value.") % {"code": code})
        spec = properties.get(code)
        data[code] = _coerce(values[0], spec) if spec else values[0]
    return data


def _point(params):
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    if not lat and not lon:
        return None, None
    if not (lat and lon):
        raise Open311Error(400, _("Send both lat and long, or neither."))
    from meihao.places.geo import validate_point

    try:
        return validate_point(lat, lon)
    except ValidationFailed as exc:
        raise Open311Error(400, exc.message) from None


def _optional(params, name: str, *, max_length: int) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > max_length:
        raise Open311Error(
            400,
            _("%(name)s: at most %(limit)s characters.") % {"name": name, "limit": max_length},
        )
    return value


def _domain_error(exc: DomainError, schema: dict) -> Open311Error:
    # GeoReport v2 knows 400, 403 and 404: a refused state change (409) is a bad request there.
    status = exc.status if exc.status in (403, 404) else 400
    field = exc.field or ""
    if field in schema.get("properties", {}):
        parameter = f"attribute[{field}]"
    else:
        parameter = PARAMETER_FOR_FIELD.get(field, "")
    message = str(exc.message)
    return Open311Error(status, f"{parameter}: {message}" if parameter else message)


def _create_request(request, fmt):
    params = request.POST
    jurisdiction = _jurisdiction(params)
    actor = client_for_request(request)
    if actor is None:
        raise Open311Error(403, _("api_key was not provided or is not valid."))
    service_code = (params.get("service_code") or "").strip()
    if not service_code:
        raise Open311Error(400, _("service_code was not provided."))
    service = selectors.service_for_code(service_code)
    if service is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code})
    lat, lon = _point(params)
    address = _optional(params, "address_string", max_length=200)
    place = None
    if lat is None:
        if not address:
            raise Open311Error(400, _("Give the location: lat and long, or address_string."))
        if jurisdiction is None:
            raise Open311Error(400, _("jurisdiction_id was not provided."))
        # An address without a point cannot be placed in a grid: the district's dispatchers
        # receive it and place it.
        place = jurisdiction
    elif jurisdiction is not None:
        from meihao.places.geo import locate

        grid = locate(lat, lon)
        if grid is not None and not grid.path.startswith(jurisdiction.path):
            raise Open311Error(400, _("lat/long lies outside this jurisdiction."))
    email = _optional(params, "email", max_length=254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise Open311Error(400, _("email is not a valid e-mail address.")) from None
    media_url = _optional(params, "media_url", max_length=MAX_MEDIA_URL)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url must be an http or https URL.")) from None
    # Chinese order: family name first.
    name = _optional(params, "last_name", max_length=25) + _optional(
        params, "first_name", max_length=25
    )
    try:
        case = open311_request_submit(
            actor=actor,
            service=service,
            description=params.get("description") or "",
            lat=lat,
            lon=lon,
            place=place,
            address=address,
            reporter_name=name,
            reporter_phone=_optional(params, "phone", max_length=20),
            data=_attributes(params, service.schema),
            media_url=media_url,
            email=email,
            device_id=_optional(params, "device_id", max_length=MAX_DEVICE_ID),
        )
    except DomainError as exc:
        raise _domain_error(exc, service.schema) from None
    return out.render([out.created_data(case)], root="service_requests", fmt=fmt)


def _split(params, name: str) -> list[str]:
    return [part.strip() for part in (params.get(name) or "").split(",") if part.strip()]


def _when(params, name: str, *, end_of_day: bool = False) -> datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    # Impossible days and years outside 1900…2999 are unreadable: no window arithmetic on them
    # can overflow.
    day = parse_date(raw)
    if day is not None:
        value = datetime.combine(day, time.max if end_of_day else time.min)
    else:
        value = parse_datetime(raw.replace(" ", "+"))  # a "+" in a query string arrives as " "
    if value is None:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C date-time such as 2024-05-20T09:00:00+08:00.")
            % {"name": name},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _search_requests(request, fmt):
    params = request.GET
    jurisdiction = _jurisdiction(params)
    numbers = _split(params, "service_request_id")
    if numbers:
        cases = selectors.search_requests(jurisdiction=jurisdiction, numbers=numbers)
        return _requests_response(request, cases, fmt)
    statuses = [s.lower() for s in _split(params, "status")]
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status must be open or closed."))
    start, end = _when(params, "start_date"), _when(params, "end_date", end_of_day=True)
    window = timedelta(days=selectors.DEFAULT_WINDOW_DAYS)
    if end is None:
        end = timezone.now() if start is None else start + window
    if start is None:
        start = end - window
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > window:
        raise Open311Error(
            400,
            _("start_date and end_date may not span more than %(days)s days.")
            % {"days": selectors.DEFAULT_WINDOW_DAYS},
        )
    cases = selectors.search_requests(
        jurisdiction=jurisdiction,
        service_codes=_split(params, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
    )
    return _requests_response(request, cases, fmt)


def _requests_response(request, cases, fmt):
    codes = selectors.service_codes_by_category() if cases else {}
    data = []
    for case in cases:
        public = public_case(case)
        # The first photo staff showed to the public; what a client sent was never reviewed.
        media = request.build_absolute_uri(public.photos[0].url) if public.photos else ""
        data.append(
            out.request_data(public, service_code=_service_code(case, codes), media_url=media)
        )
    return out.render(data, root="service_requests", fmt=fmt)


def _service_code(case, codes: dict[int, str]) -> str:
    if case.category_id is None:
        return case.case_type.code
    return codes.get(case.category_id) or case.category.code


@resource
def request_detail(request, fmt, service_request_id):
    return _respond(_request_detail, request, fmt, service_request_id)


def _request_detail(request, fmt, service_request_id):
    if request.method != "GET":
        return _method_not_allowed(fmt)
    case = selectors.public_case(service_request_id, jurisdiction=_jurisdiction(request.GET))
    if case is None:
        raise Open311Error(
            404, _("service_request_id %(id)s was not found.") % {"id": service_request_id}
        )
    return _requests_response(request, [case], fmt)


@resource
def token_detail(request, fmt, token):
    return _respond(_token_detail, request, fmt, token)


def _token_detail(request, fmt, token):
    """Requests are created in real time, so a token is the service_request_id itself."""
    if request.method != "GET":
        return _method_not_allowed(fmt)
    case = selectors.public_case(token, jurisdiction=_jurisdiction(request.GET))
    if case is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    return out.render(
        [{"service_request_id": case.number, "token": token}], root="service_requests", fmt=fmt
    )
