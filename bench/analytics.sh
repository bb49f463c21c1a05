#!/usr/bin/env bash
# Analytics at scale (issue 18). Two load worlds:
#   - 100k: 10 branches x 10,000 trainees, --with-answers (results, and every
#     attempt a real draw and answer sheet; one question harder in Thai):
#     the cohort summary, the completion report per grouping (cohort,
#     branch, course, month) and the exam's item statistics, each under 1 s;
#   - 1m: 10 branches x 100,000 trainees, --with-results: the completion
#     report as JSON and CSV (and grouped) under 2 s.
# Each request: one cold run, then ANALYTICS_RUNS timed runs (curl
# time_total); prints runs, median and p95 (nearest rank).
#
#   bench/analytics.sh [postgres|sqlite] [--keep] [--only 100k|1m]
#
# On PostgreSQL the worlds live in named databases (zj_bench_100k,
# zj_bench_1m): an existing one with the expected number of enrolments is
# reused instead of seeded again, and both are dropped at the end unless
# --keep is given. On SQLite they are files under ANALYTICS_STATE_DIR
# (default /tmp/zhijiang-analytics), kept or removed the same way; each
# world's master key is kept there too.
# Settings: ANALYTICS_RUNS (default 7), ANALYTICS_MAX_TIME (seconds before
# a request is given up, default 60), ZJ (the binary; default
# target/release/zhijiang, built first unless BENCH_SKIP_BUILD=1).
set -euo pipefail
ZJ_GIVEN=${ZJ:-}
source "$(dirname "$0")/lib.sh"

kind=postgres
keep=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    postgres|sqlite) kind=$1 ;;
    --keep) keep=1 ;;
    --only) only=$2; shift ;;
    *) echo "usage: $0 [postgres|sqlite] [--keep] [--only 100k|1m]" >&2; exit 2 ;;
  esac
  shift
done
RUNS=${ANALYTICS_RUNS:-7}
MAX_TIME=${ANALYTICS_MAX_TIME:-60}
STATE_DIR=${ANALYTICS_STATE_DIR:-/tmp/zhijiang-analytics}
SQLITE_DIR=$STATE_DIR
mkdir -p "$STATE_DIR"

[ -n "$ZJ_GIVEN" ] || ZJ=${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/zhijiang
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$REPO_DIR" && cargo build --release --quiet)
fi
bench_init
trap analytics_cleanup EXIT INT TERM
WORLDS=()
analytics_cleanup() {
  local rc=$?
  stop_server || true
  if [ "$keep" = 0 ]; then
    for w in "${WORLDS[@]}"; do
      if [ "$kind" = postgres ]; then
        psql -q "$PG_ADMIN_URL/postgres" -c "DROP DATABASE IF EXISTS \"zj_bench_$w\" WITH (FORCE)" >/dev/null 2>&1 || true
      else
        rm -f "$SQLITE_DIR/zj_bench_$w.db" "$SQLITE_DIR/zj_bench_$w.db-wal" "$SQLITE_DIR/zj_bench_$w.db-shm"
      fi
      rm -f "$STATE_DIR/$kind-$w.key"
    done
  fi
  [ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
  exit $rc
}

# Other compiles and test binaries on the machine, and the load average.
machine_load() {
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(top -bn1 | awk 'NR > 7 && $9 + 0 >= 20 {printf "%s(%s%%) ", $12, $9}')"
}

sql() { # world sql -> first column of the first row
  if [ "$kind" = postgres ]; then
    psql -At "$PG_ADMIN_URL/zj_bench_$1" -c "$2"
  else
    python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else '')" "$SQLITE_DIR/zj_bench_$1.db" "$2"
  fi
}

# use_world NAME ENROLMENTS SEED_ARGS...: points the server at the world,
# seeding it unless it already holds ENROLMENTS enrolments.
use_world() {
  local name=$1 want=$2
  shift 2
  WORLDS+=("$name")
  WORLD_DB=zj_bench_$name
  local have=0
  if [ "$kind" = postgres ]; then
    export ZHIJIANG_DATABASE_URL="$PG_ADMIN_URL/zj_bench_$name"
    if psql -At "$PG_ADMIN_URL/postgres" -c "SELECT 1 FROM pg_database WHERE datname = 'zj_bench_$name'" | grep -q 1; then
      have=$(sql "$name" "SELECT count(*) FROM enrolments" 2>/dev/null || echo 0)
      if [ "$have" != "$want" ]; then
        psql -q "$PG_ADMIN_URL/postgres" -c "DROP DATABASE \"zj_bench_$name\" WITH (FORCE)" >/dev/null
      fi
    fi
    [ "$have" = "$want" ] || psql -q "$PG_ADMIN_URL/postgres" -c "CREATE DATABASE \"zj_bench_$name\"" >/dev/null
  else
    mkdir -p "$SQLITE_DIR"
    export ZHIJIANG_DATABASE_URL="sqlite://$SQLITE_DIR/zj_bench_$name.db?mode=rwc"
    if [ -f "$SQLITE_DIR/zj_bench_$name.db" ]; then
      have=$(sql "$name" "SELECT count(*) FROM enrolments" 2>/dev/null || echo 0)
      [ "$have" = "$want" ] || rm -f "$SQLITE_DIR/zj_bench_$name.db"*
    fi
  fi
  # new_db's settings, without its throwaway database; a kept world keeps
  # its master key (its branch keys are sealed with it).
  local url=$ZHIJIANG_DATABASE_URL key=$STATE_DIR/$kind-$name.key
  new_db sqlite unused
  export ZHIJIANG_DATABASE_URL=$url
  if [ "$have" = "$want" ] && [ -s "$key" ]; then
    ZHIJIANG_MASTER_KEY=$(cat "$key")
  else
    echo "$ZHIJIANG_MASTER_KEY" >"$key"
    if [ "$have" = "$want" ]; then
      echo "world $name: its master key is lost ($key); seeding again"
      have=0
      if [ "$kind" = postgres ]; then
        psql -q "$PG_ADMIN_URL/postgres" -c "DROP DATABASE \"zj_bench_$name\" WITH (FORCE)" -c "CREATE DATABASE \"zj_bench_$name\"" >/dev/null
      else
        rm -f "$SQLITE_DIR/zj_bench_$name.db"*
      fi
    fi
  fi
  if [ "$have" = "$want" ]; then
    echo "world $name: reusing $want enrolments"
  else
    echo "world $name: seeding ($(machine_load))"
    seed_load "$@"
  fi
  "$ZJ" admin create-hq --email bench-hq@hq.load.test --password "$BENCH_PASSWORD" >/dev/null 2>>"$BENCH_TMP/seed.log"
  if [ "$kind" = postgres ]; then psql -q "$ZHIJIANG_DATABASE_URL" -c "VACUUM ANALYZE" >/dev/null; fi
  EXAM_ID=$(sql "$name" "SELECT id FROM exams ORDER BY id LIMIT 1")
  COHORT_ID=$(sql "$name" "SELECT c.id FROM cohorts c JOIN branches b ON b.id = c.branch_id WHERE b.code = 'L02'")
}

stats() { # times... -> "median p95"
  printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    r = int(0.95 * NR); if (r < 0.95 * NR) r++; if (r < 1) r = 1
    printf "%.3f %.3f\n", m, a[r] }'
}

# request ACCEPT PATH -> "code seconds bytes" (code 000: no answer within MAX_TIME)
request() {
  curl -s -m "$MAX_TIME" -o "$BENCH_TMP/out" -w '%{http_code} %{time_total} %{size_download}\n' \
    -H "Authorization: Bearer $HQ" -H "Accept: $1" -H 'Accept-Language: en' "$BASE$2" || true
}

# timed LABEL ACCEPT PATH: a cold request, then RUNS runs. A request that
# takes longer than MAX_TIME seconds is given up (and no more runs are made).
timed() {
  local label=$1 accept=$2 path=$3 times=() code t size cold
  read -r code cold size < <(request "$accept" "$path")
  if [ "$code" = 000 ]; then
    # The server's query would run on: stop it.
    if [ "$kind" = postgres ]; then
      psql -q "$PG_ADMIN_URL/postgres" -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = '$WORLD_DB' AND state = 'active' AND now() - query_start > interval '$MAX_TIME seconds'" >/dev/null
    fi
    printf '| %s | > %s | (given up) | | | |\n' "$label" "$MAX_TIME"
    return 0
  fi
  [ "$code" = 200 ] || { echo "$label: HTTP $code: $(head -c 400 "$BENCH_TMP/out")"; return 1; }
  for _ in $(seq 1 "$RUNS"); do
    read -r code t size < <(request "$accept" "$path")
    [ "$code" = 200 ] || { echo "$label: HTTP $code"; return 1; }
    times+=("$t")
  done
  read -r med p95 < <(stats "${times[@]}")
  printf '| %s | %s | %s | **%s** | %s | %s B |\n' "$label" "$cold" "${times[*]}" "$med" "$p95" "$size"
}

table_head() {
  echo "| request | cold (s) | runs (s) | median | p95 | size |"
  echo "| --- | ---: | --- | ---: | ---: | ---: |"
}

echo "## analytics on $kind, $RUNS runs per request after a cold one; binary $ZJ"

if [ "$only" != 1m ]; then
  echo "### 100k world: 10 branches x 10,000 trainees, with answers"
  use_world 100k 100000 --branches 10 --trainees-per-branch 10000 --with-answers
  echo "attempts $(sql 100k "SELECT count(*) FROM attempts"), answers $(sql 100k "SELECT count(*) FROM attempt_answers"), certificates $(sql 100k "SELECT count(*) FROM certificates")"
  start_server
  HQ=$(login HQ bench-hq@hq.load.test "$BENCH_PASSWORD")
  echo "before: $(machine_load)"
  table_head
  timed "cohort summary (L02, 10,000 enrolments)" application/json "/api/v1/cohorts/$COHORT_ID/summary"
  timed "completion, per cohort (JSON)" application/json "/api/v1/reports/completion"
  for g in branch course cohort month; do
    timed "completion, group_by=$g (JSON)" application/json "/api/v1/reports/completion?group_by=$g"
  done
  timed "completion, group_by=month (CSV)" text/csv "/api/v1/reports/completion?group_by=month"
  timed "item statistics (all branches)" application/json "/api/v1/exams/$EXAM_ID/item-statistics"
  python3 - "$BENCH_TMP/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
qs = d["questions"]
print("item statistics: attempts per locale %s; %d questions; flagged: %s" % (
    {l["locale"]: l["attempts"] for l in d["locales"]}, len(qs),
    ["question %d in %s (difficulty %.3f, elsewhere %.3f)" % (q["position"], l["locale"], l["difficulty"], l["comparison"]["difficulty_elsewhere"])
     for q in qs for l in q["locales"] if l["locale"] in q["flagged_locales"] and l.get("comparison")]))
EOF
  timed "item statistics (branch=L01)" application/json "/api/v1/exams/$EXAM_ID/item-statistics?branch=L01"
  echo "after: $(machine_load); server peak RSS (VmHWM) $(peak_rss_mib) MiB"
  stop_server
fi

if [ "$only" != 100k ]; then
  echo "### 1m world: 10 branches x 100,000 trainees, with results"
  use_world 1m 1000000 --branches 10 --trainees-per-branch 100000 --with-results
  start_server
  HQ=$(login HQ bench-hq@hq.load.test "$BENCH_PASSWORD")
  echo "before: $(machine_load)"
  table_head
  timed "completion, per cohort (JSON)" application/json "/api/v1/reports/completion"
  timed "completion, per cohort (CSV)" text/csv "/api/v1/reports/completion"
  timed "completion, branch=L03 (JSON)" application/json "/api/v1/reports/completion?branch=L03"
  for g in branch course month; do
    timed "completion, group_by=$g (JSON)" application/json "/api/v1/reports/completion?group_by=$g"
  done
  timed "cohort summary (L02, 100,000 enrolments)" application/json "/api/v1/cohorts/$COHORT_ID/summary"
  echo "after: $(machine_load); server peak RSS (VmHWM) $(peak_rss_mib) MiB"
  stop_server
fi
[ "$keep" = 1 ] && echo "kept: ${WORLDS[*]} ($kind)"
