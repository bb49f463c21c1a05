#!/usr/bin/env bash
# HTTP benchmark of the release binary on loopback with wrk:
#   (a) GET /healthz                 (no auth, no database)
#   (b) GET /api/v1/users/me         (EdDSA JWT verified, user loaded)
#   (c) POST /api/v1/auth/login      (argon2id 19 MiB, 2 passes: slow by design)
# and the server's peak RSS (VmHWM). On SQLite always, and on PostgreSQL when
# ZHIJIANG_BENCH_POSTGRES_URL is set (a fresh database, dropped at the end).
#
#   bench/http_auth.sh
#   ZHIJIANG_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test bench/http_auth.sh
#
# Settings: BENCH_DURATION (wrk seconds per run, default 10), BENCH_ROUNDS
# (runs of each measurement, default 2), BENCH_CONNECTIONS (default 64),
# BENCH_THREADS (default 2), BENCH_SKIP_BUILD=1 (use target/release as is).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${BENCH_DURATION:-10}"
ROUNDS="${BENCH_ROUNDS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
BIN="$PWD/target/release/zhijiang"
EMAIL="bench-admin@hq.bench.zhijiang.test"
PASSWORD="bench-password-2026"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
case "$DURATION" in ''|*[!0-9]*) echo "BENCH_DURATION must be whole seconds" >&2; exit 2;; esac
[ "$DURATION" -le 60 ] || { echo "BENCH_DURATION is capped at 60 s" >&2; exit 2; }

TMP="$(mktemp -d /tmp/zhijiang-bench-http.XXXXXX)"
SERVER_PID=""
PG_ADMIN_URL=""
PG_DB=""

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

drop_pg() {
  if [ -n "$PG_DB" ]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 \
      || echo "warning: could not drop database $PG_DB" >&2
    PG_DB=""
  fi
}

cleanup() {
  stop_server
  drop_pg
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "== cargo build --release"
  cargo build --release --quiet
fi
[ -x "$BIN" ] || { echo "no $BIN" >&2; exit 2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The field of a wrk report: requests/s, latency percentiles, errors.
wrk_field() { # file field
  local f="$1"
  case "$2" in
    rps) awk '/^Requests\/sec:/ {print $2}' "$f" ;;
    p50) awk '$1=="50%" {print $2}' "$f" ;;
    p99) awk '$1=="99%" {print $2}' "$f" ;;
    requests) awk '/requests in/ {print $1}' "$f" ;;
    non2xx) awk '/Non-2xx or 3xx responses:/ {print $5}' "$f" | grep . || echo 0 ;;
    errors) awk '/Socket errors:/ {gsub(",","");print "connect " $4 " read " $6 " write " $8 " timeout " $10}' "$f" | grep . || echo none ;;
  esac
}

vm() { # pid field (VmHWM / VmRSS), in MiB
  awk -v k="$2:" '$1==k {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"
}

# Runs wrk, prints one line, keeps the report in $TMP.
run_wrk() { # label name url [extra wrk args...]
  local label="$1" name="$2" url="$3"
  shift 3
  local out="$TMP/$name.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$out" 2>&1 || {
    echo "wrk failed:" >&2; cat "$out" >&2; return 1; }
  printf '  %-30s %10s req/s  p50 %9s  p99 %9s  requests %8s  non-2xx %s  socket errors %s\n' \
    "$label" "$(wrk_field "$out" rps)" "$(wrk_field "$out" p50)" "$(wrk_field "$out" p99)" \
    "$(wrk_field "$out" requests)" "$(wrk_field "$out" non2xx)" "$(wrk_field "$out" errors)"
}

bench_backend() { # label database-url
  local label="$1" url="$2" dir="$TMP/$1"
  mkdir -p "$dir"
  local port
  port="$(free_port)"
  export ZHIJIANG_DATABASE_URL="$url"
  export ZHIJIANG_DATA_DIR="$dir"
  export ZHIJIANG_LISTEN="127.0.0.1:$port"
  export ZHIJIANG_LOG=warn
  export ZHIJIANG_LOGIN_ATTEMPTS_PER_MINUTE=1000000
  export ZHIJIANG_LOGIN_FAILURES_PER_ACCOUNT=1000000
  export ZHIJIANG_RUN_WORKER=false
  local base="http://127.0.0.1:$port"

  echo
  echo "== $label ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$BIN" admin create-hq --email "$EMAIL" --password "$PASSWORD" >"$dir/create-hq.log" 2>&1 || {
    cat "$dir/create-hq.log" >&2; return 1; }

  "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  local up=0
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then up=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$up" != 1 ]; then
    echo "server did not start:" >&2; cat "$dir/server.log" >&2; return 1
  fi
  echo "  server pid $SERVER_PID on $base, RSS after start $(vm "$SERVER_PID" VmRSS) MiB"

  local body token
  body="{\"branch\":\"HQ\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
  token="$(curl -fsS "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d "$body" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/users/me" || {
    echo "GET /api/v1/users/me with the token failed" >&2; return 1; }

  cat >"$TMP/login.lua" <<EOF
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
EOF

  local r
  for r in $(seq 1 "$ROUNDS"); do
    echo "  -- round $r (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s)"
    run_wrk "(a) GET /healthz" "$label-healthz-$r" "$base/healthz"
    run_wrk "(b) GET /api/v1/users/me" "$label-me-$r" "$base/api/v1/users/me" \
      -H "Authorization: Bearer $token"
    local a b
    a="$(wrk_field "$TMP/$label-healthz-$r.txt" rps)"
    b="$(wrk_field "$TMP/$label-me-$r.txt" rps)"
    awk -v a="$a" -v b="$b" 'BEGIN { r = (a > 0) ? b / a : 0;
      printf "  %-30s %10.2f  (target >= 0.5: %s)\n", "ratio (b)/(a)", r, (r >= 0.5) ? "met" : "NOT met" }'
    echo "  peak RSS so far (VmHWM)        $(vm "$SERVER_PID" VmHWM) MiB"
  done
  for r in $(seq 1 "$ROUNDS"); do
    echo "  -- login round $r (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 30s)"
    run_wrk "(c) POST /api/v1/auth/login" "$label-login-$r" "$base/api/v1/auth/login" \
      -s "$TMP/login.lua" --timeout 30s
    echo "  peak RSS so far (VmHWM)        $(vm "$SERVER_PID" VmHWM) MiB (RSS now $(vm "$SERVER_PID" VmRSS) MiB)"
  done
  # The access token still works after the storm, and the server is alive.
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/users/me" \
    || echo "  PROBLEM: GET /api/v1/users/me failed after the runs"
  curl -fsS -o /dev/null "$base/readyz" || echo "  PROBLEM: /readyz not ready after the runs"
  stop_server
  local problems
  problems="$(grep -Eci 'error|panic' "$dir/server.log" || true)"
  echo "  server log: $(wc -l <"$dir/server.log") lines, $problems with error/panic"
  # Whatever the server logged at warn or above (the log is deleted at exit).
  sed 's/\x1b\[[0-9;]*m//g' "$dir/server.log" | cut -c1-300 | sort | uniq -c | sort -rn | head -5 | sed 's/^/    /' 
}

echo "http_auth benchmark $(date -u +%FT%TZ), $(nproc) cores, wrk $THREADS threads $CONNECTIONS connections ${DURATION}s, $ROUNDS rounds"
bench_backend sqlite "sqlite://$TMP/sqlite/bench.db?mode=rwc"

if [ -n "${ZHIJIANG_BENCH_POSTGRES_URL:-}" ]; then
  command -v psql >/dev/null || { echo "psql is needed for the PostgreSQL run" >&2; exit 2; }
  PG_ADMIN_URL="$ZHIJIANG_BENCH_POSTGRES_URL"
  name="zj_bench_http_$$_$(date +%s)"
  pg_base="${PG_ADMIN_URL%%\?*}"
  pg_query=""
  [ "$pg_base" != "$PG_ADMIN_URL" ] && pg_query="?${PG_ADMIN_URL#*\?}"
  scheme="${pg_base%%://*}://"
  rest="${pg_base#*://}"
  pg_url="$scheme${rest%%/*}/$name$pg_query"
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE \"$name\"" >/dev/null
  PG_DB="$name"
  bench_backend postgres "$pg_url"
  drop_pg
else
  echo
  echo "(PostgreSQL skipped: set ZHIJIANG_BENCH_POSTGRES_URL to include it)"
fi
