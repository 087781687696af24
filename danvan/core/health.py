"""
Health probes for a load balancer and for a person on call.

/healthz/live   the process answers: 200 always (restart the process if this fails).
/healthz        ready (also /healthz/ready): the database is required — 503 "unavailable"
                without it; Redis as cache or broker is not — without it the answer is 200
                "degraded" naming what failed, because the site keeps working (a load
                balancer must not take every node out because Redis restarted).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from kombu import Connection

from danvan.core.jobs import HEARTBEAT_KEY


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    probe = getattr(cache, "probe", None)
    if probe is not None:  # ResilientRedisCache answers misses when Redis is away: ask Redis
        probe()
        return
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    ) as conn:
        # One quick retry, not kombu's default 2-second back-off: a probe must answer fast.
        conn.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "broker": _broker, "cache": _cache}
# Without these nothing works: the probe answers 503. The others only degrade the service.
REQUIRED = frozenset({"database"})


def live(request: HttpRequest) -> JsonResponse:
    """The process answers; it says nothing about the services behind it."""
    return JsonResponse({"status": "alive"})


def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure is the answer, not a crash
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    ready = all(r["ok"] for name, r in results.items() if name in REQUIRED)
    healthy = all(r["ok"] for r in results.values())
    # Informational: a stopped worker delays reminders but must not take the web site down.
    try:
        last_seen = cache.get(HEARTBEAT_KEY)
    except Exception:
        last_seen = None
    worker = {"last_heartbeat": last_seen}
    state = "ok" if healthy else "degraded" if ready else "unavailable"
    return JsonResponse(
        {"status": state, "checks": results, "worker": worker}, status=200 if ready else 503
    )
