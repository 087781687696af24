"""
Reports on the benchmark database: annual statistics beside their raw SQL floor, and exports.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/reports_bench.py [--runs 20] [--year 2026] [--export-rows 100000]

Read-only: run it on the database bench/generate.py built (or any populated PostgreSQL
database with the benchmark users). It measures, after a warm-up, median and p95 of
- `floor`: every figure (totals, by kind, channel, field, child unit) in ONE hand-written
  statement, one pass over the rows with GROUPING SETS, through a raw cursor;
- `figures`: reports.figures.petition_report in-process (the call behind
  /api/v1/reports/petitions/), and `api`: that endpoint through gunicorn in production
  settings (3 sync workers, bench/server.py; `--stats-in-process` skips it), for the Lâm Đồng
  province supervisor (province 68) and for the central administrator (the whole country),
  timed in turns with the floor; each prints its ratio to the floor, and its figures must
  equal the floor's, set by set (else the run fails);
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


# The floor: every figure in ONE hand-written statement, one pass over the cohort's rows
# (GROUPING SETS), each row's flags computed once. The figures' definitions, written out:
# processed = not "received"; resolved = a finished status; on time / late = finished with
# the recorded clock outcome true / false; open = an open status; overdue = a running status
# with its deadline before today; days = finished_on - received_on of the finished rows.
FLOOR_STATEMENT = """
SELECT GROUPING(s.kind, s.channel, s.field_id, s.child), s.kind, s.channel, s.field_id, s.child,
       count(*),
       count(*) FILTER (WHERE s.processed),
       count(*) FILTER (WHERE s.finished),
       count(*) FILTER (WHERE s.finished AND s.on_time),
       count(*) FILTER (WHERE s.finished AND NOT s.on_time),
       count(*) FILTER (WHERE s.open),
       count(*) FILTER (WHERE s.overdue),
       sum(s.days), count(s.days)
FROM (SELECT p.kind, p.channel, p.field_id,
             substring(u.path FROM 1 FOR %(len)s + strpos(substring(u.path FROM %(len)s + 1), '/'))
                 AS child,
             p.status <> 'received' AS processed,
             p.status IN ('resolved','guided','papers_returned','filed','closed') AS finished,
             p.finished_on_time AS on_time,
             p.status IN ('received','transferred','accepted','under_resolution','suspended')
                 AS open,
             p.status IN ('received','transferred','accepted','under_resolution')
                 AND p.due_date < %(today)s AS overdue,
             CASE WHEN p.status IN ('resolved','guided','papers_returned','filed','closed')
                  THEN p.finished_on - p.received_on END AS days
      FROM petitions_petition p JOIN org_unit u ON u.id = p.handling_unit_id
      WHERE u.path LIKE %(prefix)s AND p.received_on BETWEEN %(start)s AND %(end)s
        AND p.deleted_at IS NULL) s
GROUP BY GROUPING SETS ((), (s.kind), (s.channel), (s.field_id), (s.child))
"""
FLOOR_SETS = {15: "totals", 7: "kind", 11: "channel", 13: "field", 14: "unit"}
METRICS = (
    "received",
    "processed",
    "resolved",
    "resolved_on_time",
    "resolved_late",
    "open",
    "overdue",
)


def floor_figures(rows: list[tuple[Any, ...]], unit_codes: dict[str, str]) -> dict[str, Any]:
    """The floor's rows as {set: {key: figures}} (the rate and average days as the API's)."""
    out: dict[str, Any] = {name: {} for name in FLOOR_SETS.values()}
    for grp, kind, channel, field, child, *values in rows:
        name = FLOOR_SETS[grp]
        key = {"totals": None, "kind": kind, "channel": channel, "field": field}.get(name)
        if name == "unit":
            key = unit_codes.get(child, child)
        counts = dict(zip(METRICS, values[:7], strict=True))
        denominator = counts["resolved"] + counts["overdue"]
        counts["on_time_rate"] = (
            round(100.0 * counts["resolved_on_time"] / denominator, 1) if denominator else None
        )
        days, timed = values[7], values[8]
        counts["avg_days_to_resolve"] = round(float(days) / timed, 1) if timed else None
        out[name][key] = counts
    return out


def report_figures(report: dict[str, Any]) -> dict[str, Any]:
    """The report's (or the API's JSON) figures in the floor's shape; units without any left out."""

    def figures(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in (*METRICS, "on_time_rate", "avg_days_to_resolve")}

    return {
        "totals": {None: figures(report["totals"])},
        "kind": {row["kind"]: figures(row) for row in report["by_kind"]},
        "channel": {row["channel"]: figures(row) for row in report["by_channel"]},
        "field": {row["field"]: figures(row) for row in report["by_field"]},
        "unit": {r["unit"]["code"]: figures(r) for r in report["by_unit"] if r["received"]},
    }


def start_api(today: date) -> tuple[Any, str, Callable[[Any], str]]:
    """gunicorn in production settings on this database (bench/server.py); a token maker."""
    import secrets
    import socket
    import tempfile

    import jwt
    from rest_framework_simplejwt.tokens import AccessToken
    from server import start_gunicorn

    key = secrets.token_urlsafe(64)
    work = Path(tempfile.mkdtemp(prefix="danvan_reports_bench_"))
    port = int(os.environ.get("REPORTS_BENCH_PORT", "8493"))
    # Another server on the port would answer /healthz (and then 401 with its own key).
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use: set REPORTS_BENCH_PORT")
    server = start_gunicorn(
        os.environ["DATABASE_URL"], port, work, workers=3, env={"SECRET_KEY": key}
    )

    def token(user: Any) -> str:
        # An access token signed with the server's key; no row written (no refresh token).
        return jwt.encode(AccessToken.for_user(user).payload, key, algorithm="HS256")

    return server, f"http://127.0.0.1:{port}", token


def bench_statistics(runs: int, year: int, today: date, *, http: bool) -> list[dict[str, Any]]:
    """
    Per persona: the report in-process (`figures`), the API through gunicorn in production
    settings (`api`; unless --stats-in-process), and the one-pass floor, back to back; the
    ratios to the floor; the figures of each compared with the floor's, set by set.
    """
    import signal
    import urllib.request

    from django.db import connection
    from django.test.utils import CaptureQueriesContext as QueryCounter

    from danvan.org.models import Unit, User
    from reports.figures import petition_report
    from reports.periods import Period

    period = Period("year", date(year, 1, 1), date(year, 12, 31))
    server, base, token = start_api(today) if http else (None, "", str)
    results = []
    try:
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
            unit_codes = dict(Unit.objects.filter(parent=unit).values_list("path", "code"))
            unit_codes[unit.path] = unit.code

            def floor(params: dict[str, Any] = params) -> list[tuple[Any, ...]]:
                with connection.cursor() as cursor:
                    cursor.execute(FLOOR_STATEMENT, params)
                    return cursor.fetchall()

            expected = floor_figures(floor(), unit_codes)
            same = report_figures(report.as_dict()) == expected
            agreement.record(f"statistics of {unit.name} as {username}", same)
            t = report.totals
            print(
                f"{unit.name} ({username}), year {year}: {t['received']:,} petitions received, "
                f"{len(queries)} queries, on-time rate {t['on_time_rate']}%, "
                f"figures equal the floor's: {same}"
            )

            def call(user: Any = user, unit: Any = unit) -> None:
                petition_report(user, unit=unit, period=period, today=today)

            result: dict[str, Any] = {
                "unit": unit.name,
                "received": t["received"],
                "queries": len(queries),
                "floor_agrees": same,
            }
            samples: dict[str, list[float]] = {"figures": [], "floor": [], "api": []}
            request = None
            if http:
                url = (
                    f"{base}/api/v1/reports/petitions/?unit={unit.pk}&period=year&year={year}"
                    f"&as_of={today.isoformat()}"
                )
                request = urllib.request.Request(  # noqa: S310
                    url, headers={"Authorization": f"Bearer {token(user)}"}
                )
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    body = json.loads(answer.read())
                same_api = report_figures(body) == expected
                agreement.record(f"API statistics of {unit.name} as {username}", same_api)
                print(f"  API through gunicorn (production settings): equals the floor: {same_api}")
                result["api_agrees"] = same_api

            def api(request: Any = request) -> None:
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    answer.read()

            # Back to back, in turns, so that load changes during the run touch all alike.
            kinds: list[tuple[str, Callable[[], Any]]] = [("figures", call), ("floor", floor)]
            if http:
                kinds.append(("api", api))
            for _name, fn in kinds:
                fn()
                fn()  # warm-up
            for _ in range(runs):
                for name, fn in kinds:
                    started = time.perf_counter()
                    fn()
                    samples[name].append((time.perf_counter() - started) * 1000)
            floor_median = statistics.median(samples["floor"])
            result["floor"] = line("floor (one GROUPING SETS statement)", samples["floor"])
            for name, label in (
                ("figures", "figures in-process (petition_report)"),
                ("api", "api (gunicorn, production settings)"),
            ):
                if samples[name]:
                    ratio = statistics.median(samples[name]) / floor_median
                    result[name] = line(label, samples[name], f"{ratio:.2f}x floor")
                    result[name]["ratio"] = round(ratio, 2)
            results.append(result)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
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
    parser.add_argument(
        "--stats-in-process",
        action="store_true",
        help="time the statistics in-process only (no gunicorn)",
    )
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
        out["statistics"] = bench_statistics(args.runs, year, today, http=not args.stats_in_process)
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
