"""
The petition intake on the benchmark database (the read paths are bench/reads_bench.py's).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/petitions_bench.py [--creates 600] [--cadres 20] [--threads 6]
            [--workers 3] [--port 8765]

Run on the database bench/generate.py built. It measures the SQL statements one create
makes, and petitions created per second through POST /api/v1/petitions/ against a gunicorn
it starts on 127.0.0.1 (production settings, --workers sync workers, --threads client
threads), by --cadres commune cadres in as many communes and then all in one commune, each
beside GET /api/v1/me/ measured on the same server just before, with the ratio (bounded in
requests and time, stopped at the end; the cadres and petitions it adds are deleted
afterwards). `--runs`, `--skip-reads` and `--skip-create` are accepted as before; the reads
they chose between moved to reads_bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import agreement
from server import p95

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_bench")
# The in-process creates are one person's, hundreds a minute: not a throttling test.
os.environ.setdefault("CREATE_THROTTLE_RATE", "10000000/min")

CADRE = "bench_cadre_25000"
PORT = 8765


def bootstrap() -> None:
    import django

    django.setup()


# --- Timing ----------------------------------------------------------------------------------
def timed(
    fn: Callable[[], Any], *, runs: int, warmup: int = 5, adaptive: bool = True
) -> list[float]:
    """Milliseconds per call after a warm-up; a path slower than 0.5 s gets 10 runs."""
    started = time.perf_counter()
    fn()
    if adaptive and time.perf_counter() - started > 0.5:
        runs, warmup = min(runs, 10), 0
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
    print(
        f"  {label:<34} median {med:8.2f} ms   p95 {top:8.2f} ms  (n={len(samples)}) {extra}",
        flush=True,
    )
    return {
        "label": label,
        "median_ms": round(med, 2),
        "p95_ms": round(top, 2),
        "n": len(samples),
        "extra": extra,
    }


INTAKE_PREFIX = "bench_intake_"


def intake_cadres(count: int, one_commune: bool) -> list[tuple[Any, Any]]:
    """`count` commune cadres, one per commune (or all in bench_cadre's): (user, commune)."""
    from danvan.org.models import Membership, Role, Unit, UnitLevel, User

    if one_commune:
        communes = [Unit.objects.get(code="25000")] * count
    else:
        communes = list(
            Unit.objects.filter(level=UnitLevel.COMMUNE, is_active=True).order_by("code")[:count]
        )
    tag = "one" if one_commune else "many"
    people = []
    for index, commune in enumerate(communes):
        user = User.objects.create(username=f"{INTAKE_PREFIX}{tag}_{index}", full_name="Bench")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(user=user, unit=commune, role=Role.COMMUNE_CADRE)
        people.append((user, commune))
    return people


def remove_intake_cadres() -> None:
    from danvan.org.models import User

    removed, _ = User.objects.filter(username__startswith=INTAKE_PREFIX).delete()
    if removed:
        print(f"  removed the intake benchmark's cadres ({removed} rows with theirs)")


def run_phase(
    label: str,
    request_for: Callable[[int], urllib.request.Request],
    total: int,
    threads: int,
    time_limit: float,
    ok: int,
) -> dict[str, Any]:
    """`total` requests from `threads` client threads, back to back: per second, latencies."""
    stop_at = time.monotonic() + time_limit
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def one(i: int) -> None:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request_for(i), timeout=30) as response:  # noqa: S310
                code = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            code = exc.code
            if statuses.get(code, 0) < 2:
                print(f"  {label}: HTTP {code}: {exc.read()[:300]!r}")
        except OSError as exc:
            code = 0
            print(f"  {label}: {exc!r}")
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            statuses[code] = statuses.get(code, 0) + 1
            if code == ok:
                latencies.append(elapsed)

    def worker() -> None:
        while time.monotonic() < stop_at:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            one(i)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(threads):
            pool.submit(worker)
    wall = time.perf_counter() - started
    good = statuses.get(ok, 0)
    result = {
        "requests": sum(statuses.values()),
        "statuses": statuses,
        "errors": sum(statuses.values()) - good,
        "seconds": round(wall, 2),
        "per_second": round(good / wall, 1) if wall else 0.0,
        "latency_median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(p95(latencies), 1) if latencies else None,
    }
    print(f"  {label}: {json.dumps(result)}")
    return result


def bench_intake(
    total: int, threads: int, workers: int, time_limit: float, cadres: int, port: int
) -> dict[str, Any]:
    """
    Petitions created per second through POST /api/v1/petitions/ (an Idempotency-Key and one
    petitioner with a CCCD, as the mobile app sends them) by `cadres` commune cadres, one per
    commune and then all in one commune, each beside GET /api/v1/me/ by the same people on the
    same gunicorn (production settings, `workers` sync workers) just before: the ratio is the
    intake's cost against the cheapest authenticated request.
    """
    import tempfile

    from django.conf import settings
    from rest_framework_simplejwt.tokens import RefreshToken

    from petitions.models import Petition

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import server

    people = {False: intake_cadres(cadres, False), True: intake_cadres(cadres, True)}
    tokens = {
        key: [(str(RefreshToken.for_user(user).access_token), unit) for user, unit in group]
        for key, group in people.items()
    }
    before = Petition.objects.count()
    work = Path(tempfile.mkdtemp(prefix="danvan-intake-bench-"))
    env = {
        "SECRET_KEY": settings.SECRET_KEY,  # the tokens minted here are valid there
        "CREATE_THROTTLE_RATE": "10000000/min",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
    process = server.start_gunicorn(
        os.environ["DATABASE_URL"], port, work, workers=workers, env=env
    )
    base = f"http://127.0.0.1:{port}"
    today = time.strftime("%Y-%m-%d")

    def me(group: list[tuple[str, Any]]) -> Callable[[int], urllib.request.Request]:
        def request_for(i: int) -> urllib.request.Request:
            token, _unit = group[i % len(group)]
            return urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
                f"{base}/api/v1/me/", headers={"Authorization": f"Bearer {token}"}
            )

        return request_for

    def create(group: list[tuple[str, Any]]) -> Callable[[int], urllib.request.Request]:
        def request_for(i: int) -> urllib.request.Request:
            token, unit = group[i % len(group)]
            body = {
                "received_on": today,
                "channel": "mobile_app",
                "kind": "complaint",
                "summary": f"Khiếu nại về bồi thường giải phóng mặt bằng (intake {i})",
                "content": "Đề nghị xem xét lại giá bồi thường đất nông nghiệp.",
                "receiving_unit": unit.pk,
                "location_unit": unit.pk,
                "petitioners": [
                    {
                        "full_name": "Nguyễn Văn Bench",
                        "phone": f"09{i % 10**8:08d}",
                        "citizen_id": f"9{uuid.uuid4().int % 10**11:011d}",
                    }
                ],
            }
            return urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
                f"{base}/api/v1/petitions/",
                data=json.dumps(body).encode(),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                },
                method="POST",
            )

        return request_for

    results: dict[str, Any] = {"threads": threads, "workers": workers, "cadres": cadres}
    try:
        # Warm-up: every worker imports everything and opens its connection.
        run_phase("warm-up /me/", me(tokens[False]), workers * 4, threads, time_limit, 200)
        run_phase("warm-up create", create(tokens[False]), workers * 4, threads, time_limit, 201)
        print(f"\nintake via gunicorn ({workers} workers, production settings, {threads} threads):")
        for one_commune, name in ((False, "communes"), (True, "one_commune")):
            group = tokens[one_commune]
            me_result = run_phase(f"GET /me/ ({name})", me(group), total, threads, time_limit, 200)
            created = run_phase(
                f"POST petitions ({name})", create(group), total, threads, time_limit, 201
            )
            ratio = (
                created["per_second"] / me_result["per_second"] if me_result["per_second"] else 0
            )
            print(
                f"  {name}: {created['per_second']} creates/s, {me_result['per_second']} /me/ "
                f"req/s, ratio {ratio:.0%}"
            )
            results[name] = {"me": me_result, "create": created, "ratio": round(ratio, 3)}
            agreement.record(
                f"intake {name}: no errors", not created["errors"] and not me_result["errors"]
            )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    results["rows_added"] = Petition.objects.count() - before
    results["load"] = os.getloadavg()
    return results


def statements_per_create() -> dict[str, Any]:
    """The SQL statements one API create makes in-process (a key, one new CCCD petitioner)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from danvan.org.models import Unit, User

    user = User.objects.get(username=CADRE)
    commune = Unit.objects.get(code="25000")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")

    keys: list[str] = []

    def post() -> Any:
        keys.append(str(uuid.uuid4()))
        return client.post(
            "/api/v1/petitions/",
            {
                "received_on": time.strftime("%Y-%m-%d"),
                "channel": "mobile_app",
                "kind": "complaint",
                "summary": "Khiếu nại (đếm câu lệnh)",
                "receiving_unit": commune.pk,
                "location_unit": commune.pk,
                "petitioners": [
                    {"full_name": "Lê Văn Đếm", "citizen_id": f"8{uuid.uuid4().int % 10**11:011d}"}
                ],
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY=keys[-1],
        )

    from danvan.core.models import IdempotencyKey

    post()  # warm: the calendar and the connection
    with CaptureQueriesContext(connection) as queries:
        response = post()
    assert response.status_code == 201, response.content[:300]
    IdempotencyKey.objects.filter(user=user, key__in=keys).delete()  # the run's own
    count = len(queries.captured_queries)
    print(f"\nstatements per create (API, in-process, Idempotency-Key, one new CCCD): {count}")
    return {"statements": count, "sql": [q["sql"][:120] for q in queries.captured_queries]}


def remove_created(after_id: int, after_person: int) -> None:
    """Delete the petitions the create benchmark added (ids above `after_id`), so a re-run of
    the read benchmarks sees the generated data again; code counters set back to match."""
    from django.db import connection, transaction

    from petitions.models import Petition, PetitionCodeCounter, Petitioner

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT receiving_unit_id FROM petitions_petition WHERE id > %s", [after_id]
        )
        units = [row[0] for row in cursor.fetchall()]
        for relation in Petition._meta.related_objects:
            if relation.one_to_many or relation.one_to_one:
                table = relation.related_model._meta.db_table
                column = relation.field.column
                cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" > %s', [after_id])
        cursor.execute("DELETE FROM petitions_petition WHERE id > %s", [after_id])
        cursor.execute(f"DELETE FROM {Petitioner._meta.db_table} WHERE id > %s", [after_person])
        cursor.execute(
            f"""UPDATE {PetitionCodeCounter._meta.db_table} c SET last_value = COALESCE((
                   SELECT max(split_part(p.code, '-', 3)::int) FROM petitions_petition p
                    WHERE p.receiving_unit_id = c.unit_id AND p.code LIKE 'DT-' || c.year || '-%%'
                ), 0) WHERE c.unit_id = ANY(%s)""",
            [units],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE petitions_petition")
    print(f"  removed the benchmark's petitions (ids > {after_id:,})")


def high_water() -> tuple[int, int]:
    from django.db.models import Max

    from petitions.models import Petition, Petitioner

    return (
        Petition.objects.aggregate(m=Max("pk"))["m"] or 0,
        Petitioner.objects.aggregate(m=Max("pk"))["m"] or 0,
    )


def bench_create_in_process(total: int) -> dict[str, Any]:
    """The same POST through the in-process test client, one at a time (no HTTP, no server)."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from danvan.org.models import Unit, User

    user = User.objects.get(username=CADRE)
    commune = Unit.objects.get(code="25000")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    counter = iter(range(10**8))

    def create() -> None:
        i = next(counter)
        response = client.post(
            "/api/v1/petitions/",
            {
                "received_on": time.strftime("%Y-%m-%d"),
                "channel": "reception",
                "kind": "recommendation",
                "summary": f"Kiến nghị sửa chữa đường giao thông nông thôn (bench {i})",
                "receiving_unit": commune.pk,
                "location_unit": commune.pk,
                "petitioners": [{"full_name": "Trần Thị Bench", "phone": f"08{i:08d}"}],
            },
            format="json",
        )
        assert response.status_code == 201, response.content[:300]

    samples = timed(create, runs=total, warmup=3, adaptive=False)
    print("\ncreate in-process (APIClient, sequential):")
    result = line("POST /api/v1/petitions/", samples)
    result["per_second"] = round(1000 / statistics.mean(samples), 1)
    print(f"  {result['per_second']} petitions/s on one thread")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50, help="Accepted; unused (reads_bench.py).")
    parser.add_argument("--creates", type=int, default=600)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--skip-create", action="store_true")
    parser.add_argument("--skip-reads", action="store_true", help="Accepted; the intake only.")
    parser.add_argument("--cadres", type=int, default=20, help="Commune cadres posting.")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--remove-after",
        nargs=2,
        type=int,
        metavar=("PETITION_ID", "PETITIONER_ID"),
        help="Only delete petitions/petitioners above these ids (clean up an interrupted run).",
    )
    parser.add_argument("--json", default="/tmp/danvan_petitions_bench.json")  # noqa: S108
    args = parser.parse_args()
    bootstrap()
    if args.remove_after:
        remove_created(*args.remove_after)
        return
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    if not args.skip_create:
        marks = high_water()
        try:
            results["statements_per_create"] = statements_per_create()
            results["create_in_process"] = bench_create_in_process(100)
            results["intake"] = bench_intake(
                args.creates, args.threads, args.workers, args.time_limit, args.cadres, args.port
            )
        finally:
            remove_created(*marks)
            remove_intake_cadres()
    results["load_after"] = os.getloadavg()
    print(f"load average before {results['load_before']}, after {results['load_after']}")
    Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    print(f"\nresults (with full plans) in {args.json}")
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
