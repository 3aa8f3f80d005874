"""Every route is closed unless declared open (core.public_routes).

The whole URL resolver is walked (includes, the admin, Ninja's URLs): a route whose view is opened
with `login_not_required` must be listed with its reason, and every other route must send an
anonymous caller to the log-in page (or, for the API, answer the JSON 401).
"""

import inspect
import re._parser as sre
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from ninja.operation import PathView

from meihao.core.public_routes import AUTHENTICATES_ITSELF, PUBLIC
from meihao.people.services import api_token_create

API_NAMESPACE = "api"


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name as reverse() takes it
    namespace: str
    regex: str  # the whole path, every level's regex joined
    pattern: URLPattern

    @property
    def is_open(self) -> bool:
        return getattr(self.pattern.callback, "login_required", True) is False

    @property
    def path_view(self) -> PathView | None:
        return _path_view_of(self.pattern.callback)

    def answers(self, path: str) -> bool:
        """Whether `path` resolves to this view; for the API, to this Ninja path (the URLs of
        its methods share it)."""
        found = resolve(path).func
        if self.path_view is not None:
            return _path_view_of(found) is self.path_view
        return found is self.pattern.callback


def _path_view_of(callback) -> PathView | None:
    """The Ninja path behind an API view (its operations carry their auth), under the API's
    own wrappers."""
    callback = inspect.unwrap(callback)
    if not inspect.isfunction(callback):
        return None
    found = inspect.getclosurevars(callback).nonlocals.get("self")
    return found if isinstance(found, PathView) else None


def _regex_body(regex: str) -> str:
    body = regex.removeprefix("^")
    for end in (r"\Z", "$"):
        body = body.removesuffix(end)
    return body


def _walk(resolver, regex="", namespaces=()):
    for entry in resolver.url_patterns:
        part = _regex_body(entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, regex + part, inner)
        else:
            yield Route(
                name=":".join((*namespaces, entry.name or "")),
                namespace=":".join(namespaces),
                regex=regex + part,
                pattern=entry,
            )


ROUTES = list(_walk(get_resolver()))


def _simplest(parsed, *, non_empty=False) -> str:
    """The shortest string a parsed regex matches, choosing the first option of each choice
    (with `non_empty`, repeating each repeat at least once)."""
    out = []
    for op, arg in parsed:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.NOT_LITERAL:
            out.append("x" if arg != ord("x") else "0")
        elif op is sre.ANY:
            out.append("x")
        elif op is sre.IN:
            out.append(_first_of_class(arg))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _high, item = arg
            out.append(_simplest(item, non_empty=non_empty) * max(low, int(non_empty)))
        elif op is sre.SUBPATTERN:
            out.append(_simplest(arg[-1], non_empty=non_empty))
        elif op is sre.BRANCH:
            out.append(_simplest(arg[1][0], non_empty=non_empty))
        elif op is sre.AT:
            continue
        else:
            raise AssertionError(f"the sampler does not know {op} yet")
    return "".join(out)


def _first_of_class(items) -> str:
    if items[0][0] is sre.NEGATE:
        excluded = {chr(arg) for op, arg in items[1:] if op is sre.LITERAL}
        return next(c for c in "x0" if c not in excluded)
    op, arg = items[0]
    if op is sre.LITERAL:
        return chr(arg)
    if op is sre.RANGE:
        return chr(arg[0])
    if op is sre.CATEGORY:
        return {sre.CATEGORY_DIGIT: "0", sre.CATEGORY_WORD: "x"}[arg]
    raise AssertionError(f"the sampler does not know {op} in a class yet")


def _sample_path(route: Route) -> str:
    """The simplest path this route answers, e.g. `/cases/A000000000000/`."""
    parsed = sre.parse(route.regex)
    for path in ("/" + _simplest(parsed), "/" + _simplest(parsed, non_empty=True)):
        if route.answers(path):
            return path
    raise AssertionError(f"no sample path for {route.name} /{route.regex}")


def test_the_walk_sees_every_part_of_the_site():
    namespaces = {route.namespace for route in ROUTES}
    assert {"admin", API_NAMESPACE, "cases", "open311", "rewards", "volunteers"} <= namespaces
    assert len(ROUTES) > 300


def test_login_required_middleware_is_installed_after_authentication():
    middleware = settings.MIDDLEWARE
    login_required = middleware.index("django.contrib.auth.middleware.LoginRequiredMiddleware")
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < (
        login_required
    )


def test_every_open_route_is_declared_with_its_reason():
    undeclared = []
    for route in ROUTES:
        if not route.is_open:
            continue
        declared = route.name in PUBLIC or route.name in AUTHENTICATES_ITSELF
        if route.namespace == API_NAMESPACE and route.path_view is not None:
            declared = f"{API_NAMESPACE}:*" in AUTHENTICATES_ITSELF
        if not declared:
            undeclared.append(f"{route.name} /{route.regex}")
    assert undeclared == []


def test_every_declared_route_is_open():
    open_names = {route.name for route in ROUTES if route.is_open}
    declared = set(PUBLIC) | set(AUTHENTICATES_ITSELF) - {f"{API_NAMESPACE}:*"}
    assert declared - open_names == set()
    assert all(reason.strip() for reason in (*PUBLIC.values(), *AUTHENTICATES_ITSELF.values()))


def test_every_api_operation_declares_its_authentication():
    operations = [
        (route, operation)
        for route in ROUTES
        if route.path_view is not None
        for operation in route.path_view.operations
    ]
    assert len(operations) > 40
    anonymous = [
        f"{route.name} {operation.methods}"
        for route, operation in operations
        if not (operation.auth_callbacks)
    ]
    assert anonymous == []
    # The only API routes that are not operations are Ninja's documents, declared public.
    others = {route.name for route in ROUTES if route.namespace == API_NAMESPACE} - {
        route.name for route, _ in operations
    }
    assert others <= set(PUBLIC)


CLOSED_PAGES = [route for route in ROUTES if not route.is_open and route.namespace != API_NAMESPACE]


@pytest.mark.parametrize("route", CLOSED_PAGES, ids=lambda route: route.name)
def test_a_closed_page_sends_an_anonymous_caller_to_log_in(client, db, route):
    path = _sample_path(route)
    response = client.get(path)
    # The admin's index sends to the admin's own log-in form (Django's admin_view says so).
    log_ins = {reverse("login"), reverse("admin:login") if route.namespace == "admin" else None}
    assert response.status_code == 302, path
    assert response["Location"].split("?next=/")[0] in log_ins, path


def _api_operations():
    seen = set()
    for route in ROUTES:
        if route.path_view is None or route.path_view in seen:
            continue
        seen.add(route.path_view)
        for operation in route.path_view.operations:
            for method in operation.methods:
                yield pytest.param(route, method, id=f"{method} {route.name}")


@pytest.mark.parametrize(("route", "method"), list(_api_operations()))
def test_an_api_operation_answers_an_anonymous_caller_401_json(client, db, route, method):
    path = _sample_path(route)
    response = client.generic(method, path)
    assert response.status_code == 401, path
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("name", ["patrols:start", "patrols:points", "patrols:end"])
def test_the_patrol_phone_endpoints_answer_an_anonymous_caller_401_json(client, db, name):
    route = next(route for route in ROUTES if route.name == name)
    response = client.post(_sample_path(route), "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "login_required"


def test_a_bearer_token_without_a_session_still_reaches_the_api(client, personas):
    _, plaintext = api_token_create(actor=personas.resident_a, name="app")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(set(PUBLIC) - {"api:api-root"}))
def test_a_public_route_does_not_send_an_anonymous_caller_to_log_in(client, db, name):
    route = next(route for route in ROUTES if route.name == name)
    response = client.get(_sample_path(route))
    location = response.get("Location", "")
    assert not location.startswith(reverse("login")) or name == "login"
