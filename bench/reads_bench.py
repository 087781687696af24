"""
The petition read paths through gunicorn, each beside its SQL floor in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench \
        .venv/bin/python bench/reads_bench.py [--runs 50] [--workers 3] [--explain FILE]

Run on the database bench/generate.py built (its bench users). It starts gunicorn with
production settings (3 sync workers, the generator's field keys, Redis for the cache) on
127.0.0.1 and, for each path, alternates one API request and one run of the floor, `--runs`
times after a warm-up:
- the API: the real endpoint over HTTP with a Bearer token (routing, middleware, JWT, scope,
  filters, pagination, serializer, JSON);
- the floor: ONE hand-written SQL statement returning the same rows (ids compared, the run
  fails if they differ) with what the answer shows, through a psycopg connection of its own
  with automatic server-side prepare off (`prepare_threshold=None`), so the floor is not a
  prepared plan the API could never have. Where there are several ways to write it, each is
  timed and the best is the floor.
It prints median and p95 in milliseconds, the ratio API / best floor (medians) and the load
average; `--explain FILE` writes EXPLAIN (ANALYZE, BUFFERS) of the main statement the API
issued for each path (captured in-process) to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import agreement
from server import ROOT, p95, start_gunicorn

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/danvan_bench")

SUPERVISOR = "bench_supervisor_68"
CADRE = "bench_cadre_25000"
# Searches of 1 to 6 words (common words of the generated text) and a code.
SEARCHES = [
    "dat",
    "dat dai",
    "boi thuong dat",
    "khieu nai dat dai",
    "che do bao hiem xa",
    "boi thuong giai phong mat bang",
]
CODE = "DT-2025-000123"

SHOWN = """
SELECT p.id, p.code, p.client_id, p.version, p.received_on, p.channel, p.kind, p.summary,
       p.status, p.is_anonymous, p.is_collective, p.head_count, p.clock_stage, p.due_date,
       p.updated_at, p.assignee_id,
       f.id, f.name, pf.name, l.id, l.code, l.name, r.id, r.code, r.name, h.id, h.code, h.name,
       a.username,
       (SELECT array_agg(pp.full_name ORDER BY x.position, x.id)
          FROM petitions_petitionpetitioner x
          JOIN petitions_petitioner pp ON pp.id = x.petitioner_id
         WHERE x.petition_id = p.id) AS names
  FROM {source} p
  JOIN org_unit h ON h.id = p.handling_unit_id
  JOIN org_unit r ON r.id = p.receiving_unit_id
  JOIN org_unit l ON l.id = p.location_unit_id
  LEFT JOIN petitions_petitionfield f ON f.id = p.field_id
  LEFT JOIN petitions_petitionfield pf ON pf.id = f.parent_id
  LEFT JOIN org_user a ON a.id = p.assignee_id
 {where}
 ORDER BY p.{order} LIMIT {limit}
"""
SCOPE = "(p.handling_unit_id = ANY(%(ids)s) OR p.receiving_unit_id = ANY(%(ids)s))"
# The scope's rows first, once (a bitmap OR of the unit indexes), then the page among them.
ARRAY_SCOPE = (
    "p.id = ANY(ARRAY(SELECT s.id FROM petitions_petition s "
    "WHERE s.handling_unit_id = ANY(%(ids)s) OR s.receiving_unit_id = ANY(%(ids)s)))"
)


def has_fts(cursor: Any) -> bool:
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'petitions_petition' AND column_name = 'search_vector'"
    )
    return cursor.fetchone() is not None


def search_sql(term: str, fts: bool) -> tuple[str, dict[str, Any]]:
    """The search condition as the selector writes it (FTS when the column exists)."""
    from danvan.core.text import fold

    if fts:
        from danvan.core.text import tsquery_text

        return "p.search_vector @@ to_tsquery('simple'::regconfig, %(q)s)", {
            "q": tsquery_text(term)
        }
    words = fold(term).split(" ")
    where = " AND ".join(f"p.search_text LIKE %(w{i})s" for i in range(len(words)))
    return where, {f"w{i}": f"%{w}%" for i, w in enumerate(words)}


def list_floors(ids: list[int], extra: str, params: dict[str, Any]) -> dict[str, Any]:
    """Ways of writing the page of 50 in one statement; the best is the floor."""
    cond = f" AND {extra}" if extra else ""
    plain = SHOWN.format(
        source="petitions_petition",
        where=f"WHERE {SCOPE} AND p.deleted_at IS NULL{cond}",
        order="received_on DESC, p.id DESC",
        limit=50,
    )
    # Each side of the scope as an ordered range of its own (unit, received_on, id) index.
    sides = (
        "(SELECT * FROM (SELECT * FROM petitions_petition p WHERE p.handling_unit_id = ANY(%(ids)s)"
        f" AND p.deleted_at IS NULL{cond} ORDER BY p.received_on DESC, p.id DESC LIMIT 50) a"
        " UNION "
        "SELECT * FROM (SELECT * FROM petitions_petition p WHERE p.receiving_unit_id = ANY(%(ids)s)"
        f" AND p.deleted_at IS NULL{cond} ORDER BY p.received_on DESC, p.id DESC LIMIT 50) b)"
    )
    union = SHOWN.format(source=sides, where="", order="received_on DESC, p.id DESC", limit=50)
    values = {"ids": ids, **params}
    floors = {"ordered scan": (plain, values)}
    if "search_vector @@" in extra and len(ids) > 20:
        # The same test as a function the GIN index does not serve: the date-ordered walk
        # (a province's or the country's; a commune's scope is met by its rows first).
        walk = plain.replace(
            "p.search_vector @@ to_tsquery('simple'::regconfig, %(q)s)",
            "ts_match_vq(p.search_vector, to_tsquery('simple'::regconfig, %(q)s))",
        )
        floors["ordered walk, words tested"] = (walk, values)
    if len(ids) <= 20:
        floors["two ordered ranges"] = (union, values)
        floors["scope ids first"] = (plain.replace(SCOPE, ARRAY_SCOPE), values)
    return floors


def detail_floor(pk: int) -> tuple[str, dict[str, Any]]:
    """The detail's content in one statement: the row, its units and every related list."""
    sql = """
SELECT p.*, h.code, h.name, r.code, r.name, l.code, l.name, f.name, pf.name, a.username,
  (SELECT json_agg(json_build_object('name', pp.full_name, 'cid', pp.citizen_id,
                   'phone', pp.phone, 'address', pp.address) ORDER BY x.position, x.id)
     FROM petitions_petitionpetitioner x JOIN petitions_petitioner pp ON pp.id = x.petitioner_id
    WHERE x.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_respondent t WHERE t.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_attachment t WHERE t.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_answer t WHERE t.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_suspension t WHERE t.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_extension t WHERE t.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_transfer t WHERE t.petition_id = p.id),
  (SELECT json_agg(t) FROM petitions_petitionlink t WHERE t.petition_id = p.id)
  FROM petitions_petition p
  JOIN org_unit h ON h.id = p.handling_unit_id
  JOIN org_unit r ON r.id = p.receiving_unit_id
  JOIN org_unit l ON l.id = p.location_unit_id
  LEFT JOIN petitions_petitionfield f ON f.id = p.field_id
  LEFT JOIN petitions_petitionfield pf ON pf.id = f.parent_id
  LEFT JOIN org_user a ON a.id = p.assignee_id
 WHERE p.id = %(pk)s AND p.deleted_at IS NULL
   AND (p.handling_unit_id = ANY(%(ids)s) OR p.receiving_unit_id = ANY(%(ids)s))
"""
    return sql, {"pk": pk}


def sync_floors(ids: list[int], since: Any, after_id: int) -> dict[str, Any]:
    """The changed rows and, in the same statement, the tombstones of the same window."""
    after = " AND (p.updated_at, p.id) > (%(since)s, %(after)s)" if since is not None else ""
    values: dict[str, Any] = {"ids": ids, "since": since, "after": after_id}
    tombstones = (
        ", (SELECT array_agg(t.id) FROM (SELECT p.id FROM petitions_petition p "
        f"WHERE {SCOPE} AND p.deleted_at IS NOT NULL{after} "
        "ORDER BY p.updated_at, p.id LIMIT 200) t) AS deleted"
    )
    floors = {}
    for name, scope in (("keyset", SCOPE), ("keyset, scope ids first", ARRAY_SCOPE)):
        sql = SHOWN.format(
            source="petitions_petition",
            where=f"WHERE {scope} AND p.deleted_at IS NULL{after}",
            order="updated_at, p.id",
            limit=200,
        ).replace(") AS names", ") AS names" + tombstones)
        floors[name] = (sql, values)
    return floors


# --- Running ----------------------------------------------------------------------------------
class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def get(self, path: str) -> Any:
        request = urllib.request.Request(  # noqa: S310 (127.0.0.1 only)
            self.base + path,
            headers={"Authorization": f"Bearer {self.token}", "Accept-Encoding": "identity"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read())


def measure(
    title: str,
    api_call: Callable[[], list[int]],
    floors: dict[str, tuple[str, dict[str, Any]]],
    conn: Any,
    runs: int,
    key: Callable[[tuple[Any, ...]], int] = lambda row: row[0],
) -> dict[str, Any]:
    def floor_call(sql: str, values: dict[str, Any]) -> list[int]:
        with conn.cursor() as cursor:
            cursor.execute(sql, values)
            return [key(row) for row in cursor.fetchall()]

    expected = api_call()
    agree = True
    for name, (sql, values) in floors.items():
        got = floor_call(sql, values)
        if got != expected:
            print(f"  !! floor '{name}' returned other rows ({len(got)} vs {len(expected)})")
            agree = False
    agreement.record(title, agree)
    for _ in range(3):  # warm-up
        api_call()
        for sql, values in floors.values():
            floor_call(sql, values)
    api_ms: list[float] = []
    floor_ms: dict[str, list[float]] = {name: [] for name in floors}
    for _ in range(runs):
        started = time.perf_counter()
        api_call()
        api_ms.append((time.perf_counter() - started) * 1000)
        for name, (sql, values) in floors.items():
            started = time.perf_counter()
            floor_call(sql, values)
            floor_ms[name].append((time.perf_counter() - started) * 1000)
    best = min(floor_ms, key=lambda name: statistics.median(floor_ms[name]))
    api_med, floor_med = statistics.median(api_ms), statistics.median(floor_ms[best])
    ratio = api_med / floor_med if floor_med else float("inf")
    floors_text = "; ".join(
        f"{name} {statistics.median(v):.1f}/{p95(v):.1f}" for name, v in floor_ms.items()
    )
    print(
        f"{title:<52} API {api_med:7.1f} / {p95(api_ms):7.1f} ms   best floor "
        f"{floor_med:6.1f} ms ({best})   ratio {ratio:5.1f}x   rows {len(expected)}"
        f"{'' if agree else '  ROWS DIFFER'}\n{'':<52} floors (median/p95): {floors_text}",
        flush=True,
    )
    return {
        "title": title,
        "api_median_ms": round(api_med, 2),
        "api_p95_ms": round(p95(api_ms), 2),
        "floor": best,
        "floor_median_ms": round(floor_med, 2),
        "floor_p95_ms": round(p95(floor_ms[best]), 2),
        "ratio": round(ratio, 2),
        "rows": len(expected),
        "same_rows": agree,
    }


def explain_main(user: Any, path: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement the API issues for `path`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    client.get(path, HTTP_ACCEPT_ENCODING="identity")
    with CaptureQueriesContext(connection) as capture:
        response = client.get(path, HTTP_ACCEPT_ENCODING="identity")
    assert response.status_code == 200, response.content[:300]
    statements = [
        q["sql"] for q in capture.captured_queries if "petitions_petition" in q["sql"]
    ] or [q["sql"] for q in capture.captured_queries]
    main = max(statements, key=lambda sql: float(_time(connection, sql)))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {main}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"-- {len(capture.captured_queries)} statements; the slowest:\n{main}\n\n{plan}\n"


def _time(connection: Any, sql: str) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--explain", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", default="", help="only the paths whose title contains this")
    args = parser.parse_args()

    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.db.models import Q
    from rest_framework_simplejwt.tokens import RefreshToken

    from danvan.org.models import User
    from danvan.org.selectors import scope_unit_ids
    from petitions.models import Petition

    url = os.environ["DATABASE_URL"]
    conn = psycopg.connect(url, prepare_threshold=None, autocommit=True)
    with conn.cursor() as cursor:
        fts = has_fts(cursor)
        cursor.execute("SELECT count(*) FROM petitions_petition")
        (total,) = cursor.fetchone() or (0,)
    print(f"{total:,} petitions; search by {'full text (search_vector)' if fts else 'LIKE'}")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise SystemExit(f"something already listens on 127.0.0.1:{args.port}: --port")
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="danvan-reads-"))
    server = start_gunicorn(
        url,
        args.port,
        work,
        workers=args.workers,
        env={
            # The generator's keys: its names decrypt and its tokens verify.
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "FIELD_HASH_KEY": settings.FIELD_HASH_KEY,
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        },
    )
    base = f"http://127.0.0.1:{args.port}"
    results: list[dict[str, Any]] = []
    plans: list[str] = []
    try:
        for username in (SUPERVISOR, CADRE):
            user = User.objects.get(username=username)
            ids = sorted(scope_unit_ids(User.objects.get(pk=user.pk)) or [])
            api = Api(base, str(RefreshToken.for_user(user).access_token))
            who = "province supervisor" if username == SUPERVISOR else "commune cadre"
            cases: list[tuple[str, str, str, dict[str, Any]]] = [
                (f"list, {who}", "/api/v1/petitions/?page_size=50", "", {})
            ]
            for term in [*SEARCHES, CODE]:
                extra, params = search_sql(term, fts)
                label = "code" if term == CODE else f"{len(term.split())} words"
                cases.append(
                    (
                        f"search {label} “{term}”, {who}",
                        f"/api/v1/petitions/?page_size=50&search={urllib.parse.quote(term)}",
                        extra,
                        params,
                    )
                )
            for title, path, extra, params in cases:
                if args.only not in title:
                    continue

                def page_ids(path: str = path, api: Api = api) -> list[int]:
                    return [row["id"] for row in api.get(path)["results"]]

                results.append(
                    measure(
                        title,
                        page_ids,
                        list_floors(ids, extra, params),
                        conn,
                        args.runs,
                    )
                )
                if args.explain:
                    plans.append(f"## {title}\n{explain_main(user, path)}")
            # One petition's page (the newest in scope).
            pk = (
                Petition.objects.filter(
                    Q(receiving_unit_id__in=ids) | Q(handling_unit_id__in=ids),
                    deleted_at__isnull=True,
                )
                .order_by("-received_on", "-id")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                print(f"detail, {who}: no petition in scope (a small database); skipped")
            elif args.only in f"detail, {who}":
                sql, values = detail_floor(pk)

                def detail_id(pk: int = pk, api: Api = api) -> list[int]:
                    return [api.get(f"/api/v1/petitions/{pk}/")["id"]]

                results.append(
                    measure(
                        f"detail, {who}",
                        detail_id,
                        {"one statement": (sql, {**values, "ids": ids})},
                        conn,
                        args.runs,
                    )
                )
            if pk is not None and args.explain and args.only in f"detail, {who}":
                plans.append(f"## detail, {who}\n{explain_main(user, f'/api/v1/petitions/{pk}/')}")
            # Sync: the first page of 200, then a page from the middle of the feed.
            first = api.get("/api/v1/petitions/sync/?limit=200")
            middle = first["changed"][len(first["changed"]) // 2] if first["changed"] else None
            points = [("first page", None, 0)]
            if middle is not None:
                points.append(("a page from the middle", middle["updated_at"], middle["id"]))
            for name, since, after in points:
                if args.only not in f"sync 200, {name}, {who}":
                    continue
                query = "limit=200"
                if since is not None:
                    query += f"&updated_since={urllib.parse.quote(since)}&after_id={after}"

                def sync_ids(query: str = query, api: Api = api) -> list[int]:
                    answer = api.get(f"/api/v1/petitions/sync/?{query}")
                    return [row["id"] for row in answer["changed"]]

                results.append(
                    measure(
                        f"sync 200, {name}, {who}",
                        sync_ids,
                        sync_floors(ids, since, after),
                        conn,
                        args.runs,
                    )
                )
                if args.explain:
                    plans.append(
                        f"## sync, {name}, {who}\n"
                        f"{explain_main(user, f'/api/v1/petitions/sync/?{query}')}"
                    )
    finally:
        server.terminate()
        server.wait(timeout=30)
        conn.close()
    load_after = os.getloadavg()
    print(
        "load average: "
        + " ".join(f"{x:.2f}" for x in load_before)
        + " -> "
        + " ".join(f"{x:.2f}" for x in load_after)
    )
    if args.explain:
        args.explain.write_text("\n".join(plans))
        print(f"plans written to {args.explain}")
    if args.json:
        args.json.write_text(
            json.dumps({"paths": results, "load": [load_before, load_after]}, indent=1)
        )
    agreement.exit_if_any()


if __name__ == "__main__":
    main()
