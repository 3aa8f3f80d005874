#!/usr/bin/env bash
# Build the embedded SQLite database, load the demo district, then run the worker and web server.
set -euo pipefail
port=${1:-8000}
py=.venv/bin/python

$py manage.py migrate --no-input -v 0
$py manage.py seed_demo --scale "${SCALE:-1}"
$py manage.py collectstatic --no-input -v 0

$py manage.py run_huey --quiet > var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo
echo "Meihao is starting at http://127.0.0.1:${port}/  (worker log: var/worker.log, stop with Ctrl-C)"
echo
$py manage.py demo_accounts
echo
exec_status=0
$py manage.py runserver "127.0.0.1:${port}" --noreload || exec_status=$?
exit $exec_status
