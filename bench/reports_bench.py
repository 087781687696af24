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
then the export of `--export-rows` petitions (whole country, received up to yesterday) to
xlsx and CSV beside its floor in the same run, `--export-runs` times alternately, each in a
fresh process: for CSV `COPY (EXPORT_FLOOR) TO STDOUT`, for xlsx the same statement through
a server-side cursor into openpyxl's write-only mode; median wall times, their ratio, the
resident memory before and at its peak (ru_maxrss), and whether export and floor gave the
same petitions in the same order.
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
from datetime import date, timedelta
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


# The export's floor: one hand-written statement returning the same rows and columns as the
# export (the petitioners' name, CCCD and phone as stored, encrypted: SQL cannot decrypt),
# the whole country, newest first, as the export of the central administrator reads them,
# received up to `until` (yesterday): the petitions other benches create while this one runs
# are today's, encrypted with their own server's keys, and come and go.
EXPORT_FLOOR = """
SELECT p.code, p.received_on, p.kind, f.name, p.channel, p.summary,
       pp.names, pp.citizen_ids, pp.phones,
       ru.name, hu.name, lu.name, p.status, p.due_date, p.finished_on, p.finished_on_time
FROM (SELECT p.* FROM petitions_petition p JOIN org_unit hu ON hu.id = p.handling_unit_id
      WHERE p.deleted_at IS NULL AND hu.path LIKE '/TW/%%' AND p.received_on <= %(until)s
      ORDER BY p.received_on DESC, p.id DESC LIMIT %(rows)s) p
JOIN org_unit hu ON hu.id = p.handling_unit_id
JOIN org_unit ru ON ru.id = p.receiving_unit_id
JOIN org_unit lu ON lu.id = p.location_unit_id
LEFT JOIN petitions_petitionfield f ON f.id = p.field_id
LEFT JOIN LATERAL (
    SELECT string_agg(pe.full_name, '; ' ORDER BY x.position, x.id) AS names,
           string_agg(pe.citizen_id, '; ' ORDER BY x.position, x.id) AS citizen_ids,
           string_agg(pe.phone, '; ' ORDER BY x.position, x.id) AS phones
    FROM petitions_petitionpetitioner x JOIN petitions_petitioner pe ON pe.id = x.petitioner_id
    WHERE x.petition_id = p.id) pp ON true
ORDER BY p.received_on DESC, p.id DESC
"""


def _codes_digest(codes: Any) -> str:
    import hashlib

    digest = hashlib.sha256()
    for code in codes:
        digest.update(code.encode() + b"\n")
    return digest.hexdigest()[:16]


def export_once(kind: str, rows: int, today: date) -> dict[str, Any]:
    """
    One export, or one floor, in this process: wall time, the resident set before it (after
    Django's setup and a 500-row warm-up) and at its peak (ru_maxrss), and a digest of the
    petition codes in order (taken after the timing) so the parent can compare export and
    floor. `kind`: xlsx, csv (the export's own functions), copy (COPY of EXPORT_FLOOR to
    STDOUT), write-only (EXPORT_FLOOR through a server-side cursor into openpyxl's
    write-only mode, saved to a temporary file).
    """
    import resource
    import tempfile

    from django.db import connection
    from openpyxl import Workbook

    from danvan.org.models import Unit, User
    from reports import exports

    user = User.objects.get(username=ADMIN)
    unit = Unit.objects.get(path="/TW/")

    until = today - timedelta(days=1)

    def queryset(limit: int) -> Any:
        return exports.petition_export_queryset(
            user, unit=unit, period=None, params={"received_to": until.isoformat()}, today=today
        )[:limit]

    def run(limit: int) -> int:
        if kind == "copy":
            size = 0
            with connection.cursor() as cursor:
                statement = cursor.mogrify(EXPORT_FLOOR, {"rows": limit, "until": until})
                with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
                    for block in copy:
                        size += len(block)
                return int(cursor.cursor.rowcount)  # COPY's own count of rows sent
        if kind == "write-only":
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(title="Petitions")
            count = 0
            with connection.chunked_cursor() as cursor:
                cursor.execute(EXPORT_FLOOR, {"rows": limit, "until": until})
                while block := cursor.fetchmany(exports.CHUNK_SIZE):
                    for row in block:
                        sheet.append(row)
                    count += len(block)
            with tempfile.TemporaryFile(suffix=".xlsx") as target:
                workbook.save(target)
            return count
        header = exports.petition_header()
        data = exports.petition_rows(queryset(limit), today=today)
        if kind == "xlsx":
            handle, count = exports.xlsx_file(header, data, title="Petitions")
            handle.close()
            return count
        counted: list[int] = []
        for _chunk in exports.csv_stream(header, data, counted.append):
            pass
        return counted[0]

    run(500)  # warm-up: imports, caches, one chunk's worth of objects
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    count = run(rows)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if kind in ("copy", "write-only"):
        with connection.cursor() as cursor:
            statement = f"SELECT code FROM ({EXPORT_FLOOR}) floor"
            cursor.execute(statement, {"rows": rows, "until": until})
            digest = _codes_digest(code for (code,) in cursor.fetchall())
    else:
        codes = queryset(rows).prefetch_related(None).values_list("code", flat=True)
        digest = _codes_digest(codes.iterator(chunk_size=exports.CHUNK_SIZE))
    return {
        "kind": kind,
        "rows": count,
        "seconds": round(seconds, 2),
        "rows_per_second": round(count / seconds),
        "rss_baseline_mb": round(baseline, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_growth_mb": round(peak - baseline, 1),
        "codes": digest,
    }


def _export_in_subprocess(kind: str, rows: int, today: date) -> dict[str, Any]:
    """In a fresh process, so one's high-water mark does not hide another's."""
    import subprocess

    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--export-one",
            kind,
            "--export-rows",
            str(rows),
            "--today",
            today.isoformat(),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {kind} export of {rows} rows failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


FLOORS = {"csv": "copy", "xlsx": "write-only"}


def bench_export(rows: int, today: date, formats: list[str], runs: int) -> list[dict[str, Any]]:
    """
    Each export beside its floor in the same run, each in a fresh process, `runs` times
    alternately (export, floor, export, floor, …); the medians, their ratio and the highest
    peak resident set of each.
    """
    results = []
    for file_format in formats:
        floor_kind = FLOORS[file_format]
        samples: dict[str, list[dict[str, Any]]] = {file_format: [], floor_kind: []}
        for _ in range(runs):
            for kind in (file_format, floor_kind):
                samples[kind].append(_export_in_subprocess(kind, rows, today))
        summary: dict[str, Any] = {"format": file_format, "rows": rows, "runs": runs}
        for kind, name in ((file_format, "export"), (floor_kind, "floor")):
            done = samples[kind]
            summary[name] = {
                "kind": kind,
                "seconds": [r["seconds"] for r in done],
                "median_seconds": round(statistics.median(r["seconds"] for r in done), 2),
                "rss_baseline_mb": max(r["rss_baseline_mb"] for r in done),
                "rss_peak_mb": max(r["rss_peak_mb"] for r in done),
                "rss_growth_mb": max(r["rss_growth_mb"] for r in done),
            }
        export, floor = summary["export"], summary["floor"]
        summary["ratio"] = round(export["median_seconds"] / floor["median_seconds"], 2)
        # Each export beside the floor run right after it: on a shared machine whose load
        # drifts, the median of these pairs is the steadier figure.
        pairs = [
            e["seconds"] / f["seconds"]
            for e, f in zip(samples[file_format], samples[floor_kind], strict=True)
        ]
        summary["paired_ratio"] = round(statistics.median(pairs), 2)
        same = {(r["rows"], r["codes"]) for r in samples[file_format] + samples[floor_kind]}
        summary["floor_agrees"] = agreement.record(
            f"export of {rows} rows to {file_format}",
            (len(same) == 1 and next(iter(same))[0] == rows),
        )
        for name, result in (("export", export), (f"floor ({floor_kind})", floor)):
            print(
                f"  {rows:,} petitions to {file_format}, {name:<22} median "
                f"{result['median_seconds']:7.2f} s {result['seconds']}, resident memory "
                f"{result['rss_baseline_mb']} -> {result['rss_peak_mb']} MB "
                f"(+{result['rss_growth_mb']} MB)"
            )
        print(
            f"  {file_format}: export / floor = {summary['ratio']}x (medians), "
            f"{summary['paired_ratio']}x (median of the {runs} pairs); same {rows:,} rows in "
            f"the same order: {summary['floor_agrees']}"
        )
        results.append(summary)
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
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument(
        "--export-one", choices=["xlsx", "csv", "copy", "write-only"], help=argparse.SUPPRESS
    )
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
        out["export"] = bench_export(
            args.export_rows, today, args.formats.split(","), args.export_runs
        )
    target = Path("/tmp/danvan_reports_bench.json")  # noqa: S108
    target.write_text(json.dumps(out, indent=2, default=str))
    print("written to /tmp/danvan_reports_bench.json")
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
