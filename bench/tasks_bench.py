"""
Tasks: cascading one task to all 3,321 communes, and the task list over 100,000 tasks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/tasks_bench.py [--runs 50] [--cascades 3]

Run on the database bench/generate.py built. The list is timed first (so the cascades'
new rows do not change it): the real endpoint in-process (APIClient, Bearer token), the
selector + serializer, the selector's SQL replayed raw, and a hand-written SQL floor that
returns the same rows (ids compared), for the central administrator (all tasks) and the
Lâm Đồng province supervisor. Then `tasks.services.task_cascade` on new tasks led by the
central unit: queries counted once with CaptureQueriesContext, time measured on the other
runs without it (capturing the SQL text of 3,321-row INSERTs costs time of its own).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import agreement
from petitions_bench import bootstrap, explain, line, replay, timed

ADMIN = "bench_admin"
SUPERVISOR = "bench_supervisor_68"

FLOOR = """
SELECT t.id, t.number, t.title, t.description, t.source_kind, t.conclusion_id, t.directive_id,
       t.period_start, t.due_on, t.period_label, t.priority, t.parent_id, t.recurrence,
       t.previous_occurrence_id, t.cancelled, t.cancel_reason, t.progress_percent,
       t.awaiting_approval, t.last_reported_at, t.completed_on, t.approved_at, t.client_id,
       t.version, t.created_at, t.updated_at,
       CASE WHEN t.cancelled THEN 'cancelled'
            WHEN t.completed_on IS NOT NULL AND (t.due_on IS NULL OR t.completed_on <= t.due_on)
                 THEN 'done_on_time'
            WHEN t.completed_on IS NOT NULL THEN 'done_late'
            WHEN t.due_on < %s THEN 'overdue'
            WHEN t.progress_percent > 0 OR t.last_reported_at IS NOT NULL THEN 'in_progress'
            ELSE 'not_started' END AS status,
       iu.id, iu.code, iu.name, lu.id, lu.code, lu.name,
       (SELECT round(avg(c.progress_percent), 1) FROM tasks_task c
         WHERE c.parent_id = t.id AND c.deleted_at IS NULL AND NOT c.cancelled) AS rollup,
       (SELECT json_agg(json_build_array(a.id, a.role, a.due_on, u.id, u.code, u.name)
                        ORDER BY a.role, a.id)
          FROM tasks_taskassignment a JOIN org_unit u ON u.id = a.unit_id
         WHERE a.task_id = t.id) AS assignments
  FROM tasks_task t
  JOIN org_unit iu ON iu.id = t.issuing_unit_id
  JOIN org_unit lu ON lu.id = t.lead_unit_id
 WHERE t.deleted_at IS NULL AND (iu.path LIKE %s OR lu.path LIKE %s OR EXISTS (
       SELECT 1 FROM tasks_taskassignment a JOIN org_unit u ON u.id = a.unit_id
        WHERE a.task_id = t.id AND u.path LIKE %s))
 ORDER BY t.id DESC
 LIMIT 50
"""


def bench_list(runs: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from danvan.org.models import User
    from danvan.org.selectors import scope_paths
    from tasks import selectors
    from tasks.models import Task
    from tasks.serializers import TaskSerializer

    today = timezone.localdate()
    print(f"{Task.objects.count():,} tasks")
    out = []
    for username in (ADMIN, SUPERVISOR):
        user = User.objects.get(username=username)
        (path,) = scope_paths(user) or ["/"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM tasks_task t JOIN org_unit iu ON iu.id=t.issuing_unit_id "
                "JOIN org_unit lu ON lu.id=t.lead_unit_id WHERE iu.path LIKE %s OR "
                "lu.path LIKE %s",
                [path + "%"] * 2,
            )
            visible = cursor.fetchone()[0]
        print(f"\ntask list, page of 50, as {username} (scope {path}: {visible:,} tasks)")

        def api(client: Any = client) -> list[int]:
            response = client.get("/api/v1/tasks/?page_size=50")
            assert response.status_code == 200, response.content[:300]
            return [row["id"] for row in response.json()["results"]]

        def selector(user: Any = user) -> list[int]:
            fresh = User.objects.get(pk=user.pk)
            rows = selectors.task_list_for(fresh, today=today).order_by("-id")[:50]
            return [row["id"] for row in TaskSerializer(rows, many=True).data]

        params = (today, path + "%", path + "%", path + "%")

        def floor(params: Any = params) -> list[Any]:
            with connection.cursor() as cursor:
                cursor.execute(FLOOR, params)
                return cursor.fetchall()

        ids_api, ids_selector, ids_floor = api(), selector(), [r[0] for r in floor()]
        same = agreement.record(f"task list as {username}", ids_api == ids_selector == ids_floor)
        print(f"  rows: {len(ids_floor)}; api == selector == floor: {same}")
        with CaptureQueriesContext(connection) as capture:
            selector()
        # Copied now: every APIClient request resets connection.queries (request_started).
        captured = list(capture.captured_queries)
        with CaptureQueriesContext(connection) as capture_api:
            api()
        captured_api = list(capture_api.captured_queries)
        result: dict[str, Any] = {
            "user": username,
            "scope": path,
            "visible": visible,
            "same_rows": same,
            "queries_selector": len(captured),
            "queries_api": len(captured_api),
        }
        result["api"] = line(
            "api (GET, in-process)", timed(api, runs=runs), f"{result['queries_api']} queries"
        )
        result["selector"] = line(
            "selector + serializer",
            timed(selector, runs=runs),
            f"{result['queries_selector']} queries",
        )
        result["django_sql"] = line("django's SQL replayed raw", timed(replay(captured), runs=runs))
        result["floor"] = line("floor: one hand-written SQL", timed(floor, runs=runs))
        main_sql = max(captured, key=lambda q: len(q["sql"]))["sql"]
        print("  EXPLAIN of the selector's main query:")
        result["plan_django"] = explain(main_sql)
        print("  EXPLAIN of the floor:")
        result["plan_floor"] = explain(FLOOR, params)
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
    for run in range(count):
        task = task_create(
            actor=admin,
            title=f"Báo cáo kết quả thực hiện Quy chế dân chủ ở cơ sở (bench {run})",
            issuing_unit=central,
            lead_unit=central,
        )
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
    return {
        "subtasks": made,
        "queries": queries,
        "seconds": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3) if seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--cascades", type=int, default=4)
    parser.add_argument("--json", default="/tmp/danvan_tasks_bench.json")  # noqa: S108
    args = parser.parse_args()
    bootstrap()
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    results["list"] = bench_list(args.runs)
    results["cascade"] = bench_cascade(args.cascades)
    results["load_after"] = os.getloadavg()
    print(f"load average before {results['load_before']}, after {results['load_after']}")
    Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    print(f"\nresults (with full plans) in {args.json}")
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
