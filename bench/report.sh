#!/usr/bin/env bash
# Completion report at scale (issue 9): seed 100,000 enrolments across 10
# branches with results on PostgreSQL, then time GET /api/v1/reports/completion
# as JSON and as CSV (median of 5 runs each; target under 1 s).
# Usage: bench/report.sh [postgres|sqlite] [trainees-per-branch]   (default postgres 10000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init

kind=${1:-postgres}
per_branch=${2:-10000}
RUNS=${REPORT_RUNS:-5}

echo "## completion report on $kind: 10 branches x $per_branch trainees, with results"
new_db "$kind" report
seed_load --branches 10 --trainees-per-branch "$per_branch" --with-results
"$ZJ" admin create-hq --email bench-hq@hq.load.test --password "$BENCH_PASSWORD" >/dev/null 2>>"$BENCH_TMP/seed.log"
start_server
HQ=$(login HQ bench-hq@hq.load.test "$BENCH_PASSWORD")

median() { sort -n | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.6f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

time_report() { # label accept [query]
  local label=$1 accept=$2 query=${3:-} times=() t code size
  for i in $(seq 1 "$RUNS"); do
    read -r code t size < <(curl -s -o "$BENCH_TMP/report.out" -w '%{http_code} %{time_total} %{size_download}\n' \
      -H "Authorization: Bearer $HQ" -H "Accept: $accept" "$BASE/api/v1/reports/completion$query")
    [ "$code" = 200 ] || { echo "$label: HTTP $code: $(head -c 400 "$BENCH_TMP/report.out")"; }
    times+=("$t")
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | median)
  echo "$label: runs ${times[*]} s; median $med s; $size bytes"
}

echo "### first request (cold) and $RUNS runs each"
time_report "JSON (all branches)" application/json
python3 -c "
import json; d=json.load(open('$BENCH_TMP/report.out'))
it=d['items']; print('rows', len(it), 'enrolled', sum(r['enrolled'] for r in it), 'completed', sum(r['completed'] for r in it), 'certified', sum(r['certified'] for r in it)); print('first row', json.dumps(it[0]))"
time_report "CSV (all branches)" text/csv
echo "CSV head:"; head -c 400 "$BENCH_TMP/report.out"; echo
echo "CSV lines: $(wc -l <"$BENCH_TMP/report.out")"
time_report "JSON (branch=L03)" application/json "?branch=L03"
time_report "JSON (date_field=certified, from/to)" application/json "?date_field=certified&from=2020-01-01&to=2030-01-01"
echo "### second pass"
time_report "JSON (all branches)" application/json
time_report "CSV (all branches)" text/csv
echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB"
