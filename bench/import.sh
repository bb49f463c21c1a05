#!/usr/bin/env bash
# Import and progress (issue 6): CSV import rows/s (5,000- and 20,000-row files
# into a fresh cohort each, then the same file again) and lesson-complete
# requests/s (first-time completions with bench/progress.py, then repeated,
# idempotent completions with wrk + bench/complete.lua).
# The outbox worker is off during the run (ZHIJIANG_RUN_WORKER=false): the
# invitation emails stay queued, so the figures are the import itself.
# Usage: bench/import.sh [sqlite|postgres] [row counts...]   (default: sqlite 5000 20000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init

kind=${1:-sqlite}
shift || true
[ $# -gt 0 ] || set -- 5000 20000
export ZHIJIANG_RUN_WORKER=false
TRAINEES=${PROGRESS_TRAINEES:-1000}

echo "## import and progress on $kind"
new_db "$kind" import
seed_load --branches 1 --trainees-per-branch "$TRAINEES"
"$ZJ" admin create-hq --email bench-hq@hq.load.test --password "$BENCH_PASSWORD" >/dev/null 2>>"$BENCH_TMP/seed.log"
start_server
HQ=$(login HQ bench-hq@hq.load.test "$BENCH_PASSWORD")

for rows in "$@"; do
  python3 - "$rows" >"$BENCH_TMP/import-$rows.csv" <<'EOF'
import sys
rows = int(sys.argv[1])
locales = ["th", "vi", "en", "zh-CN", ""]
print("email,display_name,locale")
for i in range(rows):
    name = f'"Trainee {i}, Imported"' if i % 7 == 0 else f"Trainee {i}"
    print(f"imp{i}.r{rows}@import.load.test,{name},{locales[i % 5]}")
EOF
  capacity=$(( rows < 10000 ? rows : 10000 ))
  cohort=$(curl -fs "$BASE/api/v1/branches/L01/cohorts" -H "Authorization: Bearer $HQ" -H 'Content-Type: application/json' \
    -d "{\"course_id\":\"$COURSE_ID\",\"name\":\"import $rows\",\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\",\"capacity\":$capacity}" |
    json_field '["id"]')
  for pass in first again; do
    read -r code t < <(curl -s -o "$BENCH_TMP/import.out" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $HQ" \
      -H 'Content-Type: text/csv' --data-binary "@$BENCH_TMP/import-$rows.csv" "$BASE/api/v1/cohorts/$cohort/enrolments/import")
    summary=$(python3 -c "
import json,collections
try:
    d=json.load(open('$BENCH_TMP/import.out'))
    f=collections.Counter(x['code'] for x in d.get('failed',[]))
    print('created', d.get('created'), 'enrolled', d.get('enrolled'), 'skipped', len(d.get('skipped',[])), 'failed', dict(f))
except Exception as e:
    print('body:', open('$BENCH_TMP/import.out').read()[:300])")
    echo "import $rows rows ($pass, cohort capacity $capacity): HTTP $code in $t s = $(echo "scale=1; $rows / $t" | bc) rows/s; $summary"
  done
done
pending=$(curl -s "$BASE/metrics" | grep -E '^zhijiang_outbox' | head -5 | xargs || true)
echo "outbox after imports: ${pending:-n/a}"

echo "### lesson completions ($TRAINEES trainees x 3 lessons)"
python3 "$BENCH_DIR/progress.py" --base "$BASE" --course "$COURSE_ID" --n "$TRAINEES" --password "$BENCH_PASSWORD" \
  --targets "$BENCH_TMP/targets.txt"
if command -v wrk >/dev/null; then
  for round in 1 2; do
    TARGETS=$BENCH_TMP/targets.txt wrk -t2 -c64 -d10s --latency -s "$BENCH_DIR/complete.lua" "$BASE" >"$BENCH_TMP/wrk.out" 2>&1
    echo "repeated (idempotent) completions, wrk round $round: $(awk '/Requests\/sec/{print $2}' "$BENCH_TMP/wrk.out") req/s, p50 $(awk '$1=="50%"{print $2}' "$BENCH_TMP/wrk.out"), p99 $(awk '$1=="99%"{print $2}' "$BENCH_TMP/wrk.out"), non-2xx $(awk '/Non-2xx/{print $NF}' "$BENCH_TMP/wrk.out" | grep . || echo 0)"
  done
fi
echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB"
