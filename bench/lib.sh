# Shared helpers for the bench/*.sh scripts (sourced, not run).
# Everything talks to 127.0.0.1 only; every server started here is stopped by
# the caller's trap (bench_cleanup).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
ZJ=${ZJ:-$REPO_DIR/target/release/zhijiang}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_PORT=${BENCH_PORT:-18471}
BASE=http://127.0.0.1:$BENCH_PORT
SERVER_PID=""
BENCH_TMP=""
BENCH_PG_DBS=()
BENCH_PASSWORD=load-test-password-1

bench_init() {
  [ -x "$ZJ" ] || { echo "build first: cargo build --release ($ZJ missing)" >&2; exit 1; }
  BENCH_TMP=$(mktemp -d /tmp/zhijiang-bench.XXXXXX)
  trap bench_cleanup EXIT INT TERM
  echo "# $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_cleanup() {
  local rc=$?
  stop_server || true
  for db in "${BENCH_PG_DBS[@]}"; do
    psql -q "$PG_ADMIN_URL/postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  [ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
  exit $rc
}

# new_db sqlite|postgres NAME -> sets ZHIJIANG_DATABASE_URL
new_db() {
  local kind=$1 name=$2
  if [ "$kind" = sqlite ]; then
    export ZHIJIANG_DATABASE_URL="sqlite://$BENCH_TMP/$name.db?mode=rwc"
  else
    local db="zjbench_${name}_$$"
    psql -q "$PG_ADMIN_URL/postgres" -c "CREATE DATABASE \"$db\"" >/dev/null
    BENCH_PG_DBS+=("$db")
    # BENCH_PG_SSLMODE=disable: plain TCP to PostgreSQL, as in the shipped
    # docker-compose.yml (the postgres image runs without TLS); unset, the
    # driver's default (TLS when the server offers it, as this host's does).
    export ZHIJIANG_DATABASE_URL="$PG_ADMIN_URL/$db${BENCH_PG_SSLMODE:+?sslmode=$BENCH_PG_SSLMODE}"
  fi
  export ZHIJIANG_DATA_DIR=$BENCH_TMP
  export ZHIJIANG_LISTEN=127.0.0.1:$BENCH_PORT
  export ZHIJIANG_LOG=${ZHIJIANG_LOG:-warn}
  export ZHIJIANG_LOGIN_ATTEMPTS_PER_MINUTE=1000000
  export ZHIJIANG_LOGIN_FAILURES_PER_ACCOUNT=1000000
  export ZHIJIANG_VERIFY_REQUESTS_PER_MINUTE=${ZHIJIANG_VERIFY_REQUESTS_PER_MINUTE:-1000000}
  export ZHIJIANG_ACCESS_TOKEN_MINUTES=${ZHIJIANG_ACCESS_TOKEN_MINUTES:-240}
  export ZHIJIANG_MASTER_KEY=${ZHIJIANG_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
}

start_server() {
  local log=${1:-$BENCH_TMP/server.log}
  "$ZJ" serve >>"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if curl -fs "$BASE/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died at start:"; tail -20 "$log"; return 1; }
    sleep 0.2
  done
  echo "server not ready after 60 s"; return 1
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

# peak_rss_mib: the server's VmHWM
peak_rss_mib() {
  awk '/VmHWM/{printf "%.1f", $2/1024}' "/proc/$SERVER_PID/status"
}

# cpu_seconds PID: utime+stime
cpu_seconds() {
  awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/t}' "/proc/$1/stat"
}

login() { # branch email password -> access token
  curl -fs "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"branch\":\"$1\",\"email\":\"$2\",\"password\":\"$3\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# seed_load ARGS... -> writes $BENCH_TMP/world.json, sets SEED_SECONDS, COURSE_ID, EXAM_ID
seed_load() {
  local t0 t1
  t0=$(date +%s.%N)
  "$ZJ" admin seed-load --password "$BENCH_PASSWORD" "$@" >"$BENCH_TMP/world.json" 2>>"$BENCH_TMP/seed.log" \
    || { echo "seed-load failed:"; tail -20 "$BENCH_TMP/seed.log"; return 1; }
  t1=$(date +%s.%N)
  SEED_SECONDS=$(echo "$t1 - $t0" | bc)
  COURSE_ID=$(json_field '["course_id"]' <"$BENCH_TMP/world.json")
  EXAM_ID=$(json_field '["exam_id"]' <"$BENCH_TMP/world.json")
  echo "seed-load $* took $SEED_SECONDS s"
}

json_field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())$1)"; }
