"""Fixtures for the reminder tests: the seeded policy, items with deadlines, worker helpers."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings

from danvan.org.models import Role, Unit
from petitions.models import Petition, PetitionKind, Status
from seeds.notify import seed_reminder_stages
from tasks.models import Task
from tests.conftest import _database_url_for_worker
from tests.factories import UnitTree, UserFactory

_numbers = itertools.count(1)

# A quiet week of March 2026: Monday 9 … Friday 13, no holiday near.
MON, TUE, WED, THU, FRI = (date(2026, 3, d) for d in range(9, 14))


@pytest.fixture
def stages(db: Any) -> None:
    seed_reminder_stages()


def make_petition(
    unit: Unit, due: date, *, assignee: Any = None, kind: str = PetitionKind.COMPLAINT, **extra: Any
) -> Petition:
    number = next(_numbers)
    return Petition.objects.create(
        code=f"DT-2026-{number:06d}",
        received_on=date(2026, 2, 20),
        channel="post",
        kind=kind,
        summary=f"Khiếu nại về đất đai số {number}",
        location_unit=unit,
        receiving_unit=unit,
        handling_unit=unit,
        assignee=assignee,
        status=extra.pop("status", Status.ACCEPTED),
        clock_stage="resolve",
        due_date=due,
        **extra,
    )


def make_task(unit: Unit, issuer: Unit, due: date, **extra: Any) -> Task:
    return Task.objects.create(
        title=extra.pop("title", f"Nhiệm vụ {next(_numbers)}"),
        issuing_unit=issuer,
        lead_unit=unit,
        due_on=due,
        **extra,
    )


@pytest.fixture
def people(tree: UnitTree, handler_a: Any, supervisor: Any) -> dict[str, Any]:
    """handler_a (A1), a second handler of A1, the province supervisor above A1."""
    other = UserFactory(
        username="handler_a2", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    return {"handler": handler_a, "handler2": other, "supervisor": supervisor}


# --- Worker processes of our own (the killed-worker case needs two in a row) -------------
def start_worker(name: str, env_extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.settings.test",
        "DATABASE_URL": _database_url_for_worker(),
        "DANVAN_VAR_DIR": str(settings.VAR_DIR),
        **(env_extra or {}),
    }
    log = tempfile.NamedTemporaryFile(prefix=f"notify-{name}-", suffix=".log", delete=False)  # noqa: SIM115
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
            f"--hostname={name}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so kill -9 takes the pool too
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with open(log.name, encoding="utf-8", errors="replace") as fh:
            if " ready." in fh.read():
                process.log_path = log.name
                return process
        time.sleep(0.2)
    process.kill()
    with open(log.name, encoding="utf-8", errors="replace") as fh:
        pytest.fail("Celery worker did not start:\n" + fh.read()[-4000:])


def kill_9(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def worker_factory(transactional_db: Any) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def make(name: str, env_extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        process = start_worker(name, env_extra)
        started.append(process)
        return process

    yield make
    for process in started:
        stop(process)


class PrivateRedis:
    """A redis-server of the test's own on a free port, which the test may crash and restart."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: the Redis restart test needs it")
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def crash(self) -> None:
        """SIGKILL: what is queued in memory is lost, as in a crash without persistence."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
