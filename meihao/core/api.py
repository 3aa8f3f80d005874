"""The JSON API's kit: one NinjaAPI subclass that answers every error as `ErrorOut`.

`ProductApi` (instantiated once, in `meihao.api`) gives every app's router, without the router
doing anything:
- one handler per kind of error, each answering `{"code", "message"}` in the user's language
  (domain errors with their `.status` and `field`; Ninja's `HttpError`s — a body that cannot
  be parsed, a failed CSRF check, throttling — with their status; `Http404`; authentication;
  422 with `errors`, each bad input described in the product's words); Ninja's English
  `{"detail"}` never leaves;
- JSON for a method the path does not have (405, with `Allow`) and for a path under the API
  that does not exist (404), which Django would otherwise answer as HTML pages;
- an unexpected exception is still a 500, but in the same format: logged and signalled like
  Django's own (so tests and error reporting see it), without the traceback;
- an OpenAPI schema that declares `ErrorOut` for the error statuses on every operation, and
  refuses to be built when two apps' schemas share a name (one would silently replace the
  other in `components`, documenting an endpoint with another app's shape).
"""

import logging
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core import signals
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema

from meihao.core.errors import DomainError
from meihao.core.schemas import ErrorOut
from meihao.core.throttle import RateLimited

logger = logging.getLogger("django.request")

# The statuses every operation may answer with ErrorOut, declared in the OpenAPI schema.
ERROR_STATUSES = {
    400: "The request was refused: see code and message",
    401: "Not logged in: no session and no valid bearer token",
    403: "Not allowed (a failed CSRF check, or a role the action needs)",
    404: "Not found, or outside the user's scope",
    409: "The record's state does not allow it, or the idempotency key was used differently",
    422: "Some input is not valid: see errors",
    429: "Too many requests: wait for Retry-After seconds",
}


def _field_message(error: dict) -> str:
    """A pydantic error in the product's words; the context fills in limits."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith("float_") or kind == "finite_number":
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith(("date", "datetime", "time")):
        return _("Enter a valid date or time.")
    if kind == "string_too_long":
        return _("Enter at most %(count)s characters.") % {"count": context.get("max_length")}
    if kind == "string_too_short":
        return _("Enter at least %(count)s characters.") % {"count": context.get("min_length")}
    if kind == "too_long":
        return _("Give at most %(count)s items.") % {"count": context.get("max_length")}
    if kind in ("greater_than", "greater_than_equal"):
        return _("Enter a value of at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in ("less_than", "less_than_equal"):
        return _("Enter a value of at most %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    return _("This value is not valid.")


def _field_errors(errors: list[dict]) -> list[dict]:
    out = []
    for error in errors:
        # Ninja's loc is (source, parameter model, field…) for bodies, (source, field…) else.
        loc = [part for part in error.get("loc", ()) if part != "payload"]
        names = [part for part in loc[1:] if isinstance(part, str)]
        out.append(
            {
                "loc": loc,
                "field": names[-1] if names else "",
                "type": error.get("type", ""),
                "message": _field_message(error),
            }
        )
    return out


# Ninja's HttpErrors carry English text; the product's words by status.
def _http_error_body(status: int) -> tuple[str, str]:
    if status == 400:
        return "malformed_request", _(
            "The request could not be read. Send JSON (Content-Type: application/json), or a "
            "form where the endpoint takes files."
        )
    if status == 401:
        return "unauthenticated", _("Please log in first.")
    if status == 403:  # the one 403 Ninja raises itself
        return "csrf_failed", _(
            "The security check failed (CSRF). Reload the page, or send the X-CSRFToken header."
        )
    if status == 429:
        return "throttled", _("Too many requests. Please wait a moment and try again.")
    return "http_error", _("The request could not be carried out.")


class ErrorDeclaringSchema(OpenAPISchema):
    """The OpenAPI schema with `ErrorOut` on every operation and one shape per schema name."""

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise ValueError(
                    f"Two API schemas are named {name!r}: give one a name of its own "
                    "(prefix it with its app)."
                )
        super().add_schema_definitions(definitions)

    def responses(self, operation) -> dict:
        result = super().responses(operation)
        error_ref = self._create_schema_from_model(ErrorOut, mode="serialization")
        for status, description in ERROR_STATUSES.items():
            result.setdefault(
                status,
                {
                    "description": description,
                    "content": {self.api.renderer.media_type: {"schema": error_ref[0]}},
                },
            )
        return result

    def _create_schema_from_model(self, model, by_alias=True, remove_level=True, mode="validation"):
        if model is ErrorOut:
            # Declared as a component of its own, not inlined in each operation.
            schema = model.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode
            ).copy()
            definitions = schema.pop("$defs", {})
            definitions[model.__name__] = schema
            self.add_schema_definitions(definitions)
            return {"$ref": REF_TEMPLATE.format(model=model.__name__)}, True
        return super()._create_schema_from_model(model, by_alias, remove_level, mode)


class ProductApi(NinjaAPI):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # django-ninja types a handler as taking the exception or its class (ExcHandler); it
        # passes the instance, which is what the typed handlers below take.
        self.add_exception_handler(DomainError, self._domain_error)  # type: ignore[arg-type]
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(AuthenticationError, self._unauthenticated)
        self.add_exception_handler(ValidationError, self._invalid_input)  # type: ignore[arg-type]
        self.add_exception_handler(HttpError, self._http_error)  # type: ignore[arg-type]
        self.add_exception_handler(RateLimited, self._rate_limited)  # type: ignore[arg-type]
        for unreadable in (MultiPartParserError, BadRequest, SuspiciousOperation):
            self.add_exception_handler(unreadable, self._unreadable)
        self.add_exception_handler(RequestDataTooBig, self._too_big)
        self.add_exception_handler(Exception, self._server_error)

    def error(self, request, status: int, code: str, message, **extra):
        return self.create_response(
            request, {"code": code, "message": str(message), **extra}, status=status
        )

    def _domain_error(self, request, exc: DomainError):
        return self.error(request, exc.status, exc.code, exc.message, field=exc.field)

    def _not_found(self, request, exc):
        return self.error(request, 404, "not_found", _("Not found."))

    def _unauthenticated(self, request, exc):
        return self.error(request, 401, "unauthenticated", _("Please log in first."))

    def _invalid_input(self, request, exc: ValidationError):
        return self.error(
            request,
            422,
            "invalid_input",
            _("Some of the data is not valid."),
            errors=_field_errors(exc.errors),
        )

    def _http_error(self, request, exc: HttpError):
        if isinstance(exc, AuthorizationError):
            return self.error(request, exc.status_code, "forbidden", _("You may not do this."))
        code, message = _http_error_body(exc.status_code)
        response = self.error(request, exc.status_code, code, message)
        wait = getattr(exc, "wait", None)
        if exc.status_code == 429 and wait:
            # Ninja's own throttle (`Throttled`): the wait in the product's words too.
            response = self.error(request, 429, code, RateLimited(int(wait)).message)
            response["Retry-After"] = str(int(wait))
        return response

    def _rate_limited(self, request, exc: RateLimited):
        response = self.error(request, 429, "throttled", exc.message)
        response["Retry-After"] = str(exc.wait)
        return response

    def _unreadable(self, request, exc):
        code, message = _http_error_body(400)
        return self.error(request, 400, code, message)

    def _too_big(self, request, exc):
        return self.error(request, 413, "too_large", _("The request is too large."))

    def _server_error(self, request, exc):
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
        )
        signals.got_request_exception.send(sender=None, request=request)
        return self.error(
            request,
            500,
            "server_error",
            _("Something went wrong on our side. Please try again later."),
        )

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ErrorDeclaringSchema(self, path_prefix)

    def _get_urls(self):
        patterns = list(super()._get_urls())
        for pattern in patterns:
            if hasattr(pattern, "callback") and pattern.callback is not None:
                pattern.callback = self._json_not_allowed(pattern.callback)

        # After every operation: the rest of the API's address space is a JSON 404.
        def no_such_path(request, *args, **kwargs):
            return self._not_found(request, None)

        no_such_path = csrf_exempt(login_not_required(no_such_path))
        patterns.append(re_path(r"^.*$", no_such_path, name="no_such_path"))
        return patterns

    def _json_not_allowed(self, view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = self.error(
                    request,
                    405,
                    "method_not_allowed",
                    _("This address does not accept %(method)s. It accepts: %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                )
                response["Allow"] = allowed
            return response

        return wrapper
