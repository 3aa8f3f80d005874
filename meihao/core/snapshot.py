"""Reference data held in each process and rebuilt when it changes.

A few tables are read on nearly every write and change a few times a year: the grid polygons
(which grid a report lies in) and the case catalogue (which type and class it is filed under).
Reading them through the ORM on every request costs more than the request's own reads, so a
`ProcessSnapshot` keeps what its `build` function returns, per process, and rebuilds it when

- the version token in the Django cache is not the one it was built under: the writing services
  call `changed()` after their commit (with Redis as the cache, every process sees it at once);
- or the `fingerprint` function (a few aggregates over the tables: counts, highest id, latest
  `updated_at`) answers differently. It is asked at most every SNAPSHOT_RECHECK_SECONDS (0 in
  tests), which catches changes written around the services and, with the embedded per-process
  cache, changes made in another process, within those seconds.

Whatever `build` returns is shared by every thread of the process: treat it as read-only.
"""

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

_ALL: list["ProcessSnapshot"] = []


@dataclass(frozen=True)
class _Built(Generic[T]):
    token: str | None  # the cache's version token when built
    fingerprint: tuple  # the tables' fingerprint when built
    value: T


class ProcessSnapshot(Generic[T]):
    def __init__(self, name: str, *, build: Callable[[], T], fingerprint: Callable[[], tuple]):
        self.cache_key = f"snapshot:{name}:version"
        self._build = build
        self._fingerprint = fingerprint
        self._built: _Built[T] | None = None
        self._checked_at = float("-inf")  # time.monotonic() of the last fingerprint query
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self) -> T:
        token = cache.get(self.cache_key)
        built = self._built
        now = time.monotonic()
        recheck = not 0 <= now - self._checked_at < settings.SNAPSHOT_RECHECK_SECONDS
        if built is not None and built.token == token and not recheck:
            return built.value
        with self._lock:
            built = self._built
            if built is not None and built.token == token and not recheck:
                return built.value  # another thread rebuilt it while this one waited
            fingerprint = self._fingerprint()
            self._checked_at = now
            if built is None or built.token != token or built.fingerprint != fingerprint:
                built = _Built(token=token, fingerprint=fingerprint, value=self._build())
                self._built = built
            return built.value

    def changed(self) -> None:
        """Tell every process to rebuild. Call after the commit that changed the tables."""
        cache.set(self.cache_key, uuid.uuid4().hex, timeout=None)


def forget_all() -> None:
    """Drop every snapshot of this process (tests: each starts from another database state,
    and rows rolled back by one test can come back in the next with the same ids and, under a
    frozen clock, the same `updated_at`, which the fingerprint alone would not tell apart)."""
    for snapshot in _ALL:
        with snapshot._lock:
            snapshot._built = None
