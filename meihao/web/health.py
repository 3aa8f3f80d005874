"""What /healthz reports: the database answers, and the worker has beaten recently.

Anyone gets the verdict; the details (database vendor and latency, the worker's last beat) only
staff (is_staff or a district administrator) and a probe on the machine itself."""

import datetime
import time

from django.db import connections

from meihao.core.roles import Role
from meihao.core.scoping import has_role
from meihao.web.tasks import last_heartbeat

# The heartbeat runs every minute; three missed beats mean the worker is gone.
WORKER_MAX_SILENCE_SECONDS = 180
LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1"})
# A reverse proxy on the same machine connects from the loopback address too: a request it
# forwards carries one of these, and is not local.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def check_database(alias: str = "default") -> dict:
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable" to a probe
        return {"ok": False, "error": exc.__class__.__name__}
    elapsed_ms = (time.perf_counter() - started) * 1000
    return {"ok": True, "vendor": connections[alias].vendor, "ms": round(elapsed_ms, 2)}


def check_worker() -> dict:
    try:
        seen = last_heartbeat()
    except Exception as exc:  # Redis or the queue file unreachable
        return {"ok": False, "last_seen": None, "error": exc.__class__.__name__}
    if seen is None:
        return {"ok": False, "last_seen": None}
    age = max(time.time() - seen, 0.0)
    return {
        "ok": age <= WORKER_MAX_SILENCE_SECONDS,
        "last_seen": datetime.datetime.fromtimestamp(seen, tz=datetime.UTC).isoformat(),
        "age_seconds": round(age, 1),
    }


def health_report() -> tuple[dict, int]:
    """The JSON body and HTTP status: 200 whenever the database is up, 503 when it is not."""
    database = check_database()
    worker = check_worker()
    status = "ok" if database["ok"] and worker["ok"] else "degraded"
    return (
        {"status": status, "database": database, "worker": worker},
        200 if database["ok"] else 503,
    )


def may_see_details(request) -> bool:
    """Staff, or a probe on this machine that no proxy forwarded."""
    local = request.META.get("REMOTE_ADDR") in LOOPBACK_ADDRESSES
    if local and not any(request.META.get(header) for header in FORWARDING_HEADERS):
        return True
    user = request.user
    return user.is_authenticated and (user.is_staff or has_role(user, [Role.DISTRICT_ADMIN]))
