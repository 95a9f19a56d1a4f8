#!/usr/bin/env bash
# `make run-prod`: the production recipe on this machine. nginx on HOST:PORT in front of granian
# (on a unix socket only nginx reaches), the task worker and the scheduler, with production
# settings (MICONSULADO_DEBUG off, a generated secret key, static files collected and served by
# nginx) against DATABASE_URL. Ctrl-C (or SIGTERM) stops all four and exits 0.
#
# Every process runs in a session of its own, so a Ctrl-C reaches only this script, which then
# sends each exactly one SIGTERM: a granian worker signalled by the terminal as well as by its
# master can hang in shutdown, and db_worker takes a second signal as "kill the running task".
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-$(nproc)}
BIN=${BIN:-.venv/bin}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/miconsulado}
VAR=$(realpath -m "${MICONSULADO_VAR_DIR:-var}")
export MICONSULADO_VAR_DIR=$VAR
NGINX_DIR=$VAR/nginx

# --- nginx (Debian's package) --------------------------------------------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "nginx is not installed: installing Debian's package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  else
    echo "nginx is not installed: as root, apt-get install nginx" >&2
    exit 1
  fi
fi

# --- Production settings -------------------------------------------------------------------------
unset MICONSULADO_DEBUG
mkdir -p "$VAR/run" "$NGINX_DIR/tmp"
if [ ! -s "$VAR/secret_key" ]; then
  (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$VAR/secret_key")
fi
chmod 600 "$VAR/secret_key"
MICONSULADO_SECRET_KEY=$(cat "$VAR/secret_key")
export MICONSULADO_SECRET_KEY
export MICONSULADO_BEHIND_PROXY=1
export MICONSULADO_ALLOWED_HOSTS=${MICONSULADO_ALLOWED_HOSTS:-$HOST,127.0.0.1,localhost}
# Served over plain HTTP on this machine: cookies marked Secure would never come back. Behind TLS
# (a real deployment) leave this on.
export MICONSULADO_SECURE_COOKIES=${MICONSULADO_SECURE_COOKIES:-0}

# --- The database: created if missing, migrated, the demo data -----------------------------------
"$BIN/python" - <<'PY'
import os
import dj_database_url
import psycopg
from psycopg import sql

db = dj_database_url.parse(os.environ["DATABASE_URL"])
if db["ENGINE"].endswith("postgresql"):
    params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
              "password": db["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **params) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"created database {db['NAME']}")
PY
"$BIN/miconsulado" migrate --noinput -v 0
"$BIN/miconsulado" load_demo_data
"$BIN/miconsulado" collectstatic --noinput -v 0

# --- nginx's configuration, from the template in deploy/ ----------------------------------------
SOCKET=$VAR/run/granian.sock
if [ ${#SOCKET} -gt 100 ]; then  # a unix socket's path holds at most 107 bytes
  SOCKET=$(mktemp -d /tmp/miconsulado.XXXXXX)/granian.sock
fi
rm -f "$SOCKET"
sed -e "s|@USER@|$(id -un)|g" -e "s|@PREFIX@|$NGINX_DIR|g" -e "s|@LISTEN@|$HOST:$PORT|g" \
    -e "s|@UPSTREAM@|unix:$SOCKET|g" -e "s|@STATIC@|$VAR/staticfiles|g" \
    deploy/nginx.conf.template >"$NGINX_DIR/nginx.conf"
"$NGINX" -q -t -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log"

# --- Run all four; stop all four --------------------------------------------------------------
pids=()
stop() {
  trap - INT TERM EXIT
  kill -TERM "${pids[@]}" 2>/dev/null || true
  # Whatever has not stopped in 15 s is killed, with its own children.
  (sleep 15 && for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done) &
  local watchdog=$!
  wait "${pids[@]}" 2>/dev/null || true
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  rm -f "$SOCKET"
}
trap 'echo; echo "stopping"; stop; exit 0' INT TERM
trap stop EXIT

setsid "$BIN/granian" --interface wsgi miconsulado.wsgi:application --uds "$SOCKET" --uds-permissions 0600 \
  --workers "$WORKERS" --blocking-threads 1 --no-ws --workers-kill-timeout 5 --log-level warning &
pids+=($!)
# nginx starts once granian accepts connections (its workers load Django first: seconds).
"$BIN/python" - "$SOCKET" "${pids[0]}" <<'PY'
import pathlib, socket, sys, time
stat = pathlib.Path(f"/proc/{sys.argv[2]}/stat")
deadline = time.monotonic() + 120
while True:
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(sys.argv[1])
            break
        except OSError:
            pass
    if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
        sys.exit("granian exited before it opened its socket")
    if time.monotonic() > deadline:
        sys.exit("granian did not open its socket within 120 s")
    time.sleep(0.1)
PY
setsid "$NGINX" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" &
pids+=($!)
setsid "$BIN/miconsulado" db_worker &
pids+=($!)
setsid "$BIN/miconsulado" run_scheduler &
pids+=($!)
echo "Mi Consulado (production settings) on http://$HOST:$PORT/ : nginx -> granian ($WORKERS workers" \
  "on $SOCKET), db_worker, run_scheduler"
echo "logs: $NGINX_DIR/access.log, $NGINX_DIR/error.log; Ctrl-C stops all"
# One of them exited on its own: stop the others and report it as a failure.
set +e
wait -n
status=$?
echo "a process of the stack exited (status $status): stopping the others" >&2
exit $((status == 0 ? 1 : status))
