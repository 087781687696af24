"""
Reports on the benchmark database: annual statistics beside their raw SQL floor, and exports.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/reports_bench.py [--runs 20] [--year 2026] [--export-rows 100000]

Read-only: run it on the database bench/generate.py built (or any populated PostgreSQL
database with the benchmark users). It measures, after a warm-up, median and p95 of
- `figures`: reports.figures.petition_report (totals + by kind, field, channel, child unit;
  the same call the /api/v1/reports/petitions/ endpoint makes), for the Lâm Đồng province
  supervisor (province 68) and for the central administrator (the whole country);
- `floor`: the same five aggregates (totals; by kind, channel, field, child unit) as
  hand-written SQL, run through a raw cursor; the totals and the per-child counts are
  compared for equality with the figures;
then the export of `--export-rows` petitions (whole country, every date) to xlsx and CSV,
each in a fresh process: wall time and the resident memory before and at its peak
(ru_maxrss), which stays flat as the row count grows because rows are read 2,000 at a time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import agreement

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_bench")

SUPERVISOR = "bench_supervisor_68"
ADMIN = "bench_admin"


def timed(fn: Callable[[], Any], *, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def line(label: str, samples: list[float], extra: str = "") -> dict[str, Any]:
    med, top = statistics.median(samples), p95(samples)
    print(f"  {label:<44} median {med:9.2f} ms   p95 {top:9.2f} ms  (n={len(samples)}) {extra}")
    return {"label": label, "median_ms": round(med, 2), "p95_ms": round(top, 2), "n": len(samples)}


FLOOR_TOTALS = """
SELECT count(*),
       count(*) FILTER (WHERE p.status <> 'received'),
       count(*) FILTER (WHERE p.status IN ('resolved','guided','papers_returned','filed','closed')),
       count(*) FILTER (WHERE p.status IN ('resolved','guided','papers_returned','filed','closed')
                          AND p.finished_on_time),
       count(*) FILTER (WHERE p.status IN ('received','transferred','accepted','under_resolution')
                          AND p.due_date < %(today)s)
FROM petitions_petition p JOIN org_unit u ON u.id = p.handling_unit_id
WHERE u.path LIKE %(prefix)s AND p.received_on BETWEEN %(start)s AND %(end)s
  AND p.deleted_at IS NULL
"""
FLOOR_GROUPED = """
SELECT {column}, count(*),
       count(*) FILTER (WHERE p.status IN ('resolved','guided','papers_returned','filed','closed')
                          AND p.finished_on_time)
FROM petitions_petition p JOIN org_unit u ON u.id = p.handling_unit_id
WHERE u.path LIKE %(prefix)s AND p.received_on BETWEEN %(start)s AND %(end)s
  AND p.deleted_at IS NULL
GROUP BY 1
"""
FLOOR_BY_CHILD = """
SELECT substring(u.path FROM 1 FOR %(len)s + strpos(substring(u.path FROM %(len)s + 1), '/')),
       count(*)
FROM petitions_petition p JOIN org_unit u ON u.id = p.handling_unit_id
WHERE u.path LIKE %(prefix)s AND p.received_on BETWEEN %(start)s AND %(end)s
  AND p.deleted_at IS NULL
GROUP BY 1
"""


def bench_statistics(runs: int, year: int, today: date) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext as QueryCounter

    from danvan.org.models import Unit, User
    from reports.figures import petition_report
    from reports.periods import Period

    period = Period("year", date(year, 1, 1), date(year, 12, 31))
    results = []
    for username, unit in (
        (SUPERVISOR, Unit.objects.get(code="68")),
        (ADMIN, Unit.objects.get(parent__isnull=True, path="/TW/")),
    ):
        user = User.objects.get(username=username)
        report = petition_report(user, unit=unit, period=period, today=today)
        with QueryCounter(connection) as queries:
            petition_report(user, unit=unit, period=period, today=today)
        params = {
            "prefix": unit.path + "%",
            "start": period.start,
            "end": period.end,
            "today": today,
            "len": len(unit.path),
        }

        def floor(params: dict[str, Any] = params) -> tuple[Any, Any]:
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_TOTALS, params)
                totals = cursor.fetchone()
                for column in ("p.kind", "p.channel", "p.field_id"):
                    cursor.execute(FLOOR_GROUPED.replace("{column}", column), params)
                    cursor.fetchall()
                cursor.execute(FLOOR_BY_CHILD, params)
                return totals, cursor.fetchall()

        totals, by_child = floor()
        t = report.totals
        same = totals == (
            t["received"],
            t["processed"],
            t["resolved"],
            t["resolved_on_time"],
            t["overdue"],
        ) and sum(c for _p, c in by_child) == sum(r["received"] for r in report.by_unit)
        agreement.record(f"statistics of {unit.name} as {username}", same)
        print(
            f"{unit.name} ({username}), year {year}: {t['received']:,} petitions received, "
            f"{len(queries)} queries, on-time rate {t['on_time_rate']}%, floor agrees: {same}"
        )

        def call(user: Any = user, unit: Any = unit) -> None:
            petition_report(user, unit=unit, period=period, today=today)

        results.append(
            {
                "unit": unit.name,
                "received": t["received"],
                "queries": len(queries),
                "floor_agrees": same,
                "figures": line("figures (totals + 4 breakdowns)", timed(call, runs=runs)),
                "floor": line(
                    "floor (5 raw SQL aggregates, same groupings)", timed(floor, runs=runs)
                ),
            }
        )
    return results


def export_once(file_format: str, rows: int, today: date) -> dict[str, Any]:
    """One export in this process: wall time and the growth of the resident set (ru_maxrss)."""
    import resource

    from danvan.org.models import Unit, User
    from reports import exports

    user = User.objects.get(username=ADMIN)
    unit = Unit.objects.get(path="/TW/")

    def run(limit: int) -> int:
        queryset = exports.petition_export_queryset(
            user, unit=unit, period=None, params={}, today=today
        )[:limit]
        header, data = exports.petition_header(), exports.petition_rows(queryset, today=today)
        if file_format == "xlsx":
            handle, count = exports.xlsx_file(header, data, title="Petitions")
            handle.close()
            return count
        return sum(len(chunk) for chunk in exports.csv_stream(header, data, lambda n: None))

    run(500)  # warm-up: imports, caches, one chunk's worth of objects
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    run(rows)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "format": file_format,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "rss_baseline_mb": round(baseline, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_growth_mb": round(peak - baseline, 1),
    }


def bench_export(rows: int, today: date, formats: list[str]) -> list[dict[str, Any]]:
    """Each export in a fresh process, so one's high-water mark does not hide the other's."""
    import subprocess

    results = []
    for file_format in formats:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--export-one",
                file_format,
                "--export-rows",
                str(rows),
                "--today",
                today.isoformat(),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"  export {rows:,} petitions to {file_format}: {result['seconds']} s "
            f"({result['rows_per_second']:,} rows/s), resident memory {result['rss_baseline_mb']} "
            f"-> {result['rss_peak_mb']} MB (+{result['rss_growth_mb']} MB)"
        )
        results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-statistics", action="store_true")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--export-one", choices=["xlsx", "csv"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    today = args.today or timezone.localdate()
    if args.export_one:
        print(json.dumps(export_once(args.export_one, args.export_rows, today)))
        return
    year = args.year or today.year
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM petitions_petition")
        total = cursor.fetchone()[0]
    print(f"{total:,} petitions in the database; load average {os.getloadavg()}")
    out: dict[str, Any] = {"petitions": total, "year": year, "today": today.isoformat()}
    if not args.skip_statistics:
        out["statistics"] = bench_statistics(args.runs, year, today)
    if not args.skip_export:
        out["export"] = bench_export(args.export_rows, today, args.formats.split(","))
    target = Path("/tmp/danvan_reports_bench.json")  # noqa: S108
    target.write_text(json.dumps(out, indent=2, default=str))
    print("written to /tmp/danvan_reports_bench.json")
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
