#!/usr/bin/env bash
# A commune office's day (bench/locustfile.py) against gunicorn (LOAD_WORKERS sync workers)
# with production settings on PostgreSQL and a private redis-server, everything on 127.0.0.1,
# bounded in time.
# Usage: bash bench/load.sh
#   env: LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/danvan_load; DROPPED and
#        re-created), LOAD_REDIS_PORT (6412: a redis-server of its own, stopped at the end; the
#        machine's Redis is never touched), LOAD_PORT (8731), LOAD_WORKERS (3), LOAD_USERS (20),
#        LOAD_RATE (5), LOAD_TIME (60s), LOAD_TIMEOUT (seconds for the whole locust run, 900).
set -euo pipefail
cd "$(dirname "$0")/.."
db_url="${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/danvan_load}"
redis_port="${LOAD_REDIS_PORT:-6412}"
redis_url="redis://127.0.0.1:$redis_port/0"
port="${LOAD_PORT:-8731}"
workers="${LOAD_WORKERS:-3}"
work="$(mktemp -d)"
gunicorn_pid=""
cleanup() {
  if [[ -n "$gunicorn_pid" ]] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill "$gunicorn_pid"; wait "$gunicorn_pid" 2>/dev/null || true
  fi
  [[ -f "$work/redis.pid" ]] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

py() { .venv/bin/python "$@"; }
export DJANGO_SETTINGS_MODULE=danvan.settings.production
export DANVAN_VAR_DIR="$work/var"
export DATABASE_URL="$db_url" REDIS_URL="$redis_url"
export SECRET_KEY="$(py -c 'import secrets; print(secrets.token_urlsafe(64))')"
export FIELD_ENCRYPTION_KEYS="$(py -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export FIELD_HASH_KEY="$(py -c 'import secrets; print(secrets.token_urlsafe(48))')"
export ALLOWED_HOSTS=127.0.0.1 EMAIL_URL="smtp://127.0.0.1:1025" SECURE_SSL_REDIRECT=false
# The 20 simulated people all come from 127.0.0.1; in an office they would be 20 addresses.
export LOGIN_THROTTLE_RATE=1000/min CREATE_THROTTLE_RATE=100000/min
mkdir -p "$DANVAN_VAR_DIR"

db="${db_url##*/}"
psql "${db_url%/*}/postgres" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db"
if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  echo "something already answers on 127.0.0.1:$redis_port: set LOAD_REDIS_PORT"; exit 1
fi
redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$work" --pidfile "$work/redis.pid" --logfile "$work/redis.log"
for _ in $(seq 1 20); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.5; done
echo "== preparing: migrate, seed (units, reference and demo data), demo accounts"
py manage.py migrate -v 0
py manage.py seed >/dev/null
py manage.py demo_accounts >/dev/null
export LOCUST_PASSWORD="$(cat "$DANVAN_VAR_DIR/demo-password.txt")"

echo "== gunicorn: $workers workers on 127.0.0.1:$port"
.venv/bin/gunicorn danvan.wsgi --bind "127.0.0.1:$port" --workers "$workers" \
  --error-logfile "$work/gunicorn.log" --log-level warning &
gunicorn_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null

echo "== locust: ${LOAD_USERS:-20} users, ${LOAD_RATE:-5}/s ramp, ${LOAD_TIME:-60s}"
timeout "${LOAD_TIMEOUT:-900}" .venv/bin/locust -f bench/locustfile.py --headless --only-summary \
  -u "${LOAD_USERS:-20}" -r "${LOAD_RATE:-5}" -t "${LOAD_TIME:-60s}" --stop-timeout 10 \
  --host "http://127.0.0.1:$port" --csv "$work/load" >"$work/locust.log" 2>&1 || true
if [[ ! -s "$work/load_stats.csv" ]]; then
  echo "locust produced no statistics:"; tail -30 "$work/locust.log"; exit 1
fi

py - "$work/load_stats.csv" "$work/load_failures.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'endpoint':55} {'requests':>8} {'fails':>6} {'p50 ms':>7} {'p95 ms':>7}")
for r in rows:
    print(f"{(r['Type'] + ' ' + r['Name'])[:55]:55} {r['Request Count']:>8} {r['Failure Count']:>6} "
          f"{r['50%']:>7} {r['95%']:>7}")
total = rows[-1]
print(f"\nthroughput: {float(total['Requests/s']):.1f} requests/s")
print(f"p95: {total['95%']} ms   p99: {total['99%']} ms   requests: {total['Request Count']}")
print(f"errors: {total['Failure Count']}")
import os
print("load average at the end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
for f in csv.DictReader(open(sys.argv[2])):
    print(f"  {f['Occurrences']} x {f['Method']} {f['Name']}: {f['Error'][:200]}")
PY
if [[ -s "$work/gunicorn.log" ]]; then echo "== gunicorn errors:"; tail -20 "$work/gunicorn.log"; fi
