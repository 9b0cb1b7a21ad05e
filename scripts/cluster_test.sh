#!/usr/bin/env bash
# The deploy/ topology without Docker: PostgreSQL, three app replicas and nginx with the shipped
# deploy/nginx.conf.template, all on this machine, driven by headless Chromium through nginx.
#
# How it works
# 1. nginx, PostgreSQL (Debian's packages) and Chromium must be there; a missing one stops the
#    script with the command that installs it.
# 2. PostgreSQL: tests/pg_server.py (the storage tests' server) prints its URL and runs until it
#    is stopped. Three `streamlit run app.py` on free local ports share that database, one
#    teacher key and one cookie secret, as the Compose file's replicas do.
# 3. nginx runs in the foreground with its pid, logs and temporary files in a folder of its own,
#    from the template with the local ports filled in (the Compose file fills in its services).
# 4. Once all four answer /_stcore/health, pytest runs tests/cluster/test_cluster.py (extra
#    arguments go to pytest). On exit, failed or not, everything started here is stopped and its
#    folder removed; a failure first prints the end of each log.
# Usage: bash scripts/cluster_test.sh [pytest options]   (PYTHON=... picks the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
START=$SECONDS

PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
missing() { echo "cluster test: $1 is not installed: apt-get install -y $2" >&2; exit 1; }
[ -x "$NGINX" ] || missing nginx nginx
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing PostgreSQL postgresql
{ command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; } || missing Chromium chromium

TMP=$(mktemp -d /tmp/nn-digits-cluster-XXXXXX)
chmod 755 "$TMP"  # nginx's workers (user nobody when started as root) write temporary files here
PG_PID="" NGINX_PID="" APP_PIDS=() STATUS=1

stop_all() {
  local pid
  for pid in $NGINX_PID "${APP_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $NGINX_PID "${APP_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_PID" ]; then  # pg_server.py stops PostgreSQL (pg_ctl stop) and deletes its folder
    kill -TERM "$PG_PID" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
  fi
  if [ "$STATUS" -ne 0 ]; then
    for log in "$TMP"/postgres.log "$TMP"/app-*.log "$TMP"/nginx-error.log; do
      [ -s "$log" ] && { echo "--- end of $(basename "$log")"; tail -n 25 "$log"; }
    done
  fi
  rm -rf "$TMP"
}
trap 'STATUS=$?; stop_all' EXIT
trap 'exit 130' INT TERM

# Four distinct free ports, held open together so that none is handed out twice.
read -r P1 P2 P3 PROXY < <("$PYTHON" - <<'EOF'
import socket
held = [socket.socket() for _ in range(4)]
for s in held:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))
EOF
)

healthy() {  # healthy URL NAME PID: wait until URL/_stcore/health answers 200, or fail
  "$PYTHON" - "$@" <<'EOF'
import os, sys, time, urllib.request
url, name, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.time() + 120
while time.time() < deadline:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"cluster test: {name} exited before answering {url}/_stcore/health")
    time.sleep(0.3)
sys.exit(f"cluster test: {name} did not answer {url}/_stcore/health within 120 s")
EOF
}

# --- 2. PostgreSQL and three replicas -------------------------------------------------------------
"$PYTHON" tests/pg_server.py >"$TMP/postgres.url" 2>"$TMP/postgres.log" &
PG_PID=$!
for _ in $(seq 600); do
  [ -s "$TMP/postgres.url" ] && break
  kill -0 "$PG_PID" 2>/dev/null || { echo "cluster test: PostgreSQL did not start" >&2; exit 1; }
  sleep 0.2
done
DATABASE_URL=$(head -n 1 "$TMP/postgres.url")
[ -n "$DATABASE_URL" ] || { echo "cluster test: PostgreSQL did not start in 120 s" >&2; exit 1; }

export NN_DIGITS_DATABASE_URL=$DATABASE_URL
export NN_DIGITS_TEACHER_KEY=${NN_DIGITS_TEACHER_KEY:-cluster-test-$RANDOM$RANDOM}
# One secret for all replicas: the XSRF cookie one replica sets is then valid on the others.
export STREAMLIT_SERVER_COOKIE_SECRET=$("$PYTHON" -c "import secrets; print(secrets.token_hex(32))")
export MALLOC_ARENA_MAX=2
export NN_DIGITS_DATA_DIR=$TMP/data  # nothing may fall back to a SQLite file in ~/.local/share

REPLICAS=()
for port in $P1 $P2 $P3; do
  "$PYTHON" -m streamlit run app.py --server.headless true --server.address 127.0.0.1 \
    --server.port "$port" --browser.gatherUsageStats false >"$TMP/app-$port.log" 2>&1 &
  APP_PIDS+=($!)
  REPLICAS+=("127.0.0.1:$port=$!")
done

# --- 3. nginx with the shipped template -----------------------------------------------------------
sed -e "s/\${NN_DIGITS_LISTEN}/127.0.0.1:$PROXY/" -e "s/\${NN_DIGITS_APP_1}/127.0.0.1:$P1/" \
    -e "s/\${NN_DIGITS_APP_2}/127.0.0.1:$P2/" -e "s/\${NN_DIGITS_APP_3}/127.0.0.1:$P3/" \
    deploy/nginx.conf.template >"$TMP/nn-digits.conf"
if grep -q '\${NN_DIGITS_[A-Z0-9_]*}' "$TMP/nn-digits.conf"; then
  echo "cluster test: deploy/nginx.conf.template has a name this script does not fill in:" >&2
  grep -n '\${NN_DIGITS_[A-Z0-9_]*}' "$TMP/nn-digits.conf" >&2
  exit 1
fi
cat >"$TMP/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 512; }
http {
    access_log $TMP/nginx-access.log;
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;
    include $TMP/nn-digits.conf;
}
EOF
"$NGINX" -q -t -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log"
"$NGINX" -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" &
NGINX_PID=$!

for i in 0 1 2; do
  port=${REPLICAS[$i]#127.0.0.1:}
  port=${port%=*}
  healthy "http://127.0.0.1:$port" "replica $((i + 1)) (streamlit on port $port)" "${APP_PIDS[$i]}"
done
healthy "http://127.0.0.1:$PROXY" "nginx" "$NGINX_PID"
echo "cluster: nginx http://127.0.0.1:$PROXY -> replicas on ports $P1 $P2 $P3," \
     "PostgreSQL ${DATABASE_URL##*@}; up after $((SECONDS - START)) s"

# --- 4. the tests ------------------------------------------------------------------------------
TESTS_STATUS=0
NN_DIGITS_CLUSTER_URL="http://127.0.0.1:$PROXY" NN_DIGITS_CLUSTER_DATABASE_URL=$DATABASE_URL \
NN_DIGITS_CLUSTER_REPLICAS=$(IFS=,; echo "${REPLICAS[*]}") \
  "$PYTHON" -m pytest tests/cluster/test_cluster.py -n 0 -p no:cacheprovider -s "$@" || TESTS_STATUS=$?

echo
echo "cluster test summary: PostgreSQL 1, replicas 3 (ports $P1 $P2 $P3), nginx on $PROXY;" \
     "pytest exit status $TESTS_STATUS; $((SECONDS - START)) s in all"
exit "$TESTS_STATUS"
