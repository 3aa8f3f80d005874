"""The JSON API at /api/v1/: one NinjaAPI mounting every app's router."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from meihao.core.errors import DomainError, NotFound
from meihao.people.api import router as people_router
from meihao.places.api import router as places_router

api = NinjaAPI(
    title="Meihao API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(
        request, {"code": code, "message": str(message), **extra}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = 404 if isinstance(exc, NotFound) else 403 if exc.code == "forbidden" else 400
    return _error(request, status, exc.code, exc.message, field=exc.field)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Please log in first."))


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    return _error(
        request, 422, "invalid_input", _("Some of the data is not valid."), errors=exc.errors
    )


api.add_router("/places", places_router, tags=["places"])
api.add_router("/", people_router, tags=["people"])
