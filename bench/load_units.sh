#!/usr/bin/env bash
# Time loading the 34 provinces and 3,321 communes into an empty database, then again (update).
# Usage: bash bench/load_units.sh                 (SQLite, embedded mode)
#        DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench bash bench/load_units.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DANVAN_VAR_DIR="$(mktemp -d)"
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  db="${DATABASE_URL##*/}"
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db"
fi
.venv/bin/python manage.py migrate -v 0
echo "empty database:"; .venv/bin/python manage.py load_units
echo "second run:";     .venv/bin/python manage.py load_units
rm -rf "$DANVAN_VAR_DIR"
