"""
The movement's indicator roll-up at national size, beside its SQL floor, through gunicorn.

    .venv/bin/python bench/movement_bench.py [--runs 30] [--communes-limit N] [--years 5]

Builds its own PostgreSQL database (`--database-url`, dropped and created; nothing else is
touched), migrates it, loads the official units, then COPYs indicator reports: for each commune
(all 3,321, or the first `--communes-limit`), each of `--years` years up to this one, four
quarterly reports with a value for each of the seven seeded indicators, and a superseded
correction under 1 % of the values. Then, median and p95 over `--runs` after a warm-up, the
annual roll-up of Lâm Đồng (province 68) and of the whole country:
- `API`: `GET /api/v1/indicators/rollup/?year=Y&unit=<id>` through gunicorn (2 sync workers,
  production settings, persistent connections) as the province's supervisor / the central
  administrator;
- `selector`: `movement.selectors.rollup` in this process;
- `floor`: one hand-written `SELECT indicator_id, SUM(value) … GROUP BY indicator_id` over the
  same rows through a raw cursor, psycopg's automatic server-side prepare off;
and checks that the three give the same totals (exit 1 otherwise). Then drops its database
unless `--keep-database`.
"""

from __future__ import annotations

import argparse
import datetime
import io
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
from decimal import Decimal
from pathlib import Path
from typing import Any

import agreement
from server import drop_database, p95, recreate_database, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/danvan_movement_bench"
PASSWORD = secrets.token_urlsafe(16)


def timed(fn: Callable[[], Any], *, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def build(communes_limit: int | None, years: int, this_year: int) -> dict[str, int]:
    """Units, people and the indicator reports (COPY); returns the row counts."""
    from django.core.management import call_command
    from django.db import connection

    from danvan.org.models import Membership, Role, Unit, UnitLevel, User
    from movement.models import Indicator
    from seeds.org import seed_units

    call_command("migrate", verbosity=0)
    seed_units()
    communes = list(Unit.objects.filter(level=UnitLevel.COMMUNE, is_active=True).order_by("path"))
    if communes_limit:
        # Keep Lâm Đồng's communes in, so that the province has figures at every size.
        lam_dong = [c for c in communes if c.path.startswith("/TW/68/")]
        others = [c for c in communes if not c.path.startswith("/TW/68/")]
        communes = (lam_dong + others)[:communes_limit]
    indicators = list(Indicator.objects.order_by("position").values_list("pk", flat=True))
    now = datetime.datetime.now(datetime.UTC).isoformat()
    reports = io.StringIO()
    values = io.StringIO()
    report_id = value_id = 0
    quarters = [((1, 1), (3, 31)), ((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31))]
    for year in range(this_year - years + 1, this_year + 1):
        for quarter, ((m1, d1), (m2, d2)) in enumerate(quarters, 1):
            start, end = datetime.date(year, m1, d1), datetime.date(year, m2, d2)
            for commune in communes:
                report_id += 1
                reports.write(
                    f"{report_id}\t{commune.pk}\t{start}\t{end}\tQuý {quarter}/{year}\tperiodic"
                    f"\t\\N\t\t1\t\\N\t{now}\t{now}\n"
                )
                for position, indicator in enumerate(indicators):
                    figure = (commune.pk * 7 + report_id * 13 + position * 31) % 500
                    if value_id % 113 == 0:  # a correction: the old value superseded
                        value_id += 1
                        values.write(
                            f"{value_id}\t{report_id}\t{indicator}\t{commune.pk}\t{end}"
                            f"\t{figure + 1000}\tf\t\\N\t{now}\t\n"
                        )
                    value_id += 1
                    values.write(
                        f"{value_id}\t{report_id}\t{indicator}\t{commune.pk}\t{end}"
                        f"\t{figure}\tt\t\\N\t{now}\t\n"
                    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY movement_indicatorreport (id, unit_id, period_start, period_end, "
            "period_label, source, progress_report_id, note, version, created_by_id, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(reports.getvalue())
        with raw.copy(
            "COPY movement_indicatorvalue (id, report_id, indicator_id, unit_id, period_end, "
            "value, current, recorded_by_id, recorded_at, reason) FROM STDIN"
        ) as copy:
            copy.write(values.getvalue())
        cursor.execute(
            "SELECT setval('movement_indicatorreport_id_seq', %s), "
            "setval('movement_indicatorvalue_id_seq', %s)",
            [report_id, value_id],
        )
        cursor.execute("ANALYZE movement_indicatorreport")
        cursor.execute("ANALYZE movement_indicatorvalue")
    province = Unit.objects.get(code="68")
    root = Unit.objects.get(parent__isnull=True, code="TW")
    supervisor = User.objects.create_user("bench_movement_supervisor", password=PASSWORD)
    Membership.objects.create(user=supervisor, unit=province, role=Role.SUPERVISOR)
    admin = User.objects.create_user("bench_movement_admin", password=PASSWORD)
    Membership.objects.create(user=admin, unit=root, role=Role.ADMINISTRATOR)
    return {"communes": len(communes), "reports": report_id, "values": value_id}


FLOOR = """
SELECT indicator_id, SUM(value) FROM movement_indicatorvalue
WHERE current AND period_end BETWEEN %s AND %s {scope}
GROUP BY indicator_id
"""


def floor_totals(unit: Any, year: int, raw_conn: Any) -> dict[int, Decimal]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if unit.parent_id is None:
        sql, params = FLOOR.format(scope=""), [start, end]
    else:
        sql = FLOOR.format(scope="AND unit_id IN (SELECT id FROM org_unit WHERE path LIKE %s)")
        params = [start, end, unit.path + "%"]
    with raw_conn.cursor() as cursor:
        cursor.execute(sql, params, prepare=False)
        return {row[0]: row[1] for row in cursor.fetchall()}


def explain(unit: Any, year: int, raw_conn: Any) -> str:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ids = []
    if unit.parent_id is not None:
        with raw_conn.cursor() as cursor:
            cursor.execute("SELECT id FROM org_unit WHERE path LIKE %s", [unit.path + "%"])
            ids = [r[0] for r in cursor.fetchall()]
    scope = "AND unit_id = ANY(%s)" if ids else ""
    sql = (
        "EXPLAIN (ANALYZE, BUFFERS) SELECT unit_id, indicator_id, SUM(value), MAX(value) "
        f"FROM movement_indicatorvalue WHERE current AND period_end BETWEEN %s AND %s {scope} "
        "GROUP BY unit_id, indicator_id"
    )
    with raw_conn.cursor() as cursor:
        cursor.execute(sql, [start, end, ids] if ids else [start, end], prepare=False)
        return "\n".join(r[0] for r in cursor.fetchall())


def token(port: int, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1)
        return str(json.loads(response.read())["access"])


def measure(label: str, unit: Any, user: str, year: int, args: Any, raw: Any) -> dict[str, Any]:
    """One path: API, selector and floor, back to back; prints a row and checks the totals."""
    from movement import selectors

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    bearer = token(args.port, user)
    api_url = f"http://127.0.0.1:{args.port}/api/v1/indicators/rollup/?year={year}&unit={unit.pk}"
    answer: dict[str, Any] = {}

    def api() -> None:
        request = urllib.request.Request(api_url, headers={"Authorization": f"Bearer {bearer}"})
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (127.0.0.1)
            answer["body"] = json.loads(response.read())

    selected: dict[str, Any] = {}
    floor: dict[str, Any] = {}
    api_ms = timed(api, runs=args.runs)
    selector_ms = timed(
        lambda: selected.update(rows=selectors.rollup(unit, start, end)), runs=args.runs
    )
    floor_ms = timed(lambda: floor.update(totals=floor_totals(unit, year, raw)), runs=args.runs)
    by_api = {
        r["indicator"]["id"]: Decimal(r["total"])
        for r in answer["body"]["indicators"]
        if r["total"] is not None
    }
    by_selector = {r.indicator.pk: r.total for r in selected["rows"] if r.total is not None}
    same = by_api == by_selector == {k: Decimal(v) for k, v in floor["totals"].items()}
    agreement.record(label, same)
    med = {
        "api": statistics.median(api_ms),
        "sel": statistics.median(selector_ms),
        "floor": statistics.median(floor_ms),
    }
    print(
        f"{label:28} {med['api']:7.1f} / {p95(api_ms):6.1f} {med['sel']:7.1f} / "
        f"{p95(selector_ms):6.1f} {med['floor']:7.1f} / {p95(floor_ms):6.1f} "
        f"{med['api'] / med['floor']:8.1f}x{'' if same else '  DISAGREE'}"
    )
    return {
        "api": [med["api"], p95(api_ms)],
        "selector": [med["sel"], p95(selector_ms)],
        "floor": [med["floor"], p95(floor_ms)],
        "same_totals": same,
        "explain": explain(unit, year, raw),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--communes-limit", type=int, default=None)
    parser.add_argument("--port", type=int, default=8291)
    parser.add_argument("--json", default=None)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    url = args.database_url
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
    import django

    django.setup()
    from django.db import connection

    from danvan.org.models import Unit

    gunicorn = None
    work = Path(tempfile.mkdtemp(prefix="danvan-movement-bench-"))

    def stop(*_: Any) -> None:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        connection.close()
        if not args.keep_database:
            drop_database(url)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(1)))
    try:
        this_year = datetime.date.today().year - 1  # the last whole year
        started = time.perf_counter()
        sizes = build(args.communes_limit, args.years, this_year + 1)
        built = time.perf_counter() - started
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        print(
            f"data: {sizes['communes']} communes x {args.years} years x 4 quarters: "
            f"{sizes['reports']:,} reports, {sizes['values']:,} values ({built:.1f} s)"
        )
        gunicorn = start_gunicorn(url, args.port, work)
        province = Unit.objects.get(code="68")
        root = Unit.objects.get(code="TW")
        connection.ensure_connection()
        raw = connection.connection
        raw.prepare_threshold = None  # the floor: no automatic server-side prepare
        results: dict[str, Any] = {"sizes": sizes, "year": this_year}
        print(f"{'path':28} {'API':>16} {'selector':>16} {'floor':>16} {'API/floor':>9}")
        for label, unit, user in (
            ("province (Lâm Đồng), annual", province, "bench_movement_supervisor"),
            ("country, annual", root, "bench_movement_admin"),
        ):
            results[label] = measure(label, unit, user, this_year, args, raw)
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        results["load"] = [load_before, load_after]
        print(f"load average: {' '.join(load_before)} -> {' '.join(load_after)}")
        for label in ("province (Lâm Đồng), annual", "country, annual"):
            print(f"\nEXPLAIN (ANALYZE, BUFFERS), {label}:\n{results[label]['explain']}")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    finally:
        stop()
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
