"""
A soak with faults: the office day (bench/locustfile.py) for N minutes against gunicorn
(production settings), PostgreSQL, a private redis-server (cache and broker), a Celery
worker and beat — and, during it, a gunicorn worker SIGKILLed, the Celery worker's process
group SIGKILLed (and a new worker started), and Redis SIGKILLed and started again, empty.

Afterwards it counts, and exits 1 if any fails:
- answers of 500 or more outside the fault windows it prints (requests that got no answer at
  all are listed too);
- every reminder recorded during the load sent exactly once: none left pending, every
  delivery sent in one attempt, and as many reminder e-mails written (distinct Message-IDs)
  as e-mail deliveries sent — the one e-mail in flight when the Celery worker is killed may be
  written twice, with the same Message-ID; more copies fail;
- every acknowledged create (201) present, once.

Deadlines to remind about come from a feeder: every 30 s it records ten petitions whose
deadline falls in a reminder window today, and beat's sweep finds them. Beat's sweep runs
every 60 s here instead of every 15 minutes and reminders left pending 3 minutes (instead of
10) are re-enqueued — the jobs lost with Redis come back within the run; everything else is
the production configuration (visibility timeout 240 s unless --visibility-timeout).

    .venv/bin/python bench/soak.py                  # 15 minutes
    .venv/bin/python bench/soak.py --minutes 1      # CI size

The database (default danvan_soak, --database-url) is DROPPED and created, and dropped again
at the end (--keep-database to look at it). Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/danvan_soak")
    parser.add_argument("--redis-port", type=int, default=6413)
    parser.add_argument("--port", type=int, default=8212, help="gunicorn's port")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument(
        "--visibility-timeout",
        type=int,
        default=None,
        help="BROKER_VISIBILITY_TIMEOUT for this run (default: the production default, 240 s)",
    )
    parser.add_argument("--keep-database", action="store_true")
    return parser.parse_args()


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="danvan-soak-"))
        self.redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
        self.mail = self.work / "mail"
        self.mail.mkdir()
        self.events = self.work / "events.jsonl"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.windows: list[tuple[str, float, float]] = []
        self.t0 = 0.0
        self.fed = 0
        self.stop_feeding = threading.Event()
        self.feeder: threading.Thread | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "danvan.settings.production",
            "DANVAN_VAR_DIR": str(self.work / "var"),
            "DATABASE_URL": args.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "FIELD_HASH_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_URL": f"filemail:///{self.mail}",  # four slashes: an absolute path
            "SECURE_SSL_REDIRECT": "false",
            # 20 simulated people share one address; in an office they would be 20.
            "LOGIN_THROTTLE_RATE": "1000/min",
            "CREATE_THROTTLE_RATE": "100000/min",
            "REMINDER_STALE_MINUTES": "3",
            "SOAK_EVENTS": str(self.events),
            "PYTHONPATH": str(ROOT),
        }
        from cryptography.fernet import Fernet

        self.env["FIELD_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
        if args.visibility_timeout:
            self.env["BROKER_VISIBILITY_TIMEOUT"] = str(args.visibility_timeout)
            limit = max(args.visibility_timeout - 10, 5)
            self.env["CELERY_TASK_TIME_LIMIT"] = str(limit)
        (self.work / "var").mkdir()

    # --- processes -------------------------------------------------------------------------
    def log(self, message: str) -> None:
        stamp = f"{time.time() - self.t0:7.1f}s" if self.t0 else "  setup"
        print(f"[{stamp}] {message}", flush=True)

    def spawn(self, name: str, command: list[str], **extra: Any) -> subprocess.Popen[bytes]:
        out = open(self.work / f"{name}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **extra,
        )
        self.procs[name] = process
        return process

    def manage(self, *command: str) -> str:
        result = subprocess.run(
            [PY, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode:
            raise SystemExit(
                f"manage.py {' '.join(command)} failed:\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def psql(self, sql: str) -> None:
        server = self.args.database_url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", server, "-qc", sql], check=True, timeout=120)

    def start_redis(self) -> None:
        self.spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.args.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        wait(lambda: _connects(self.args.redis_port), 20, "redis-server")

    def start_worker(self, name: str = "worker") -> None:
        self.spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "danvan",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "--loglevel=INFO",
                f"--hostname={name}-{time.time():.0f}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        log = self.work / f"{name}.log"
        wait(lambda: log.exists() and " ready." in log.read_text(errors="replace"), 90, name)

    def kill_group(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.procs.get(name)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    # --- the run ---------------------------------------------------------------------------
    def prepare(self) -> None:
        db = self.args.database_url.rsplit("/", 1)[1]
        self.log(f"database {db} (dropped and created), redis-server on {self.args.redis_port}")
        self.psql(f'DROP DATABASE IF EXISTS "{db}"')
        self.psql(f'CREATE DATABASE "{db}"')
        self.start_redis()
        self.manage("migrate", "-v", "0")
        self.manage("seed")
        self.manage("demo_accounts")
        self.env["LOCUST_PASSWORD"] = (self.work / "var" / "demo-password.txt").read_text().strip()
        self.django()
        from django_celery_beat.models import IntervalSchedule, PeriodicTask

        every_minute, _ = IntervalSchedule.objects.get_or_create(
            every=60, period=IntervalSchedule.SECONDS
        )
        swept = PeriodicTask.objects.filter(task="danvan.notify.jobs.sweep_reminders").update(
            interval=every_minute, crontab=None
        )
        assert swept == 1, "the seeded sweep schedule is missing"
        from danvan.org.models import User

        # Reminders go by e-mail too, so the e-mails written can be counted.
        for user in User.objects.filter(email=""):
            User.objects.filter(pk=user.pk).update(email=f"{user.username}@soak.invalid")

    def django(self) -> None:
        os.environ.update({k: v for k, v in self.env.items() if k != "PYTHONPATH"})
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def feed(self) -> None:
        """Every 30 s, ten petitions whose deadline is due for a reminder today."""
        from django.db import close_old_connections
        from django.utils import timezone

        from danvan.notify.models import ReminderStage
        from danvan.notify.policy import windows
        from danvan.org.models import Membership, User
        from petitions.models import Petition, PetitionKind, Status

        handler = User.objects.get(username="xuly.dilinh")
        membership = Membership.objects.filter(user=handler).select_related("unit").first()
        assert membership is not None, "the demo handler has no unit"
        unit = membership.unit
        while not self.stop_feeding.is_set():
            today = timezone.localdate()
            stages = list(ReminderStage.objects.filter(subject="petition", is_active=True))
            found = windows(stages, today)[:2]
            for _ in range(5):
                for window in found:
                    self.fed += 1
                    Petition.objects.create(
                        code=f"SOAK-{self.fed:06d}",
                        received_on=today.replace(day=1),
                        channel="post",
                        kind=PetitionKind.COMPLAINT,
                        summary=f"Đơn thử nghiệm {self.fed}",
                        location_unit=unit,
                        receiving_unit=unit,
                        handling_unit=unit,
                        assignee=handler,
                        status=Status.ACCEPTED,
                        clock_stage="resolve",
                        due_date=window.first,
                    )
            close_old_connections()
            self.stop_feeding.wait(30)

    def fault(self, name: str, action: Any, recovered: Any) -> None:
        started = time.time()
        self.log(f"FAULT {name}")
        action()
        wait(recovered, 180, f"recovery from {name}")
        ended = time.time() + 5  # the breakers retry every 5 s
        self.windows.append((name, started - self.t0, ended - self.t0))
        self.log(f"recovered from {name}")

    def gunicorn_workers(self) -> list[int]:
        import psutil

        master = psutil.Process(self.procs["gunicorn"].pid)
        return [child.pid for child in master.children()]

    def kill_a_gunicorn_worker(self) -> None:
        before = self.gunicorn_workers()
        os.kill(before[0], signal.SIGKILL)
        self.wait_gunicorn = lambda: (
            len(self.gunicorn_workers()) == self.args.gunicorn_workers
            and before[0] not in self.gunicorn_workers()
            and _ok(f"http://127.0.0.1:{self.args.port}/healthz/live")
        )

    def run(self) -> int:
        args = self.args
        self.prepare()
        self.spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "danvan.wsgi",
                "-c",  # production's request limits, as the Procfile starts it
                "deploy/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.gunicorn_workers),
                "--log-level",
                "warning",
            ],
        )
        wait(lambda: _ok(f"http://127.0.0.1:{args.port}/healthz"), 60, "gunicorn")
        self.start_worker()
        self.spawn("beat", [str(BIN / "celery"), "-A", "danvan", "beat", "--loglevel=INFO"])
        seconds = int(args.minutes * 60)
        self.log(f"load: {args.users} people for {seconds} s")
        self.t0 = time.time()
        feeder = self.feeder = threading.Thread(target=self.feed, daemon=True)
        feeder.start()
        locust = self.spawn(
            "locust",
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "soak_locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(args.users),
                "-r",
                "5",
                "-t",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(self.work / "load"),
            ],
        )
        schedule = [
            (
                0.25,
                "gunicorn worker SIGKILL",
                self.kill_a_gunicorn_worker,
                lambda: self.wait_gunicorn(),
            ),
            (
                0.45,
                "Celery worker process group SIGKILL, new worker",
                self.crash_worker,
                lambda: True,
            ),
            (
                0.65,
                "Redis SIGKILL and restart (empty)",
                self.crash_redis,
                lambda: _connects(args.redis_port),
            ),
        ]
        for at, name, action, recovered in schedule:
            delay = self.t0 + at * seconds - time.time()
            if delay > 0:
                time.sleep(delay)
            self.fault(name, action, recovered)
        try:
            locust.wait(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            self.kill_group("locust")
        load_end = time.time()
        self.stop_feeding.set()
        feeder.join(timeout=30)
        self.log("load over; waiting for the reminders of the window to be delivered")
        return self.count(load_end)

    def crash_worker(self) -> None:
        self.kill_group("worker")
        time.sleep(5)
        self.start_worker("worker2")

    def crash_redis(self) -> None:
        self.kill_group("redis")
        time.sleep(5)
        self.start_redis()

    # --- the counts ------------------------------------------------------------------------
    def count(self, load_end: float) -> int:
        from datetime import UTC, datetime

        from django.db import close_old_connections
        from django.db.models import Count
        from django.utils import timezone

        from danvan.core.models import QueuedJob
        from danvan.notify.models import Channel, Delivery, Reminder, ReminderStatus
        from petitions.models import Petition

        start = datetime.fromtimestamp(self.t0, tz=UTC)
        end = datetime.fromtimestamp(load_end, tz=UTC)
        in_window = Reminder.objects.filter(created_at__gte=start, created_at__lte=end)

        def open_reminders() -> int:
            close_old_connections()
            now = timezone.now()
            deferred = Delivery.objects.filter(sent_at__isnull=True, not_before__gt=now)
            return (
                in_window.filter(status=ReminderStatus.PENDING)
                .exclude(pk__in=deferred.values("reminder_id"))
                .count()
            )

        visibility = int(self.env.get("BROKER_VISIBILITY_TIMEOUT", 240))
        bound = time.time() + visibility + 300
        while open_reminders() and time.time() < bound:
            time.sleep(5)
        waited = time.time() - load_end
        pending = open_reminders()
        for name in ("beat", "worker", "worker2"):
            self.kill_group(name, signal.SIGTERM)
        close_old_connections()

        failures: list[str] = []
        # 1. Answers of 500 or more, and requests without an answer, against the windows.
        records = [json.loads(line) for line in self.events.read_text().splitlines() if line]
        errors = [r for r in records if r["kind"] == "error"]
        outside_5xx = []
        print("\n== fault windows (seconds from the start of the load)")
        for name, a, b in self.windows:
            print(f"  {a:7.1f} – {b:7.1f}  {name}")
        print("\n== answers of 500 or more, and requests without an answer")
        for r in errors:
            t = r["t"] - self.t0
            inside = next((n for n, a, b in self.windows if a - 1 <= t <= b), None)
            where = f"inside '{inside}'" if inside else "OUTSIDE every window"
            print(f"  {t:7.1f}s {r['status'] or 'no answer'} {r['request']} ({where}) {r['error']}")
            if r["status"] >= 500 and not inside:
                outside_5xx.append(r)
        if not errors:
            print("  none")
        if outside_5xx:
            failures.append(f"{len(outside_5xx)} answers of 5xx outside the fault windows")
        # 2. Reminders of the window: each sent, once.
        reminders = in_window.count()
        by_status = dict(in_window.values_list("status").annotate(n=Count("id")))
        deliveries = Delivery.objects.filter(reminder__in=in_window)
        unsent = deliveries.filter(sent_at__isnull=True).count()
        deferred = deliveries.filter(sent_at__isnull=True, not_before__gt=timezone.now()).count()
        repeated = deliveries.filter(attempts__gt=1).count()
        email_sent = Delivery.objects.filter(channel=Channel.EMAIL, sent_at__isnull=False).count()
        emails_written, copies = _count_emails(self.mail)
        print("\n== reminders recorded during the load")
        print(f"  petitions fed with a deadline due for a reminder: {self.fed}")
        print(
            f"  reminders: {reminders} {by_status}; deliveries {deliveries.count()}, "
            f"unsent {unsent} (deferred by quiet hours {deferred}), more than one attempt "
            f"{repeated}; waited {waited:.0f} s after the load"
        )
        print(
            f"  e-mail deliveries sent (whole run) {email_sent}, reminder e-mails written "
            f"{emails_written} (distinct Message-IDs; {copies} written again with the same "
            "Message-ID after a killed worker)"
        )
        if reminders == 0:
            failures.append("no reminder was recorded during the load: nothing was tested")
        if pending:
            failures.append(f"{pending} reminders still pending {waited:.0f} s after the load")
        if unsent - deferred:
            failures.append(f"{unsent - deferred} deliveries not sent")
        if repeated:
            failures.append(f"{repeated} deliveries took more than one attempt")
        if emails_written != email_sent:
            failures.append(f"{emails_written} e-mails written for {email_sent} sent deliveries")
        if copies > 1:
            # One e-mail can be in flight when the Celery worker is killed; more is a fault.
            failures.append(f"{copies} e-mails written again")
        # 3. Acknowledged creates.
        created = [r for r in records if r["kind"] == "created"]
        acknowledged = {(r["id"], r["code"]) for r in created}
        stored = set(
            Petition.objects.filter(pk__in=[r["id"] for r in created]).values_list("pk", "code")
        )
        print("\n== acknowledged creates (201)")
        print(
            f"  {len(created)} acknowledged, {len(acknowledged)} distinct, "
            f"{len(stored & acknowledged)} present with the id and code they were answered with"
        )
        if not (len(created) == len(acknowledged) == len(stored & acknowledged)):
            failures.append("an acknowledged create is missing or was answered twice")
        unsent_jobs = QueuedJob.objects.filter(sent_at__isnull=True).count()
        print(f"\n== job outbox: {QueuedJob.objects.count()} jobs, {unsent_jobs} unsent at the end")
        self.summary()
        print("\n== result: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
        return 1 if failures else 0

    def summary(self) -> None:
        import csv

        stats = self.work / "load_stats.csv"
        if not stats.exists():
            print("\n(locust wrote no statistics)")
            return
        total = list(csv.DictReader(stats.open()))[-1]
        print(
            f"\n== load: {total['Request Count']} requests, {float(total['Requests/s']):.1f}/s, "
            f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, "
            f"failures {total['Failure Count']}"
        )

    def cleanup(self) -> None:
        self.stop_feeding.set()  # before its database goes
        if self.feeder is not None:
            self.feeder.join(timeout=30)
        for name in list(self.procs):
            self.kill_group(name, signal.SIGTERM)
        if not self.args.keep_database:
            with contextlib.suppress(Exception):  # Django may not be set up yet
                from django.db import connections

                connections.close_all()
            db = self.args.database_url.rsplit("/", 1)[1]
            try:
                self.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            except Exception as exc:
                print(f"could not drop {db}: {exc}")
        print(f"logs: {self.work}")


def _count_emails(folder: Path) -> tuple[int, int]:
    """(reminder e-mails as distinct Message-IDs, copies written more than once).

    The file backend writes each message followed by a line of 79 dashes. A worker SIGKILLed
    between handing an e-mail over and committing `sent_at` writes it again: the copy has the
    same Message-ID (mail servers and clients drop it), so it is counted once and reported."""
    seen: dict[str, int] = {}
    for path in folder.glob("*.log"):
        for message in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            found = re.search(r"^Message-ID: (\S+)", message, re.MULTILINE)
            if found and re.search(r"^X-Danvan-Reminder: ", message, re.MULTILINE):
                seen[found.group(1)] = seen.get(found.group(1), 0) + 1
    return len(seen), sum(n - 1 for n in seen.values())


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - 127.0.0.1
            return bool(response.status == 200)
    except Exception:
        return False


def wait(condition: Any, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what}: not ready within {seconds:.0f} s")


def main() -> int:
    args = parse()
    if shutil.which("redis-server") is None or shutil.which("psql") is None:
        raise SystemExit("needs redis-server and psql on PATH")
    # Another soak (or anything) on these ports: its redis-server would answer for ours and
    # the faults would hit nothing. Refuse before dropping any database.
    for port, what in ((args.redis_port, "--redis-port"), (args.port, "--port")):
        if _connects(port):
            raise SystemExit(f"{what} {port}: something already listens there")
    soak = Soak(args)

    def out_of_time(*_args: Any) -> None:
        raise TimeoutError("the soak ran past its bound")

    def terminated(signum: int, _frame: Any) -> None:
        # CI cancelled or `kill`: the children run in sessions of their own and would outlive
        # us; raising runs the `finally` below (processes stopped, database dropped).
        raise SystemExit(128 + signum)

    # Bounded: the load, the faults' recoveries, the wait for reminders, set-up and tear-down.
    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGHUP, terminated)
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.minutes * 60) + 1800)
    try:
        return soak.run()
    finally:
        signal.alarm(0)
        for sig in (signal.SIGTERM, signal.SIGHUP):  # a second signal must not cut it short
            signal.signal(sig, signal.SIG_IGN)
        soak.cleanup()


if __name__ == "__main__":
    sys.exit(main())
