#!/usr/bin/env bash
# CSV import at the row cap (issue 12, item 2): a 50,000-row file (the cap)
# into a fresh cohort of the largest capacity (10,000: the rest are reported
# `cohort_full`), the same file again (nothing to do), and a 50,001-row file
# (refused with 413 before anything is written). While the first import runs,
# GET /healthz is timed every 0.1 s: the import must not hold the HTTP workers.
# The outbox worker is off (ZHIJIANG_RUN_WORKER=false), so the invitation
# emails stay queued and the figures are the import itself.
#
# Usage: bench/import_cap.sh [sqlite|postgres]   (default: sqlite)
# The release binary: ZJ=..., default $CARGO_TARGET_DIR/release/zhijiang.
set -euo pipefail
ZJ=${ZJ:-${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}/release/zhijiang}
source "$(dirname "$0")/lib.sh"
bench_init

kind=${1:-sqlite}
export ZHIJIANG_RUN_WORKER=false
CAP=50000

echo "## CSV import at the cap on $kind ($ZJ)"
new_db "$kind" importcap
seed_load --branches 1 --trainees-per-branch 10
"$ZJ" admin create-hq --email bench-hq@hq.load.test --password "$BENCH_PASSWORD" >/dev/null 2>>"$BENCH_TMP/seed.log"
start_server
HQ=$(login HQ bench-hq@hq.load.test "$BENCH_PASSWORD")

make_file() { # rows -> stdout; mixed locales, every 7th name quoted with a comma, Thai names
  python3 - "$1" <<'EOF'
import sys
rows = int(sys.argv[1])
locales = ["th", "vi", "en", "zh-CN", ""]
print("email,display_name,locale")
for i in range(rows):
    name = f'"ผู้เรียน {i}, นำเข้า"' if i % 7 == 0 else f"Trainee {i}"
    print(f"cap{i}@import.load.test,{name},{locales[i % 5]}")
EOF
}
make_file "$CAP" >"$BENCH_TMP/cap.csv"
make_file $((CAP + 1)) >"$BENCH_TMP/over.csv"
echo "files: $CAP rows = $(stat -c %s "$BENCH_TMP/cap.csv") bytes; $((CAP + 1)) rows = $(stat -c %s "$BENCH_TMP/over.csv") bytes"

cohort=$(curl -fs "$BASE/api/v1/branches/L01/cohorts" -H "Authorization: Bearer $HQ" -H 'Content-Type: application/json' \
  -d "{\"course_id\":\"$COURSE_ID\",\"name\":\"import cap\",\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\",\"capacity\":10000}" |
  json_field '["id"]')

# probe_health FILE: /healthz latencies (ms), one a line, until killed
probe_health() {
  while kill -0 $$ 2>/dev/null && [ ! -e "$BENCH_TMP/stop-probe" ]; do
    curl -s -o /dev/null -w '%{time_total}\n' "$BASE/healthz" | awk '{printf "%.1f\n", $1 * 1000}' >>"$1" || true
    sleep 0.1
  done
}

import_file() { # label file -> one line of figures
  local label=$1 file=$2 code t cpu0 cpu1
  cpu0=$(cpu_seconds "$SERVER_PID")
  read -r code t < <(curl -s -o "$BENCH_TMP/import.out" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $HQ" \
    -H 'Content-Type: text/csv' --data-binary "@$file" "$BASE/api/v1/cohorts/$cohort/enrolments/import")
  cpu1=$(cpu_seconds "$SERVER_PID")
  summary=$(python3 -c "
import json,collections
d=json.load(open('$BENCH_TMP/import.out'))
if 'created' in d:
    f=collections.Counter(x['code'] for x in d['failed'])
    print('created', d['created'], 'enrolled', d['enrolled'], 'skipped', len(d['skipped']), 'failed', dict(f))
else:
    print('problem', d.get('status'), d.get('code'))" 2>/dev/null || head -c 300 "$BENCH_TMP/import.out")
  echo "$label: HTTP $code in $t s, server CPU $(echo "$cpu1 - $cpu0" | bc) s; $summary"
}

probe_health "$BENCH_TMP/health.ms" &
PROBE=$!
import_file "import $CAP rows (first, capacity 10,000)" "$BENCH_TMP/cap.csv"
touch "$BENCH_TMP/stop-probe"
wait "$PROBE" 2>/dev/null || true
sort -n "$BENCH_TMP/health.ms" | awk '{a[NR]=$1} END {if (NR) printf "GET /healthz during the first import: %d probes, median %.1f ms, max %.1f ms\n", NR, a[int((NR+1)/2)], a[NR]}'
import_file "import $CAP rows (again)" "$BENCH_TMP/cap.csv"
import_file "import $((CAP + 1)) rows (over the cap)" "$BENCH_TMP/over.csv"
enrolled=$(curl -fs "$BASE/api/v1/cohorts/$cohort" -H "Authorization: Bearer $HQ" | json_field '["enrolled"]')
echo "cohort enrolled afterwards: $enrolled"
echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB"
slow=$(grep -c "slow statement" "$BENCH_TMP/server.log" || true)
echo "statements the database took over 1 s for: ${slow:-0}"
if [ "${BENCH_SHOW_SLOW:-0}" = 1 ]; then
  grep "slow statement" "$BENCH_TMP/server.log" | sed -E 's/\x1b\[[0-9;]*m//g' | cut -c1-400 | head -5
fi
[ -z "${BENCH_KEEP_LOG:-}" ] || cp "$BENCH_TMP/server.log" "$BENCH_KEEP_LOG"
