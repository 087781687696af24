"""
Benchmark of the deadline reminders (issue 5): 1,000,000 open petitions, 10,000 of them due.

    createdb -h 127.0.0.1 -U postgres danvan_remind_bench   # once; the script migrates it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_remind_bench \
    REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/reminders_bench.py [--items 1000000] [--due 10000] [--workers 2]

Steps, each timed and printed (also as one JSON line at the end):
1. generate   open petitions (ORM bulk_create in batches, so model defaults stay right):
              `due` of them with a deadline in the reminder windows of --today (spread over
              the before_3 / before_1 / due_today / overdue_1 windows), the rest 10–300 days
              ahead; one petition handler per commune, a supervisor per province.
2. sweep      `services.sweep(today)`: find, record (INSERT … ON CONFLICT DO NOTHING) and
              enqueue (jobs of 500 ids on Redis). Time and query count.
3. sweep-nothing-due   a sweep on a day nothing is due (and a repeat sweep of step 2's day,
              where everything already exists).
4. deliver    --workers worker processes (prefork, concurrency 1 each) drain the queue;
              messages (deliveries: e-mail to the locmem backend, inbox row, push outbox row)
              per second, and the workers' peak RSS (VmHWM of every process of each worker).
Generation is skipped when the petitions are already there (--regenerate to redo).
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
# The workers send e-mail to memory: we measure our work, not an SMTP server.
os.environ.setdefault("EMAIL_URL", "memorymail://")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from danvan.calendar.selectors import add_working_days  # noqa: E402
from danvan.notify import services  # noqa: E402
from danvan.notify.models import Delivery, Notification, OutboxMessage, Reminder  # noqa: E402
from danvan.org.models import Role, Unit, UnitKind, UnitLevel, User  # noqa: E402
from danvan.org.services import membership_add, unit_upsert  # noqa: E402
from petitions.models import Petition, Status  # noqa: E402
from seeds.notify import seed_reminder_stages  # noqa: E402

BATCH = 20_000


def log(step: str, **values: object) -> None:
    print(f"{step:<22} " + "  ".join(f"{k}={v}" for k, v in values.items()), flush=True)


def units(communes: int) -> list[Unit]:
    central = unit_upsert(
        code="BTW", name="Bench TW", level=UnitLevel.CENTRAL, kind=UnitKind.CENTRAL, parent=None
    )
    province = unit_upsert(
        code="B68",
        name="Bench tỉnh",
        level=UnitLevel.PROVINCE,
        kind=UnitKind.PROVINCE,
        parent=central,
    )
    boss, _ = User.objects.get_or_create(username="bench_sup", defaults={"email": "s@b.vn"})
    membership_add(user=boss, unit=province, role=Role.SUPERVISOR)
    found = []
    for n in range(communes):
        unit = unit_upsert(
            code=f"B{n:05d}",
            name=f"Xã bench {n}",
            level=UnitLevel.COMMUNE,
            kind=UnitKind.COMMUNE,
            parent=province,
        )
        user, _ = User.objects.get_or_create(
            username=f"bench_h{n}", defaults={"email": f"h{n}@b.vn"}
        )
        membership_add(user=user, unit=unit, role=Role.PETITION_HANDLER)
        found.append(unit)
    return found


def generate(items: int, due: int, today: date, communes: list[Unit]) -> None:
    # Deadlines inside the windows: 3, 2, 1 working days ahead, today, 1 and 2 days late.
    due_days = (
        [add_working_days(today, k) for k in (3, 2, 1)]
        + [today]
        + [add_working_days(today, -k) for k in (1, 2)]
    )
    rows = []
    started = time.monotonic()
    for n in range(items):
        deadline = due_days[n % len(due_days)] if n < due else today + timedelta(days=10 + n % 290)
        unit = communes[n % len(communes)]
        rows.append(
            Petition(
                code=f"BENCH-{n:07d}",
                received_on=today - timedelta(days=20),
                channel="post",
                kind="complaint",
                summary=f"Đơn bench {n}",
                location_unit=unit,
                receiving_unit=unit,
                handling_unit=unit,
                status=Status.UNDER_RESOLUTION,
                clock_stage="resolve",
                due_date=deadline,
            )
        )
        if len(rows) == BATCH:
            Petition.objects.bulk_create(rows)
            rows = []
            log("generate", rows=n + 1, seconds=round(time.monotonic() - started, 1))
    if rows:
        Petition.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def rss_peak_kb(pid: int) -> int:
    """Peak RSS of a process and its children (the prefork pool)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--communes", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--today", default="2026-03-11")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    assert connection.vendor == "postgresql", "run the benchmark on PostgreSQL"
    results: dict[str, object] = {"items": args.items, "due": args.due}

    call_command("migrate", verbosity=0)
    seed_reminder_stages()
    if args.regenerate or Petition.objects.filter(code__startswith="BENCH-").count() != args.items:
        Reminder.objects.all().delete()
        Petition.objects.filter(code__startswith="BENCH-").delete()
        generate(args.items, args.due, today, units(args.communes))
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    Reminder.objects.all().delete()  # deliveries cascade
    from danvan.celery import app

    app.control.purge()

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        result = services.sweep(today=today, stale_after=None)
        seconds = time.monotonic() - started
    results["sweep_seconds"] = round(seconds, 2)
    results["sweep_queries"] = len(queries)
    results["reminders"] = result.reminders
    log(
        "sweep",
        seconds=results["sweep_seconds"],
        items=result.items,
        reminders=result.reminders,
        queries=len(queries),
    )

    started = time.monotonic()
    again = services.sweep(today=today, stale_after=None)
    results["sweep_again_seconds"] = round(time.monotonic() - started, 2)
    log("sweep same day again", seconds=results["sweep_again_seconds"], new=again.reminders)
    quiet_day = today - timedelta(days=60)
    started = time.monotonic()
    nothing = services.sweep(today=quiet_day, stale_after=None)
    results["sweep_nothing_due_seconds"] = round(time.monotonic() - started, 3)
    log("sweep nothing due", seconds=results["sweep_nothing_due_seconds"], items=nothing.items)

    env = {**os.environ}
    workers = [
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
                f"--hostname=bench{n}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for n in range(args.workers)
    ]
    spawned = time.monotonic()
    total = Delivery.objects.count()
    try:
        # The clock starts when every worker answers a ping (start-up is not delivery).
        while len(app.control.ping(timeout=0.5)) < args.workers:
            pass
        started = time.monotonic()
        already = Delivery.objects.filter(sent_at__isnull=False).count()
        while Reminder.objects.filter(status="pending").exists():
            time.sleep(0.2)
        seconds = time.monotonic() - started
        results["worker_startup_seconds"] = round(started - spawned, 1)
        results["sent_before_clock"] = already
        sent = Delivery.objects.filter(sent_at__isnull=False).count()
        results["deliver_seconds"] = round(seconds, 1)
        results["messages"] = sent
        results["messages_per_second"] = round(sent / seconds, 1)
        results["worker_peak_rss_mb"] = [round(rss_peak_kb(w.pid) / 1024, 1) for w in workers]
        log(
            "deliver",
            workers=args.workers,
            messages=sent,
            seconds=results["deliver_seconds"],
            per_second=results["messages_per_second"],
            peak_rss_mb=results["worker_peak_rss_mb"],
            existing_before=total,
        )
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
