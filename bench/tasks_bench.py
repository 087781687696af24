"""
Tasks: the task list through gunicorn beside its SQL floor, and cascading one task to all
3,321 communes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/tasks_bench.py [--runs 50] [--cascades 3] [--port 8393]

Run on the database bench/generate.py built. The list is timed first (so the cascades' new
rows do not change it), for the commune cadre of Xã Di Linh, the central administrator (all
tasks) and the Lâm Đồng province supervisor, median and p95 over `--runs` after a warm-up,
each path back to back in the same run:
- `api`: `GET /api/v1/tasks/?page_size=50` through gunicorn (3 sync workers, production
  settings) started by this script on 127.0.0.1:`--port` (Bearer access token signed with the
  server's key: nothing written to the database);
- `selector`: tasks.selectors.task_list_for + TaskSerializer in this process, no HTTP;
- two hand-written single SQL statements returning the same 50 rows with everything the list
  shows (units, assignments, roll-up), on their own psycopg connection with automatic
  server-side prepare off (`prepare_threshold=None`): `floor, ids first` (the subtree's unit
  ids given, the visible task ids gathered from the three unit indexes, then read by primary
  key) and `floor, newest first` (the primary key walked backwards, the scope tested on each
  row by joined unit paths). The faster is **the floor**, and the API's ratio to it is
  printed.
The ids of the API, the selector and both floors must agree (the run exits 1 otherwise).
EXPLAIN (ANALYZE, BUFFERS) of the selector's main statement and of the best floor are printed
and kept in the JSON.

Then `tasks.services.task_cascade` on new tasks led by the central unit: queries counted once
with CaptureQueriesContext, time measured on the other runs without it (capturing the SQL
text of 3,321-row INSERTs costs time of its own). The cascaded tasks, their assignments and
events are deleted at the end (`--cascades 0` to skip this part).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import agreement
from server import p95, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_bench")
# The API's tokens are signed here with the key the server gets: no sign-in, no row written.
os.environ["SECRET_KEY"] = secrets.token_urlsafe(64)

CADRE = "bench_cadre_25000"
ADMIN = "bench_admin"
SUPERVISOR = "bench_supervisor_68"
PERSONAS = [("commune cadre", CADRE), ("administrator", ADMIN), ("province supervisor", SUPERVISOR)]

SELECT = """
SELECT t.id, t.number, t.title, t.description, t.source_kind, t.conclusion_id, t.directive_id,
       t.period_start, t.due_on, t.period_label, t.priority, t.parent_id, t.recurrence,
       t.previous_occurrence_id, t.cancelled, t.cancel_reason, t.progress_percent,
       t.awaiting_approval, t.last_reported_at, t.completed_on, t.approved_at, t.client_id,
       t.version, t.created_at, t.updated_at,
       CASE WHEN t.cancelled THEN 'cancelled'
            WHEN t.completed_on IS NOT NULL AND (t.due_on IS NULL OR t.completed_on <= t.due_on)
                 THEN 'done_on_time'
            WHEN t.completed_on IS NOT NULL THEN 'done_late'
            WHEN t.due_on < %(today)s THEN 'overdue'
            WHEN t.progress_percent > 0 OR t.last_reported_at IS NOT NULL THEN 'in_progress'
            ELSE 'not_started' END AS status,
       iu.id, iu.code, iu.name, lu.id, lu.code, lu.name,
       (SELECT round(avg(c.progress_percent), 1) FROM tasks_task c
         WHERE c.parent_id = t.id AND c.deleted_at IS NULL AND NOT c.cancelled) AS rollup,
       (SELECT json_agg(json_build_array(a.id, a.role, a.due_on, a.report, a.reported_at,
                                         u.id, u.code, u.name) ORDER BY a.role, a.id)
          FROM tasks_taskassignment a JOIN org_unit u ON u.id = a.unit_id
         WHERE a.task_id = t.id) AS assignments
  FROM tasks_task t
  JOIN org_unit iu ON iu.id = t.issuing_unit_id
  JOIN org_unit lu ON lu.id = t.lead_unit_id
"""
FLOORS = {
    # The subtree's unit ids given (as the API reads them first); the visible ids gathered from
    # the (issuing_unit, id), (lead_unit, id) and (unit, task) indexes, read by primary key.
    "floor, ids first": SELECT
    + """
 WHERE t.deleted_at IS NULL AND t.id = ANY(ARRAY(
       SELECT id FROM tasks_task WHERE issuing_unit_id = ANY(%(ids)s)
       UNION ALL SELECT id FROM tasks_task WHERE lead_unit_id = ANY(%(ids)s)
       UNION ALL SELECT task_id FROM tasks_taskassignment WHERE unit_id = ANY(%(ids)s)))
 ORDER BY t.id DESC
 LIMIT 50
""",
    # Newest first, the scope tested on each row: what a wide scope wants.
    "floor, newest first": SELECT
    + """
 WHERE t.deleted_at IS NULL AND (iu.path LIKE %(path)s OR lu.path LIKE %(path)s OR EXISTS (
       SELECT 1 FROM tasks_taskassignment a JOIN org_unit u ON u.id = a.unit_id
        WHERE a.task_id = t.id AND u.path LIKE %(path)s))
 ORDER BY t.id DESC
 LIMIT 50
""",
}
VISIBLE = """
SELECT count(*) FROM tasks_task t WHERE t.deleted_at IS NULL AND t.id IN (
       SELECT id FROM tasks_task WHERE issuing_unit_id = ANY(%(ids)s)
       UNION SELECT id FROM tasks_task WHERE lead_unit_id = ANY(%(ids)s)
       UNION SELECT task_id FROM tasks_taskassignment WHERE unit_id = ANY(%(ids)s))
"""


def timed(fn: Callable[[], Any], *, runs: int, warmup: int = 5) -> list[float]:
    """Milliseconds per call after a warm-up; a path slower than 0.2 s gets 5 runs."""
    started = time.perf_counter()
    fn()
    if time.perf_counter() - started > 0.2:
        runs, warmup = min(runs, 5), 0
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def line(label: str, samples: list[float], extra: str = "") -> dict[str, Any]:
    med, top = statistics.median(samples), p95(samples)
    print(f"  {label:<28} median {med:7.2f} ms   p95 {top:7.2f} ms  (n={len(samples)}) {extra}")
    return {"median_ms": round(med, 2), "p95_ms": round(top, 2), "n": len(samples)}


def explain(raw: Any, sql: str, params: Any = None) -> str:
    with raw.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    total = next((r for r in plan.splitlines() if "Execution Time" in r), "")
    print(f"    {total.strip()}")
    return plan


def bench_list(runs: int, port: int, raw: Any) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from danvan.org.models import Unit, User
    from danvan.org.selectors import scope_paths
    from tasks import selectors
    from tasks.models import Task
    from tasks.serializers import TaskSerializer

    today = timezone.localdate()
    print(f"{Task.objects.count():,} tasks")
    out = []
    for persona, username in PERSONAS:
        user = User.objects.get(username=username)
        (path,) = scope_paths(user) or ["/"]
        ids = list(Unit.objects.filter(path__startswith=path).values_list("pk", flat=True))
        bearer = str(AccessToken.for_user(user))
        url = f"http://127.0.0.1:{port}/api/v1/tasks/?page_size=50"
        params = {"today": today, "path": path + "%", "ids": ids}
        with raw.cursor() as cursor:
            cursor.execute(VISIBLE, params)
            visible = cursor.fetchone()[0]
        print(f"\ntask list, page of 50, as the {persona} {username} ({path}: {visible:,} tasks)")

        def api(url: str = url, bearer: str = bearer) -> list[int]:
            headers = {"Authorization": f"Bearer {bearer}"}
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 (127.0.0.1)
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (127.0.0.1)
                return [row["id"] for row in json.loads(response.read())["results"]]

        def selector(user: Any = user) -> list[int]:
            fresh = User.objects.get(pk=user.pk)
            rows = selectors.task_list_for(fresh, today=today).order_by("-id")[:50]
            return [row["id"] for row in TaskSerializer(rows, many=True).data]

        def floor(sql: str, params: Any = params) -> Callable[[], list[int]]:
            def query() -> list[int]:
                with raw.cursor() as cursor:
                    cursor.execute(sql, params)
                    return [row[0] for row in cursor.fetchall()]

            return query

        def me(bearer: str = bearer) -> None:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/me/", headers={"Authorization": f"Bearer {bearer}"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()

        floors = {label: floor(sql) for label, sql in FLOORS.items()}
        answers = {"api": api(), "selector": selector()}
        answers.update({label: run() for label, run in floors.items()})
        same = agreement.record(
            f"task list as {username}", len({tuple(v) for v in answers.values()}) == 1
        )
        print(f"  rows: {len(answers['api'])}; api == selector == both floors: {same}")
        with CaptureQueriesContext(connection) as capture:
            selector()
        captured = list(capture.captured_queries)
        result: dict[str, Any] = {
            "persona": persona,
            "user": username,
            "scope": path,
            "units": len(ids),
            "visible": visible,
            "same_rows": same,
            "queries_selector": len(captured),
        }
        # Back to back, in the same run: the API, the selector, each floor.
        result["api"] = line("api (gunicorn)", timed(api, runs=runs))
        # What any authenticated request costs on this server (for reference, no ratio).
        result["me"] = line("GET /api/v1/me/ (gunicorn)", timed(me, runs=runs))
        result["selector"] = line(
            "selector + serializer", timed(selector, runs=runs), f"{len(captured)} queries"
        )
        for label, run in floors.items():
            result[label] = line(label, timed(run, runs=runs))
        best = min(FLOORS, key=lambda label: result[label]["median_ms"])
        result["floor"] = best
        result["ratio"] = round(result["api"]["median_ms"] / result[best]["median_ms"], 2)
        print(
            f"  API / best floor ({best}): {result['ratio']:.1f}x median; "
            f"API p95 {result['api']['p95_ms']:.1f} ms"
        )
        main_sql = max(captured, key=lambda q: len(q["sql"]))["sql"]
        print("  EXPLAIN (ANALYZE, BUFFERS) of the selector's main statement:")
        result["plan_selector"] = explain(raw, main_sql)
        print(f"  EXPLAIN (ANALYZE, BUFFERS) of the best floor ({best}):")
        result["plan_floor"] = explain(raw, FLOORS[best], params)
        out.append(result)
    return out


def bench_cascade(count: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from danvan.org.models import Unit, User
    from tasks.services import task_cascade, task_create

    admin = User.objects.get(username=ADMIN)
    central = Unit.objects.get(code="TW")
    seconds: list[float] = []
    queries = None
    made = []
    parents: list[int] = []
    try:
        for run in range(count):
            task = task_create(
                actor=admin,
                title=f"Báo cáo kết quả thực hiện Quy chế dân chủ ở cơ sở (bench {run})",
                issuing_unit=central,
                lead_unit=central,
            )
            parents.append(task.pk)
            actor = User.objects.get(pk=admin.pk)
            if run == 0:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    children = task_cascade(actor=actor, task=task)
                    elapsed = time.perf_counter() - started
                queries = len(captured)
                statements = [q["sql"][:90] for q in captured.captured_queries]
                print(f"\ncascade to every commune: {len(children):,} sub-tasks, {queries} queries")
                for sql in statements:
                    print(f"    {sql}")
                print(f"  run 1 (capturing SQL): {elapsed:.3f} s")
            else:
                started = time.perf_counter()
                children = task_cascade(actor=actor, task=task)
                elapsed = time.perf_counter() - started
                seconds.append(elapsed)
                print(f"  run {run + 1}: {elapsed:.3f} s ({len(children):,} sub-tasks)")
            made.append(len(children))
    finally:
        remove_cascades(parents)
    return {
        "subtasks": made,
        "queries": queries,
        "seconds": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3) if seconds else None,
    }


def remove_cascades(parents: list[int]) -> None:
    """Delete the benchmark's tasks, their sub-tasks, assignments and events."""
    from django.db import connection, transaction

    if not parents:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM tasks_task WHERE parent_id = ANY(%s) OR id = ANY(%s)",
            [parents, parents],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM tasks_taskevent WHERE task_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM tasks_taskassignment WHERE task_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM tasks_task WHERE parent_id = ANY(%s)", [parents])
        cursor.execute("DELETE FROM tasks_task WHERE id = ANY(%s)", [parents])
    print(f"  removed the {len(ids):,} benchmark tasks (with assignments and events)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--cascades", type=int, default=4)
    parser.add_argument("--port", type=int, default=8393)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--json", default="/tmp/danvan_tasks_bench.json")  # noqa: S108
    args = parser.parse_args()
    import django
    import psycopg

    django.setup()
    url = os.environ["DATABASE_URL"]
    work = Path(tempfile.mkdtemp(prefix="danvan-tasks-bench-"))
    gunicorn = start_gunicorn(
        url, args.port, work, workers=args.workers, env={"SECRET_KEY": os.environ["SECRET_KEY"]}
    )

    def stop(*_: Any) -> None:
        if gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)

    def stopped(*_: Any) -> None:
        stop()
        sys.exit(1)

    signal.signal(signal.SIGTERM, stopped)
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    try:
        # The floors' own connection: no automatic server-side prepare.
        with psycopg.connect(url, autocommit=True, prepare_threshold=None) as raw:
            results["list"] = bench_list(args.runs, args.port, raw)
    finally:
        stop()
    results["load_after"] = os.getloadavg()
    results["cascade"] = bench_cascade(args.cascades)
    print(f"load average before {results['load_before']}, after the lists {results['load_after']}")
    print(f"\n{'task list, page of 50':<36} {'API med / p95':>16} {'best floor':>11} {'ratio':>6}")
    for row in results["list"]:
        print(
            f"{row['persona'] + ' (' + str(row['visible']) + ' tasks)':<36} "
            f"{row['api']['median_ms']:7.1f} / {row['api']['p95_ms']:6.1f} "
            f"{row[row['floor']]['median_ms']:11.2f} {row['ratio']:5.1f}x"
        )
    Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    print(f"\nresults (with full plans) in {args.json}")
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
