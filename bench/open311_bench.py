"""
Open311 intake through gunicorn, beside the authenticated API intake, in the same run.

    .venv/bin/python bench/open311_bench.py [--seconds 20] [--threads 6] [--workers 3]

Builds its own PostgreSQL database (`--database-url`, dropped and created; nothing else is
touched): migrated, 20 communes of Lâm Đồng with the petition reference data, the public
services and one registered app. Starts gunicorn (`--workers` sync workers, production
settings, persistent connections) on 127.0.0.1 and, for `--seconds` each, `--threads` client
threads POST:
- `POST /open311/v2/requests.json` (form-encoded, the app's key, contact and coordinates;
  reports spread over the 20 communes);
- `POST /api/v1/petitions/` (JSON, a commune cadre's bearer token, Idempotency-Key), the same
  communes (each thread a cadre of its own commune);
and prints requests/s, median and p95 latency, every status, the load average, and the ratio.
Exits 1 if any request failed or the rows created differ from the 2xx answers. Then drops its
database unless `--keep-database`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from server import drop_database, p95, recreate_database, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/danvan_open311_bench"
PASSWORD = secrets.token_urlsafe(16)
COMMUNES = 20


def build() -> dict[str, Any]:
    """Units, reference data, one app and one cadre per commune."""
    from django.core.management import call_command

    from citizen.models import Open311App
    from citizen.open311.services import new_key
    from danvan.org.models import Membership, Role, UnitKind, UnitLevel, User
    from danvan.org.services import unit_upsert
    from seeds.citizen import seed_open311_services
    from seeds.petitions import seed_petition_reference

    call_command("migrate", verbosity=0)
    root = unit_upsert(
        code="TW", name="Trung ương", level=UnitLevel.CENTRAL, kind=UnitKind.CENTRAL, parent=None
    )
    province = unit_upsert(
        code="68", name="Lâm Đồng", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE, parent=root
    )
    communes = [
        unit_upsert(
            code=f"{24800 + i}",
            name=f"Xã Bench {i}",
            level=UnitLevel.COMMUNE,
            kind=UnitKind.COMMUNE,
            parent=province,
        )
        for i in range(COMMUNES)
    ]
    seed_petition_reference()
    seed_open311_services()
    key, prefix, digest = new_key()
    Open311App.objects.create(name="bench", key_prefix=prefix, key_hash=digest, rate="100000/min")
    cadres = []
    for commune in communes:
        user = User.objects.create_user(f"bench_cadre_{commune.code}", password=PASSWORD)
        Membership.objects.create(user=user, unit=commune, role=Role.COMMUNE_CADRE)
        cadres.append((user.username, commune))
    return {"key": key, "communes": communes, "cadres": cadres}


def token(port: int, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return str(json.loads(response.read())["access"])


def hammer(label: str, make: Any, threads: int, seconds: float) -> dict[str, Any]:
    """`threads` clients send make(thread, i) requests back to back for `seconds`."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(thread: int) -> None:
        for i in itertools.count():
            if time.monotonic() > stop_at:
                return
            request = make(thread, i)
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    code = response.status
                    response.read()
            except urllib.error.HTTPError as exc:
                code = exc.code
                print(f"  {label}: HTTP {code} {exc.read()[:200]!r}")
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
                latencies.append(elapsed)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    return {
        "requests": sum(statuses.values()),
        "ok": ok,
        "statuses": statuses,
        "per_second": round(ok / wall, 1),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(p95(latencies), 1) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--json", default=None)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    url = args.database_url
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    # The server and this process share the keys: the app's key is looked up by keyed hash.
    os.environ["FIELD_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    os.environ["FIELD_HASH_KEY"] = secrets.token_urlsafe(48)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
    import django

    django.setup()
    from django.db import connection

    from petitions.models import Petition

    gunicorn = None
    work = Path(tempfile.mkdtemp(prefix="danvan-open311-bench-"))

    def stop(*_: Any) -> None:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        connection.close()
        if not args.keep_database:
            drop_database(url)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(1)))
    failed = False
    try:
        world = build()
        gunicorn = start_gunicorn(
            url,
            args.port,
            work,
            workers=args.workers,
            env={"CREATE_THROTTLE_RATE": "100000/min", "CONN_MAX_AGE": "60"},
        )
        base = f"http://127.0.0.1:{args.port}"
        tokens = [(token(args.port, name), commune) for name, commune in world["cadres"]]
        communes = world["communes"]

        sequence = itertools.count()  # every report distinct, warm-up included

        def open311(thread: int, i: int) -> urllib.request.Request:
            commune = communes[(thread * 7 + i) % len(communes)]
            n = next(sequence)
            body = urllib.parse.urlencode(
                {
                    "api_key": world["key"],
                    "jurisdiction_id": commune.code,
                    "service_code": "chieu-sang",
                    "lat": f"11.{thread}{i % 1000:03d}",
                    "long": "108.055",
                    "address_string": f"Thôn {i % 9 + 1}",
                    "description": f"Đèn đường số {n} không sáng",
                    "first_name": "Nam",
                    "last_name": "Nguyễn Văn",
                    "phone": f"09{thread}{i % 10**7:07d}",
                    "device_id": f"bench-{thread}",
                }
            ).encode()
            return urllib.request.Request(  # noqa: S310 (127.0.0.1)
                f"{base}/open311/v2/requests.json",
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                method="POST",
            )

        def api(thread: int, i: int) -> urllib.request.Request:
            bearer, commune = tokens[thread % len(tokens)]
            body = {
                "received_on": time.strftime("%Y-%m-%d"),
                "channel": "mobile_app",
                "kind": "feedback",
                "summary": f"Đèn đường số {thread}-{i} không sáng",
                "receiving_unit": commune.pk,
                "location_unit": commune.pk,
                "petitioners": [{"full_name": "Nguyễn Văn Nam", "phone": f"09{thread}{i:07d}"}],
            }
            return urllib.request.Request(  # noqa: S310 (127.0.0.1)
                f"{base}/api/v1/petitions/",
                data=json.dumps(body).encode(),
                headers={
                    "Authorization": f"Bearer {bearer}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                },
                method="POST",
            )

        hammer("warm-up", open311, args.threads, 2)
        hammer("warm-up", api, args.threads, 2)
        before = Petition.objects.count()
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        results: dict[str, Any] = {}
        results["open311"] = hammer("open311", open311, args.threads, args.seconds)
        middle = Petition.objects.count()
        results["api"] = hammer("api", api, args.threads, args.seconds)
        after = Petition.objects.count()
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        results["load"] = [load_before, load_after]
        results["ratio"] = round(
            results["open311"]["per_second"] / max(results["api"]["per_second"], 0.1), 2
        )
        print(f"{'path':32} {'req/s':>8} {'median':>9} {'p95':>9}  statuses")
        for label, name in (
            ("POST /open311/v2/requests.json", "open311"),
            ("POST /api/v1/petitions/", "api"),
        ):
            row = results[name]
            print(
                f"{label:32} {row['per_second']:>8} {row['median_ms']:>7} ms "
                f"{row['p95_ms']:>7} ms  {row['statuses']}"
            )
        print(f"Open311 / API intake: {results['ratio']}")
        print(f"load average: {' '.join(load_before)} -> {' '.join(load_after)}")
        for name, rows in (("open311", middle - before), ("api", after - middle)):
            row = results[name]
            if row["ok"] != row["requests"] or rows != row["ok"]:
                print(f"FAIL {name}: {row['requests']} requests, {row['ok']} 2xx, {rows} rows")
                failed = True
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    finally:
        stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
