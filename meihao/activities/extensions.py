"""What other apps attach to activities of a kind, registered at start-up (their AppConfig.ready).

Finish effects: `effects(*, activity, attendances, actor)` runs when an activity of the kind is
finished, in `activity_finish`'s transaction after the attendances are closed and the service
records written (`attendances`: every attendance of the activity, checked out, with its sign-up
and person). If it raises, nothing of the finishing is written. The legal-advisor app counts an
advisor's duty and education sessions toward their monthly hours this way.
"""

from collections.abc import Callable

_finish_effects: dict[str, list[Callable]] = {}


def register_finish_effects(kind: str, effects: Callable) -> None:
    registered = _finish_effects.setdefault(kind, [])
    if effects not in registered:
        registered.append(effects)


def finish_effects(kind: str) -> list[Callable]:
    return _finish_effects.get(kind, [])
