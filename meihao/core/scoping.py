"""Turning a user's role scopes into query filters: the one place that decides visibility.

Every `visible_to(user)` queryset method is built on `scope_q`; views and API handlers never
filter by hand. Objects outside the result answer 404.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from meihao.core.roles import Role

NOTHING = Q(pk__in=[])
# Matches every row yet, unlike the empty Q(), is not dropped when OR-ed with another filter:
# `Q() | own` is just `own`, so a superuser's scope OR-ed with their own rows lost the rest.
EVERYTHING = ~NOTHING


@dataclass(frozen=True)
class Scope:
    role: str
    place_path: str  # path of the place the role covers ("450403/450403001/")
    organisation_id: int | None


def scopes_of(user) -> tuple[Scope, ...]:
    """The user's role scopes, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_meihao_scopes", None)
    if cached is None:
        # Only the paths: the places' other columns (a grid's boundary above all) are large.
        rows = user.role_assignments.values_list(
            "role", "place__path", "organisation__place__path", "organisation_id"
        )
        cached = tuple(
            Scope(role=role, place_path=place_path or org_path, organisation_id=organisation_id)
            for role, place_path, org_path, organisation_id in rows
        )
        user._meihao_scopes = cached
    return cached


def forget_scopes(user) -> None:
    """Drop the cached scopes after the user's roles change."""
    if hasattr(user, "_meihao_scopes"):
        del user._meihao_scopes


def has_role(user, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(s.role in wanted for s in scopes_of(user))


def scope_paths(user, roles: Iterable[str]) -> list[str]:
    """The minimal set of subtree paths the user covers through any of `roles`."""
    wanted = set(roles)
    paths = sorted({s.place_path for s in scopes_of(user) if s.role in wanted})
    minimal: list[str] = []
    for path in paths:  # sorted, so an ancestor always precedes its descendants
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    return minimal


def organisation_ids(user, roles: Iterable[str]) -> set[int]:
    """The organisations the user holds one of `roles` for (a department's staff, a merchant's)."""
    roles = set(roles)
    return {s.organisation_id for s in scopes_of(user) if s.role in roles and s.organisation_id}


def covers(user, path: str, roles: Iterable[str]) -> bool:
    """Whether `path` lies inside a subtree the user holds one of `roles` on."""
    if getattr(user, "is_superuser", False):
        return True
    return any(path.startswith(p) for p in scope_paths(user, roles))


def sees_place(user, path: str) -> bool:
    """Whether the place at `path` is visible to `user`: inside one of their subtrees, or an
    ancestor of one (breadcrumbs). Mirrors `PlaceQuerySet.visible_to` without a query; a place
    the user cannot see answers 404, however the request reached it."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        path.startswith(scope) or scope.startswith(path) for scope in scope_paths(user, tuple(Role))
    )


def in_subtree(path: str, field: str = "place_path") -> Q:
    """Rows whose `field` lies in the subtree at `path` (a place path, ending in the separator)."""
    return starts_with(field, path)


def starts_with(field: str, prefix: str) -> Q:
    """Rows whose `field` starts with `prefix`, as an index can answer it (a subtree's paths, a
    catalogue's search keys).

    On SQLite, Django's startswith is a case-insensitive LIKE, which no index can answer; the
    equivalent range `prefix <= field < prefix with its last character incremented` (binary
    collation) lets SQLite use an index on the column (one grid among a million cases).
    PostgreSQL answers the LIKE from its varchar_pattern_ops index already, and its collation
    need not order '/' before the digits, so it gets the LIKE alone.
    """
    query = Q(**{f"{field}__startswith": prefix})
    if connection.vendor == "sqlite" and prefix:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        query &= Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    return query


def scope_q(user, *, path_field: str, roles: Iterable[str] = tuple(Role)) -> Q:
    """A filter keeping rows whose `path_field` lies in a subtree the user covers via `roles`.

    One indexed subtree match (`in_subtree`) per scope; superusers see everything.
    """
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    query = NOTHING
    for path in scope_paths(user, roles):
        query |= in_subtree(path, path_field)
    return query


def visible_to(
    queryset,
    user,
    *,
    path_field: str = "place_path",
    roles: Iterable[str] = tuple(Role),
    own: Q | None = None,
    public: Q | None = None,
):
    """The one visibility rule: the rows in the user's scope, plus their `own` rows (their
    service records, their drafts: a Q built for this user), plus the `public` ones everyone
    logged in sees. Anonymous users see nothing; superusers see everything.
    """
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser:
        return queryset.all()
    query = scope_q(user, path_field=path_field, roles=roles)
    for extra in (own, public):
        if extra is not None:
            query |= extra
    return queryset.filter(query)


class ScopedQuerySet:
    """Mixin for querysets of records that belong to a place.

    Subclasses name the field holding the place path and the roles that grant visibility.
    """

    scope_path_field = "place_path"
    scope_roles: Iterable[str] = tuple(Role)

    def visible_to(self, user):
        return visible_to(self, user, path_field=self.scope_path_field, roles=self.scope_roles)


def ancestor_paths(path: str) -> list[str]:
    """The paths of `path` and of every place above it, the district first."""
    codes = [code for code in path.split("/") if code]
    return ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def users_covering(path: str, roles: Iterable[str]) -> list:
    """Active users holding one of `roles` on `path` or on one of its ancestors: who is told
    of what happens at a place."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role__in=list(roles),
            role_assignments__place__path__in=ancestor_paths(path),
        )
        .distinct()
    )
