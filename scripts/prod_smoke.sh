#!/usr/bin/env bash
# The production path, as README's "Running in production" tells an operator: DEBUG off,
# PostgreSQL, Redis, a real secret read from a file, collectstatic with the manifest storage,
# gunicorn and the worker as separate processes. Loads a small demo, then logs in as every demo
# role and requests that role's pages (scripts/prod_smoke.py). Stops everything it started.
# Needs PostgreSQL and Redis on 127.0.0.1 (CI starts them); run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
port=${SMOKE_PORT:-8765}
pg=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
database=meihao_smoke
work=$(mktemp -d)
pids=()

stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$pg/postgres" -q -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT INT TERM

psql "$pg/postgres" -q -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database" >/dev/null
redis-cli -n 15 FLUSHDB >/dev/null

$py -c "import secrets; print(secrets.token_urlsafe(48))" > "$work/secret_key"
$py -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > "$work/pii_key"
chmod 600 "$work/secret_key" "$work/pii_key"

export DEBUG=false
export DATABASE_URL="$pg/$database"
export REDIS_URL=redis://127.0.0.1:6379/15
export SECRET_KEY_FILE="$work/secret_key" PII_KEY_FILE="$work/pii_key"
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$port" HTTPS=true
export MEIHAO_VAR_DIR="$work/var" STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media"
unset SECRET_KEY STATIC_MANIFEST HUEY_IMMEDIATE

$py manage.py migrate --no-input -v 0
$py manage.py collectstatic --no-input -v 0
$py manage.py seed_demo --residents 400 --cases 40 --patrols 2 --activities 60 > "$work/seed.log"
# The demo is written in bulk (no marks): build the indicators' rollups from its records.
$py manage.py rollup_rebuild > "$work/rollups.log"

$py manage.py run_huey --quiet > "$work/worker.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn meihao.wsgi --workers 2 --bind "127.0.0.1:$port" \
  --access-logfile - --error-logfile - > "$work/gunicorn.log" 2>&1 &
pids+=($!)

if ! $py scripts/prod_smoke.py "http://127.0.0.1:$port" \
  <($py manage.py demo_accounts --json 2>/dev/null); then
  echo "--- gunicorn log (last 80 lines)" >&2
  tail -n 80 "$work/gunicorn.log" >&2
  echo "--- worker log (last 40 lines)" >&2
  tail -n 40 "$work/worker.log" >&2
  exit 1
fi
# The rollups answer what the records say (exit 1 on any difference).
$py manage.py rollup_check
