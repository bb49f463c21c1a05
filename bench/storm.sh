#!/usr/bin/env bash
# The exam storm. Usage:
#   bench/storm.sh sqlite|postgres [N ...]      storm with N trainees each (default 1000 5000): start, 20 saves, submit
#   bench/storm.sh sync sqlite|postgres [N ...] the synchronized start: N trainees (default 10000) only press
#                                               "start", all within STORM_SYNC_WINDOW (default 10 s)
#   bench/storm.sh examday sqlite|postgres [N]  in one world (one login phase): the synchronized start, then,
#                                               every attempt forgotten, the realistic storm (starts over 60 s,
#                                               think 10-30 s before each of 20 saves, submit)
#   bench/storm.sh durability [N]               PostgreSQL, SIGKILL mid-storm, restart, check acknowledged saves
# Env: STORM_REPEAT (runs per N, default 1), STORM_POOL (client pool, 256), STORM_WINDOW (start window s, 60),
#      STORM_THINK_MIN / STORM_THINK_MAX (think time before each save, s; default 0.5 / 2),
#      STORM_BINARIES (several server binaries, each run in turn on the same world, e.g. before and after
#      a change; default $ZJ), KILL_AFTER (durability: seconds into the storm, default 25), BENCH_PORT,
#      BENCH_PG_SSLMODE (e.g. disable: plain TCP to PostgreSQL, as in docker-compose.yml),
#      STORM_SYNC_CLIENT (rust: bench/loadgen, the default; python: storm.py), LOADGEN_TARGET.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init

mode=${1:-sqlite}
shift || true
POOL=${STORM_POOL:-256}
WINDOW=${STORM_WINDOW:-60}
SYNC_WINDOW=${STORM_SYNC_WINDOW:-10}
THINK_MIN=${STORM_THINK_MIN:-0.5}
THINK_MAX=${STORM_THINK_MAX:-2}
REPEAT=${STORM_REPEAT:-1}
read -r -a BINARIES <<<"${STORM_BINARIES:-$ZJ}"
# The synchronized start's client: rust (bench/loadgen, about 0.06 ms of
# CPU per request, built here on first use) or python (storm.py, about
# 0.5 ms: on two cores it takes a fifth of what the server and PostgreSQL
# could use).
CLIENT=${STORM_SYNC_CLIENT:-rust}
LOADGEN_TARGET=${LOADGEN_TARGET:-/tmp/zhijiang-loadgen-target}
LOADGEN=$LOADGEN_TARGET/release/loadgen
if [ "$CLIENT" = rust ] && [ ! -x "$LOADGEN" ]; then
  cargo build --release --quiet --manifest-path "$BENCH_DIR/loadgen/Cargo.toml" --target-dir "$LOADGEN_TARGET"
fi

# Forgets every attempt, so that each phase starts from the same state
# (nobody has an attempt yet).
reset_attempts() {
  local sql="DELETE FROM attempt_answers; DELETE FROM attempts;"
  case $ZHIJIANG_DATABASE_URL in
    sqlite:*) python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" \
      "$(echo "${ZHIJIANG_DATABASE_URL#sqlite://}" | cut -d'?' -f1)" "$sql" ;;
    *) psql -q "$ZHIJIANG_DATABASE_URL" -c "$sql" >/dev/null ;;
  esac
}

# one_run KIND N LABEL PHASE: a fresh server, one storm of PHASE
# (sync: starts only within SYNC_WINDOW; realistic: 60 s, think 10-30 s;
# storm: STORM_WINDOW and STORM_THINK_*).
one_run() {
  local kind=$1 n=$2 label=$3 phase=$4
  local args=(--start-window "$WINDOW" --think-min "$THINK_MIN" --think-max "$THINK_MAX")
  case $phase in
    sync) args=(--start-window "$SYNC_WINDOW" --starts-only) ;;
    realistic) args=(--start-window 60 --think-min 10 --think-max 30) ;;
  esac
  reset_attempts
  start_server "$BENCH_TMP/server-$label.log"
  echo "### $kind $phase N=$n ($label; server $ZJ; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  local c0 c1
  c0=$(cpu_seconds "$SERVER_PID")
  if [ "$phase" = sync ] && [ "$CLIENT" = rust ]; then
    "$LOADGEN" --base "$BASE" --exam "$EXAM_ID" --tokens "$BENCH_TMP/tokens.json" --n "$n" \
      --window "$SYNC_WINDOW" --pool "$POOL" --json-out "$BENCH_TMP/storm-$label.json"
  else
    python3 "$BENCH_DIR/storm.py" storm --base "$BASE" --exam "$EXAM_ID" --n "$n" --branches 10 \
      --password "$BENCH_PASSWORD" --pool "$POOL" --token-cache "$BENCH_TMP/tokens.json" "${args[@]}" \
      --json-out "$BENCH_TMP/storm-$label.json"
  fi
  c1=$(cpu_seconds "$SERVER_PID")
  echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB; server CPU during run: $(echo "$c1 - $c0" | bc) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  local errs
  errs=$(grep -ciE 'error|panic' "$BENCH_TMP/server-$label.log" || true)
  echo "server log lines with error/panic: $errs"
  [ "$errs" -gt 0 ] && grep -iE 'error|panic' "$BENCH_TMP/server-$label.log" | sort | uniq -c | sort -rn | head -5
  stop_server
}

# storm_runs KIND "PHASES" N ...: one world of max(N) trainees, their
# logins once, then every phase for every N, REPEAT times, with every binary.
storm_runs() {
  local kind=$1 phases=$2; shift 2
  local sizes=("$@")
  local max=0
  for n in "${sizes[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
  echo "## storm on $kind, N = ${sizes[*]}, phases: $phases (client pool $POOL, $REPEAT run(s) each)"
  new_db "$kind" storm
  seed_load --branches 10 --trainees-per-branch $(( (max + 9) / 10 ))
  # Logins first, in a server of their own: argon2id (19 MiB, 2 passes) bounds
  # them by design, and their memory would otherwise dominate the storm's peak RSS.
  start_server "$BENCH_TMP/server-$kind-login.log"
  echo "### $kind logins of $max trainees (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 "$BENCH_DIR/storm.py" storm --login-only --base "$BASE" --exam "$EXAM_ID" --n "$max" --branches 10 \
    --password "$BENCH_PASSWORD" --pool "$POOL" --token-cache "$BENCH_TMP/tokens.json" 2>/dev/null
  echo "server peak RSS after logins (VmHWM): $(peak_rss_mib) MiB; resident now (VmRSS): $(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$SERVER_PID/status) MiB; threads: $(awk '/Threads/{print $2}' /proc/$SERVER_PID/status)"
  stop_server
  local n r phase b
  for n in "${sizes[@]}"; do
    for r in $(seq 1 "$REPEAT"); do
      for phase in $phases; do
        for b in "${!BINARIES[@]}"; do
          ZJ=${BINARIES[$b]} one_run "$kind" "$n" "$kind-$phase-$n-$r-$b" "$phase"
        done
      done
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
    storm_runs "$mode" storm "$@" ;;
  sync | examday)
    kind=${1:-postgres}
    shift || true
    [ $# -gt 0 ] || set -- 10000
    phases=sync
    [ "$mode" = examday ] && phases="sync realistic"
    storm_runs "$kind" "$phases" "$@" ;;
  durability) durability "${1:-1000}" ;;
  *) echo "usage: $0 sqlite|postgres [N ...] | sync|examday sqlite|postgres [N ...] | durability [N]" >&2; exit 2 ;;
esac
