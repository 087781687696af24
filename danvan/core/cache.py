"""
Redis as a cache that may be away: a lost Redis degrades the service, it never stops it.

`ResilientRedisCache` is Django's RedisCache whose every operation treats a connection
error or a timeout as a miss (`get` answers the default, `set`/`add` answer False, `incr`
raises ValueError as for a missing key). After a failure a circuit breaker skips Redis for
CACHE_RETRY_SECONDS (default 5), so a down Redis does not add a connect timeout to every
request, and a WARNING says so once per CACHE_WARNING_SECONDS (default 60) — not per request.

What relies on the cache and how it degrades (docs/architecture.md, "When a service is down"):
- token revocation (danvan.org.authentication): the database holds every revoked token; the
  cache is a fast path only;
- throttles (DRF's and the pages' write throttle): without their counters they let requests
  through (fail open) — sign-in is still guarded by django-axes, whose lockouts live in the
  database;
- the working-day calendar's version token: re-read from the database at every check;
- the worker heartbeat shown on /healthz: missing while Redis is away.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger("danvan.cache")

T = TypeVar("T")

# What "Redis is away" looks like to redis-py (refused, reset, timed out, DNS, loading…).
UNAVAILABLE: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    OSError,
)


class Breaker:
    """Per process: after a failure, skip the service for a while; warn once per interval."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._last_warning = 0.0
        self._down_since: float | None = None
        # Called once the service answers again after a failure (e.g. to drop a cached copy
        # that may have missed writes made while it was away).
        self.on_recovery: list[Callable[[], None]] = []

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    @property
    def degraded(self) -> bool:
        """True from a failure until the next success."""
        return self._down_since is not None

    def trip(self, exc: BaseException) -> None:
        now = time.monotonic()
        retry = float(getattr(settings, "CACHE_RETRY_SECONDS", 5))
        every = float(getattr(settings, "CACHE_WARNING_SECONDS", 60))
        with self._lock:
            self._open_until = now + retry
            if self._down_since is None:
                self._down_since = now
            warn = now - self._last_warning >= every
            if warn:
                self._last_warning = now
        if warn:
            log.warning(
                "%s unavailable (%s: %s); carrying on without it, next try in %.0f s",
                self.what,
                type(exc).__name__,
                exc,
                retry,
            )

    def recovered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            down_since, self._down_since = self._down_since, None
            self._open_until = 0.0
            self._last_warning = 0.0
        if down_since is not None:
            log.warning("%s available again after %.0f s", self.what, time.monotonic() - down_since)
            for callback in self.on_recovery:
                try:
                    callback()
                except Exception:
                    log.exception("%s: a recovery step failed", self.what)


cache_breaker = Breaker("Redis cache")


def cache_degraded() -> bool:
    """Has this process's cache failed since it last worked?"""
    return cache_breaker.degraded


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: the breaker, not redis-py's retries with back-off, decides when to retry.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})

    def _guard(self, default: T, operation: Callable[[], T]) -> T:
        if cache_breaker.is_open:
            return default
        try:
            result = operation()
        except UNAVAILABLE as exc:
            cache_breaker.trip(exc)
            return default
        cache_breaker.recovered()
        return result

    def probe(self) -> None:
        """For /healthz: ask Redis itself, past the breaker; raise if it does not answer."""
        try:
            self._cache.get_client(write=True).ping()
        except UNAVAILABLE as exc:
            cache_breaker.trip(exc)
            raise
        cache_breaker.recovered()

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guard(
            False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version)
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(
            default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guard(
            None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version)
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guard(
            False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._guard(False, lambda: super(ResilientRedisCache, self).delete(key, version))

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._guard({}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._guard(False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        missing = object()
        value = self._guard(
            missing, lambda: super(ResilientRedisCache, self).incr(key, delta, version)
        )
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return value

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guard(
            list(data), lambda: super(ResilientRedisCache, self).set_many(data, timeout, version)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard(None, lambda: super(ResilientRedisCache, self).delete_many(keys, version))

    def clear(self) -> Any:
        result: Any = False

        def clear() -> Any:
            return super(ResilientRedisCache, self).clear()

        result = self._guard(result, clear)
        return result


_warned: dict[str, float] = {}


def warn_degraded(logger: logging.Logger, what: str, message: str) -> None:
    """Log `message` as a WARNING at most once per CACHE_WARNING_SECONDS for `what`."""
    now = time.monotonic()
    every = float(getattr(settings, "CACHE_WARNING_SECONDS", 60))
    last = _warned.get(what)
    if last is not None and now - last < every:
        return
    _warned[what] = now
    logger.warning(message)
