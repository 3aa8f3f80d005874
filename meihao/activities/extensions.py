"""What other apps attach to activities of a kind, registered at start-up (their AppConfig.ready).

Finish effects: `effects(*, activity, attendances, actor)` runs when an activity of the kind is
finished, in `activity_finish`'s transaction after the attendances are closed and the service
records written (`attendances`: every attendance of the activity, checked out, with its sign-up
and person). If it raises, nothing of the finishing is written. The legal-advisor app counts an
advisor's duty and education sessions toward their monthly hours this way.

Owned kinds: a kind another app runs (party branch meetings) is not public and not the place
officials' to organise: the owning app says who organises one (`organised(user)`, a filter over
activities), who else sees it (`audience(user)`) and who may sign up or check in
(`admits(activity, person)`, else `refusal`). It creates them with
`activity_create(for_owner=True)` after authorising the actor itself.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

_finish_effects: dict[str, list[Callable]] = {}


def register_finish_effects(kind: str, effects: Callable) -> None:
    registered = _finish_effects.setdefault(kind, [])
    if effects not in registered:
        registered.append(effects)


def finish_effects(kind: str) -> list[Callable]:
    return _finish_effects.get(kind, [])


@dataclass(frozen=True)
class OwnedKind:
    organised: Callable  # (user) -> Q over Activity: the activities of the kind user organises
    audience: Callable  # (user) -> Q over Activity: those user sees besides
    admits: Callable  # (activity, person) -> bool: may they sign up and check in
    refusal: object  # the message (lazy) for someone not admitted
    organises_any: Callable  # (user) -> bool: whether user organises any activity of the kind


_owned: dict[str, OwnedKind] = {}


def register_owned_kind(kind: str, owned: OwnedKind) -> None:
    _owned[kind] = owned


def owned_kind(kind: str) -> OwnedKind | None:
    return _owned.get(kind)


def owned_kinds() -> list[str]:
    return list(_owned)


def owned_organised_q(user) -> Q:
    """The activities of owned kinds that `user` organises."""
    query = Q(pk__in=[])
    for kind, owned in _owned.items():
        query |= Q(kind=kind) & owned.organised(user)
    return query


def owned_visible_q(user) -> Q:
    query = Q(pk__in=[])
    for kind, owned in _owned.items():
        query |= Q(kind=kind) & (owned.organised(user) | owned.audience(user))
    return query
