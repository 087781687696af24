"""
Shared fixtures: personas, API clients, query counting, and the gate for real services.

Embedded mode (`make test`): SQLite; tests marked `services` or `postgres` are skipped when
their service is absent. CI sets DANVAN_REQUIRE_SERVICES=1, which turns an unreachable
PostgreSQL, Redis or Celery worker into a failure instead of a skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from danvan.org.models import Role, Unit
from tests.factories import UnitTree, UserFactory, build_unit_tree

REQUIRE_SERVICES = os.environ.get("DANVAN_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    is_postgres = settings.DATABASES["default"]["ENGINE"].startswith(
        "django.db.backends.postgresql"
    )
    broker = settings.CELERY_BROKER_URL
    for item in items:
        # With DANVAN_REQUIRE_SERVICES=1 nothing is skipped: _services_reachable below stops
        # the run if PostgreSQL or Redis is missing.
        if REQUIRE_SERVICES:
            continue
        if item.get_closest_marker("postgres") and not is_postgres:
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
            )
        if item.get_closest_marker("services") and not broker.startswith("redis"):
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL=redis://…)"))


@pytest.fixture(scope="session", autouse=True)
def _services_reachable(django_db_setup: Any, django_db_blocker: Any) -> None:
    """With DANVAN_REQUIRE_SERVICES=1, stop the run at once if a service cannot be reached."""
    if not REQUIRE_SERVICES:
        return
    from danvan.core.health import CHECKS

    problems = []
    for name, check in CHECKS.items():
        with django_db_blocker.unblock():
            try:
                check()
            except Exception as exc:
                problems.append(f"{name}: {exc!r}")
    if not settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
        problems.append("database: DATABASE_URL is not PostgreSQL")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        problems.append("broker: CELERY_BROKER_URL is not Redis")
    if problems:
        pytest.exit("Required services unreachable: " + "; ".join(problems), returncode=3)


# --- Units and personas -------------------------------------------------------------------
@pytest.fixture
def tree(db: Any) -> UnitTree:
    """Central -> two provinces; province A has communes A1 and A2 (A1 has a village)."""
    return build_unit_tree()


@pytest.fixture
def cadre_a(tree: UnitTree) -> Any:
    """Commune cadre of commune A1."""
    return UserFactory(username="cadre_a", memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])


@pytest.fixture
def cadre_b(tree: UnitTree) -> Any:
    """Commune cadre of commune A2, a sibling of A1."""
    return UserFactory(username="cadre_b", memberships=[(tree.commune_a2, Role.COMMUNE_CADRE)])


@pytest.fixture
def handler_a(tree: UnitTree) -> Any:
    """Petition handler of commune A1, without any special permission."""
    return UserFactory(username="handler_a", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])


@pytest.fixture
def supervisor(tree: UnitTree) -> Any:
    """Supervisor of province A."""
    return UserFactory(username="supervisor", memberships=[(tree.province_a, Role.SUPERVISOR)])


@pytest.fixture
def administrator(tree: UnitTree) -> Any:
    """System administrator at the central unit."""
    return UserFactory(username="administrator", memberships=[(tree.central, Role.ADMINISTRATOR)])


# --- Clients ------------------------------------------------------------------------------
@pytest.fixture
def api() -> APIClient:
    """Anonymous API client."""
    return APIClient()


@pytest.fixture
def api_as() -> Callable[[Any], APIClient]:
    """API client authenticated with a bearer token, as a mobile app would be."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


class QueryCounter(CaptureQueriesContext):
    def __str__(self) -> str:
        return "\n".join(f"{i}: {q['sql']}" for i, q in enumerate(self.captured_queries, 1))

    __repr__ = __str__


@pytest.fixture
def count_queries(settings: Any, db: Any) -> Callable[[], QueryCounter]:
    """`with count_queries() as q: ...` then `assert len(q) == N, q` prints the SQL on failure."""
    # The calendar re-checks its shared version every CALENDAR_CHECK_SECONDS: on a loaded
    # machine a slow test crosses that and counts one query more. Counts measure the code, not
    # the clock (a change made in this process still reaches the index at once).
    settings.CALENDAR_CHECK_SECONDS = 3600
    # A check made before this test (by an earlier test, with the default 2 s) would fall due
    # again within seconds, perhaps between two counted blocks: check now, for the hour.
    from django.utils import timezone

    from danvan.calendar import index

    index._state.valid_until = 0.0
    year = timezone.localdate().year
    index.index_for(year, year)
    return lambda: QueryCounter(connection)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    from danvan.org.authentication import COMPLETE_KEY, COMPLETE_SECONDS

    cache.clear()
    # As in a running site, the cache holds the complete copy of the revoked access tokens:
    # none yet, every test starts with an empty table. (Tests of the database fallback
    # delete this key.)
    cache.set(COMPLETE_KEY, True, timeout=COMPLETE_SECONDS)
    yield


def units(*names: Unit) -> set[str]:
    return {u.code for u in names}


# --- A real Celery worker process -------------------------------------------------------
def _database_url_for_worker() -> str:
    """The test database as a URL, for a worker process that must read what the test wrote."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db: Any) -> Iterator[Any]:
    """
    Start `celery worker` as a separate OS process on the configured broker (the file-system
    broker in embedded mode, Redis in CI) against the test database; stop it afterwards.
    Tests using it must commit their data (this fixture implies transactional_db).
    """
    import subprocess
    import sys
    import tempfile
    import time as _time

    from danvan.celery import app

    app.control.purge() if not settings.CELERY_BROKER_URL.startswith("filesystem") else None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.settings.test",
        "DATABASE_URL": _database_url_for_worker(),
        "DANVAN_VAR_DIR": str(settings.VAR_DIR),
    }
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "danvan",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname=test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = _time.monotonic() + 60
    ready = False
    while _time.monotonic() < deadline and process.poll() is None:
        with open(log.name, encoding="utf-8", errors="replace") as fh:
            if " ready." in fh.read():
                ready = True
                break
        _time.sleep(0.2)
    if not ready:
        process.kill()
        with open(log.name, encoding="utf-8", errors="replace") as fh:
            pytest.fail("Celery worker did not start:\n" + fh.read()[-4000:])
    process.log_path = log.name
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(condition: Callable[[], Any], *, timeout: float = 60, interval: float = 0.2) -> Any:
    """Poll until `condition()` is truthy (for work done by another process); fail after timeout."""
    import time as _time

    deadline = _time.monotonic() + timeout
    while _time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        _time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")
