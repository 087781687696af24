"""
Benchmark of the deadline reminders (issue 5): 1,000,000 open items, 10,000 of them due.

Runs on the database `bench/generate.py` built (1,000,000 petitions, 100,000 tasks), with
Redis as the broker:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench
    export REDIS_URL=redis://127.0.0.1:6379/4
    .venv/bin/python bench/reminders_bench.py [--open 1000000] [--due 10000] [--workers 2]
    .venv/bin/python bench/reminders_bench.py --cleanup        # back to generate.py's data

Steps, each timed and printed (the whole result also as JSON in /tmp/danvan_reminders_bench.json):
1. prepare    The generated data has far fewer open items than 1,000,000 (old petitions are
              mostly finished), so open petitions `RB-0000001…` are added with one
              INSERT … SELECT (received 2020-01-01, empty search text, spread over the 3,321
              communes) until exactly --open items are open, counted by the reminder
              providers' own querysets (petitions, tasks and coordinating units). The sweep
              runs on a controlled day D (--day, default 2029-03-14): every generated item's
              deadline is then more than the 26 weekly repeats of the overdue stage behind,
              so nothing generated is due; exactly --due of the added petitions, spread
              evenly over the id range, get deadlines inside D's stage windows (every day of
              every window, round robin), the others D + 40 … D + 400 days. One petition
              handler per commune and a supervisor per province (`rb_*` users, with e-mail)
              receive them. Skipped when already in place.
2. sweep-nothing-due  `jobs.sweep_reminders(D - 240 days)`, the body of the job beat runs
              (after one untimed-for-the-result "cold process" sweep of the same day and the
              URLconf import, printed apart: a worker pays those once in its life)
              (in this process): 0 items due (the generated tasks' last repeat is in June 2028,
              the added deadlines' first window in September 2028).
3. sweep      `jobs.sweep_reminders(D)`: the same job; find (the providers' chunked queries +
              the rows per item), record (INSERT … ON CONFLICT DO NOTHING, then the ids of this
              sweep) and enqueue (an outbox row per 500 ids, danvan.core.jobs.enqueue, published to
              Redis when the transaction commits)
              timed separately by wrapping those functions here; total time, query count.
              Then the same day again (everything exists already: 0 new).
4. deliver    --workers Celery workers (`celery -A danvan worker --pool=prefork
              --concurrency=1`, one pool process each) drain the queue. The clock starts when
              every worker answers a ping and stops when no reminder is pending; messages =
              deliveries sent (e-mail to the locmem backend, in-app row, push outbox row). Peak
              RSS: VmHWM of each worker's main and pool process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_bench")
# The workers send e-mail to memory: we measure our work, not an SMTP server.
os.environ["EMAIL_URL"] = "memorymail://"

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from danvan.core import jobs as core_jobs  # noqa: E402
from danvan.notify import jobs, services  # noqa: E402
from danvan.notify.models import (  # noqa: E402
    Delivery,
    Digest,
    Notification,
    OutboxMessage,
    Reminder,
    ReminderStage,
)
from danvan.notify.policy import windows  # noqa: E402
from danvan.notify.providers import providers  # noqa: E402
from danvan.org.models import Membership, Role, Unit, UnitLevel, User  # noqa: E402
from petitions.models import Petition  # noqa: E402
from seeds.notify import seed_reminder_stages  # noqa: E402

PREFIX = "RB-"
USER_PREFIX = "rb_"
OUT = Path("/tmp/danvan_reminders_bench.json")  # noqa: S108 - like the other benchmarks
FAR = (date(1900, 1, 1), date(2999, 1, 1))


def log(step: str, **values: object) -> None:
    print(f"{step:<20} " + "  ".join(f"{k}={v}" for k, v in values.items()), flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def open_items() -> dict[str, int]:
    """Open items as each reminder provider counts them (every deadline)."""
    return {subject: p.count([FAR]) for subject, p in providers().items()}


def due_days(day: date) -> list[date]:
    stages = list(ReminderStage.objects.filter(is_active=True, subject="petition"))
    days: set[date] = set()
    for window in windows(stages, day):
        current = window.first
        while current < window.after:
            days.add(current)
            current += timedelta(days=1)
    return sorted(days)


def people() -> None:
    """A petition handler in every commune, a supervisor in every province (with e-mail)."""
    if User.objects.filter(username__startswith=USER_PREFIX).exists():
        return
    units = list(
        Unit.objects.filter(level__in=[UnitLevel.COMMUNE, UnitLevel.PROVINCE]).values_list(
            "pk", "code", "level"
        )
    )
    users = User.objects.bulk_create(
        [
            User(username=f"{USER_PREFIX}{level}_{code}", email=f"{code}.{level}@bench.invalid")
            for _pk, code, level in units
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                unit_id=pk,
                role=Role.PETITION_HANDLER if level == UnitLevel.COMMUNE else Role.SUPERVISOR,
            )
            for user, (pk, _code, level) in zip(users, units, strict=True)
        ]
    )


def prepare(target: int, due: int, day: date) -> dict[str, Any]:
    people()
    found = open_items()
    added = Petition.objects.filter(code__startswith=PREFIX).count()
    generated = sum(found.values()) - added
    missing = target - generated
    if added and added != missing:
        raise SystemExit(f"{added} {PREFIX} petitions exist, {missing} wanted: run --cleanup first")
    if not added:
        if missing < due:
            raise SystemExit(f"only {missing} petitions to add, fewer than --due {due}")
        days = due_days(day)
        stride = missing // due
        started = time.monotonic()
        with connection.cursor() as cursor, transaction.atomic():
            cursor.execute(
                """
                INSERT INTO petitions_petition (
                    code, client_id, version, received_on, channel, kind, summary, content,
                    address, is_eligible, ineligibility_reason, is_anonymous, is_collective,
                    head_count, is_remote_area, several_places, complexity, instance, status,
                    status_before_suspension, result, clock_stage, clock_started_on, due_date,
                    search_text, created_at, updated_at,
                    handling_unit_id, location_unit_id, receiving_unit_id)
                SELECT %(prefix)s || lpad(g::text, 7, '0'), gen_random_uuid(), 1,
                    DATE '2020-01-01', 'post', 'complaint', 'Đơn bench nhắc hạn số ' || g, '',
                    '', true, '', false, false, 1, false, false, 'normal', 1,
                    'under_resolution', '', '', 'resolve', DATE '2020-01-10',
                    CASE WHEN g %% %(stride)s = 0 AND g / %(stride)s <= %(due)s
                         THEN (%(days)s::date[])[1 + (g / %(stride)s) %% %(ndays)s]
                         ELSE %(day)s::date + 40 + g %% 360 END,
                    '', now(), now(), c.ids[1 + g %% c.n], c.ids[1 + g %% c.n],
                    c.ids[1 + g %% c.n]
                FROM generate_series(1, %(missing)s) AS g,
                    (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n
                     FROM org_unit WHERE level = 'commune') AS c
                """,
                {
                    "prefix": PREFIX,
                    "stride": stride,
                    "due": due,
                    "days": days,
                    "ndays": len(days),
                    "day": day,
                    "missing": missing,
                },
            )
            cursor.execute("ANALYZE petitions_petition")
        log("prepare", added=missing, seconds=round(time.monotonic() - started, 1), load=load())
    found = open_items()
    return {"open_items": found, "open_total": sum(found.values()), "added_petitions": missing}


def cleanup() -> None:
    started = time.monotonic()
    with transaction.atomic():
        Digest.objects.all().delete()
        Notification.objects.all().delete()
        OutboxMessage.objects.all().delete()
        Reminder.objects.all().delete()  # deliveries cascade
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM petitions_petition WHERE code LIKE %s", [PREFIX + "%"])
            deleted = cursor.rowcount
        Membership.objects.filter(user__username__startswith=USER_PREFIX).delete()
        User.objects.filter(username__startswith=USER_PREFIX).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE petitions_petition")
        # The added rows' btree entries leave half-empty pages: rebuild those indexes (the
        # trigram index only had empty texts from them and takes minutes to rebuild).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'petitions_petition'"
            " AND indexdef NOT LIKE '%%USING gin%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'REINDEX INDEX "{name}"')
    log("cleanup", deleted=deleted, seconds=round(time.monotonic() - started, 1), load=load())


class Timer:
    """Wraps the sweep's steps to time them without touching the product code."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {
            "find": 0.0,
            "rows": 0.0,
            "record": 0.0,
            "enqueue": 0.0,
            "publish": 0.0,
        }
        self.seconds["requeue"] = 0.0
        self.calls: dict[str, int] = dict.fromkeys(self.seconds, 0)

    def timed(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - started
                self.calls[key] += 1

        return wrapper

    def timed_iterator(self, key: str, function: Callable[..., Iterator[Any]]) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = function(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    value = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.seconds[key] += time.perf_counter() - started
                self.calls[key] += 1
                yield value

        return wrapper

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        saved = {
            "_rows_for": services._rows_for,
            "_record": services._record,
            "requeue_stale": services.requeue_stale,
            "enqueue": services.enqueue,
        }
        publish = core_jobs.publish
        items = {subject: p.items for subject, p in providers().items()}
        services._rows_for = self.timed("rows", services._rows_for)  # type: ignore[assignment]
        services._record = self.timed("record", services._record)  # type: ignore[assignment]
        services.requeue_stale = self.timed("requeue", services.requeue_stale)  # type: ignore[assignment]
        # Enqueueing: the outbox row (danvan.core.jobs.enqueue) and its publication to the
        # broker once the sweep's transaction commits (publish), both timed as "enqueue".
        services.enqueue = self.timed("enqueue", services.enqueue)  # type: ignore[assignment]
        core_jobs.publish = self.timed("publish", publish)  # type: ignore[assignment]
        for subject, provider in providers().items():
            provider.items = self.timed_iterator("find", items[subject])  # type: ignore[method-assign]
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(services, name, value)
            core_jobs.publish = publish  # type: ignore[assignment]
            for subject, provider in providers().items():
                provider.items = items[subject]  # type: ignore[method-assign]


def timed_sweep(day: date) -> dict[str, Any]:
    timer = Timer()
    with timer.installed(), CaptureQueriesContext(connection) as queries:
        before = load()
        started = time.perf_counter()
        result = jobs.sweep_reminders(day.isoformat())
        total = time.perf_counter() - started
    s = timer.seconds
    figures = {
        "day": day.isoformat(),
        "items": None,
        "reminders": result["reminders"],
        "requeued": result["requeued"],
        "total_s": round(total, 3),
        "find_s": round(s["find"] + s["rows"], 3),
        "find_queries_s": round(s["find"], 3),
        "find_rows_python_s": round(s["rows"], 3),
        # Publishing runs when the sweep's transaction commits, inside "record".
        "record_s": round(s["record"] - s["enqueue"] - s["publish"], 3),
        "enqueue_s": round(s["enqueue"] + s["publish"], 3),
        "enqueue_jobs": timer.calls["enqueue"],
        "requeue_stale_s": round(s["requeue"], 3),
        "queries": len(queries),
        "load_before": before,
        "load_after": load(),
    }
    figures["items"] = result["items"]
    return figures


def rss_peak_kb(pid: int) -> list[int]:
    """VmHWM (peak RSS) of a worker's main process and its pool processes, in kB."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    found = []
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    found.append(int(line.split()[1]))
    return found


def deliver(workers: int) -> dict[str, Any]:
    from danvan.celery import app

    total = Reminder.objects.filter(status="pending").count()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "danvan",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=WARNING",
                f"--hostname=rbench{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env={**os.environ},
            start_new_session=True,
        )
        for n in range(workers)
    ]
    spawned = time.monotonic()
    peaks: list[list[int]] = [[] for _ in processes]
    try:
        # The clock starts when every worker answers a ping (start-up is not delivery).
        while len(app.control.ping(timeout=0.5)) < workers:
            if time.monotonic() - spawned > 120:
                raise SystemExit("workers did not start")
        started = time.monotonic()
        sent_before = Delivery.objects.filter(sent_at__isnull=False).count()
        before = load()
        while Reminder.objects.filter(status="pending").exists():
            for n, process in enumerate(processes):
                # The pool process may be replaced: keep the highest value seen per process.
                for i, kb in enumerate(rss_peak_kb(process.pid)):
                    if i < len(peaks[n]):
                        peaks[n][i] = max(peaks[n][i], kb)
                    else:
                        peaks[n].append(kb)
            time.sleep(0.2)
        seconds = time.monotonic() - started
        for n, process in enumerate(processes):
            for i, kb in enumerate(rss_peak_kb(process.pid)):
                if i < len(peaks[n]):
                    peaks[n][i] = max(peaks[n][i], kb)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    sent = Delivery.objects.filter(sent_at__isnull=False).count()
    by_channel = dict(
        Delivery.objects.filter(sent_at__isnull=False)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    return {
        "workers": workers,
        "command": "celery -A danvan worker --pool=prefork --concurrency=1 (x workers)",
        "reminders": total,
        "worker_startup_s": round(started - spawned, 1),
        "sent_before_clock": sent_before,
        "messages": sent,
        "messages_timed": sent - sent_before,
        "by_channel": by_channel,
        "seconds": round(seconds, 1),
        "messages_per_second": round((sent - sent_before) / seconds, 1),
        "reminders_per_second": round(total * (sent - sent_before) / max(sent, 1) / seconds, 1),
        "peak_rss_mb": [[round(kb / 1024, 1) for kb in per] for per in peaks],
        "load_before": before,
        "load_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1_000_000, help="open items in all")
    parser.add_argument("--due", type=int, default=10_000, help="of them due on --day")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2029, 3, 14))
    parser.add_argument("--cleanup", action="store_true", help="remove what this script added")
    parser.add_argument("--no-deliver", action="store_true", help="stop after the sweeps")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run the benchmark on PostgreSQL"
    if args.cleanup:
        cleanup()
        return
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("REDIS_URL must point at a Redis database of yours")
    seed_reminder_stages()
    results: dict[str, Any] = {"started_load": load()}
    results["data"] = prepare(args.open, args.due, args.day)
    log("data", **results["data"])
    with transaction.atomic():
        Notification.objects.all().delete()
        OutboxMessage.objects.all().delete()
        Reminder.objects.all().delete()  # deliveries cascade
    from danvan.celery import app

    app.control.purge()

    # A worker's first sweep also imports what it has for the rest of its life: the holiday
    # tables behind the working-day calendar and the URLconf (the items' links). Timed once,
    # apart; the figures below are those of a worker that has swept before, as beat's are.
    cold = timed_sweep(args.day - timedelta(days=240))
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - the import is what is timed
    cold["urlconf_import_s"] = round(time.perf_counter() - started, 3)
    log("sweep cold process", **cold)
    quiet = timed_sweep(args.day - timedelta(days=240))
    log("sweep nothing due", **quiet)
    if quiet["items"]:
        raise SystemExit(f"{quiet['items']} items due on the quiet day, 0 wanted")
    main_sweep = timed_sweep(args.day)
    log("sweep", **main_sweep)
    if main_sweep["items"] != args.due:
        raise SystemExit(f"{main_sweep['items']} items due, {args.due} wanted")
    again = timed_sweep(args.day)
    log("sweep again", **again)
    results.update(
        sweep_cold_process=cold, sweep_nothing_due=quiet, sweep=main_sweep, sweep_again=again
    )
    if not args.no_deliver:
        results["deliver"] = deliver(args.workers)
        log("deliver", **results["deliver"])
    OUT.write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
