#!/usr/bin/env bash
# Build the embedded SQLite database, load the demo district, then run the worker and web server.
# Run through `make demo` (which installs everything and generates var/secret_key). The demo runs
# as the product does in production, DEBUG off: its own 404 and 500 pages, static files collected
# (hashed names, compressed) and served by WhiteNoise, plain HTTP on 127.0.0.1 (secure cookies
# only with HTTPS=true).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
py=.venv/bin/python
mkdir -p var

$py manage.py migrate --no-input -v 0
# Idempotent: a second `make demo` adds nothing and takes about a second.
$py manage.py seed_demo --scale "${SCALE:-1}"
# No network needed: the vendored front-end files are already under meihao/web/static/vendor.
$py manage.py collectstatic --no-input -v 0

$py manage.py run_huey --quiet > var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
sleep 1
if ! kill -0 "$worker" 2>/dev/null; then
  echo "The worker did not start; see var/worker.log:" >&2
  cat var/worker.log >&2
  exit 1
fi

echo
echo "Meihao is starting at http://127.0.0.1:${port}/  (health: /healthz, worker log: var/worker.log, stop with Ctrl-C)"
echo
$py manage.py demo_accounts
echo
exec_status=0
$py manage.py runserver "127.0.0.1:${port}" --noreload || exec_status=$?
exit $exec_status
