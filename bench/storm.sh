#!/usr/bin/env bash
# The exam storm. Usage:
#   bench/storm.sh sqlite|postgres [N ...]     storm with N trainees each (default 1000 5000): start, 20 saves, submit
#   bench/storm.sh sync sqlite|postgres [N ...] the synchronized start: N trainees (default 10000) only press
#                                              "start", all within STORM_WINDOW (default here 10 s)
#   bench/storm.sh durability [N]              PostgreSQL, SIGKILL mid-storm, restart, check acknowledged saves
# Env: STORM_REPEAT (runs per N, default 1), STORM_POOL (client pool, 256), STORM_WINDOW (start window s, 60),
#      STORM_THINK_MIN / STORM_THINK_MAX (think time before each save, s; default 0.5 / 2; the
#      realistic storm of an exam day is 10 / 30), KILL_AFTER (durability: seconds into the storm,
#      default 25), BENCH_PORT.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init

mode=${1:-sqlite}
shift || true
STARTS_ONLY=()
if [ "$mode" = sync ]; then
  mode=${1:-postgres}
  shift || true
  STARTS_ONLY=(--starts-only)
  WINDOW=${STORM_WINDOW:-10}
  [ $# -gt 0 ] || set -- 10000
fi
POOL=${STORM_POOL:-256}
WINDOW=${WINDOW:-${STORM_WINDOW:-60}}
THINK=(--think-min "${STORM_THINK_MIN:-0.5}" --think-max "${STORM_THINK_MAX:-2}")
REPEAT=${STORM_REPEAT:-1}

# Forgets every attempt, so that a repeated synchronized start starts from
# the same state (nobody has an attempt yet).
reset_attempts() {
  local sql="DELETE FROM attempt_answers; DELETE FROM attempts;"
  case $ZHIJIANG_DATABASE_URL in
    sqlite:*) python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" \
      "$(echo "${ZHIJIANG_DATABASE_URL#sqlite://}" | cut -d'?' -f1)" "$sql" ;;
    *) psql -q "$ZHIJIANG_DATABASE_URL" -c "$sql" >/dev/null ;;
  esac
}

storm_runs() {
  local kind=$1; shift
  local sizes=("$@")
  local max=0
  for n in "${sizes[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
  echo "## storm on $kind, N = ${sizes[*]} (client pool $POOL, start window ${WINDOW}s, ${STARTS_ONLY[*]:-start, saves, submit}, $REPEAT run(s) each)"
  new_db "$kind" storm
  seed_load --branches 10 --trainees-per-branch $(( (max + 9) / 10 ))
  local cache=$BENCH_TMP/tokens.json
  # Logins first, in a server of their own: argon2id (19 MiB, 2 passes) bounds
  # them by design, and their memory would otherwise dominate the storm's peak RSS.
  start_server "$BENCH_TMP/server-$kind-login.log"
  echo "### $kind logins of $max trainees (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 "$BENCH_DIR/storm.py" storm --login-only --base "$BASE" --exam "$EXAM_ID" --n "$max" --branches 10 \
    --password "$BENCH_PASSWORD" --pool "$POOL" --token-cache "$cache" 2>/dev/null
  echo "server peak RSS after logins (VmHWM): $(peak_rss_mib) MiB; resident now (VmRSS): $(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$SERVER_PID/status) MiB; threads: $(awk '/Threads/{print $2}' /proc/$SERVER_PID/status)"
  stop_server
  for n in "${sizes[@]}"; do
    for r in $(seq 1 "$REPEAT"); do
      [ ${#STARTS_ONLY[@]} -gt 0 ] && reset_attempts
      start_server "$BENCH_TMP/server-$kind-$n-$r.log"
      echo "### $kind N=$n run $r (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
      local t0 c0 c1
      c0=$(cpu_seconds "$SERVER_PID")
      python3 "$BENCH_DIR/storm.py" storm --base "$BASE" --exam "$EXAM_ID" --n "$n" --branches 10 \
        --password "$BENCH_PASSWORD" --pool "$POOL" --start-window "$WINDOW" --token-cache "$cache" \
        "${THINK[@]}" "${STARTS_ONLY[@]}" --json-out "$BENCH_TMP/storm-$kind-$n-$r.json"
      c1=$(cpu_seconds "$SERVER_PID")
      echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB; server CPU during run: $(echo "$c1 - $c0" | bc) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
      local errs
      errs=$(grep -ciE 'error|panic' "$BENCH_TMP/server-$kind-$n-$r.log" || true)
      echo "server log lines with error/panic: $errs"
      [ "$errs" -gt 0 ] && grep -iE 'error|panic' "$BENCH_TMP/server-$kind-$n-$r.log" | sort | uniq -c | sort -rn | head -5
      stop_server
    done
  done
}

durability() {
  local n=${1:-1000}
  local kill_after=${KILL_AFTER:-25}
  echo "## durability demo on postgres: N=$n, SIGKILL ${kill_after}s into the storm"
  new_db postgres durable
  seed_load --branches 10 --trainees-per-branch $(( (n + 9) / 10 ))
  start_server "$BENCH_TMP/server-durable-1.log"
  local ready=$BENCH_TMP/ready acks=$BENCH_TMP/acks.json
  python3 "$BENCH_DIR/storm.py" storm --base "$BASE" --exam "$EXAM_ID" --n "$n" --branches 10 --password "$BENCH_PASSWORD" \
    --pool "$POOL" --start-window "$WINDOW" --ack-log "$acks" --ready-file "$ready" --timeout 20 \
    --json-out "$BENCH_TMP/durable-storm.json" >"$BENCH_TMP/durable-storm.out" 2>&1 &
  local client=$!
  for _ in $(seq 1 600); do [ -e "$ready" ] && break; sleep 0.5; done
  sleep "$kill_after"
  echo "SIGKILL server pid $SERVER_PID at $(date -u +%T) (peak RSS so far $(peak_rss_mib) MiB)"
  kill -KILL "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  wait "$client" || true
  echo "client output during the kill:"
  cat "$BENCH_TMP/durable-storm.out"
  start_server "$BENCH_TMP/server-durable-2.log"
  echo "restarted; checking every acknowledged save:"
  python3 "$BENCH_DIR/storm.py" check --base "$BASE" --ack-log "$acks"
  stop_server
}

case $mode in
  sqlite | postgres)
    [ $# -gt 0 ] || set -- 1000 5000
    storm_runs "$mode" "$@" ;;
  durability) durability "${1:-1000}" ;;
  *) echo "usage: $0 sqlite|postgres [N ...] | sync sqlite|postgres [N ...] | durability [N]" >&2; exit 2 ;;
esac
