#!/usr/bin/env bash
# Verification (issue 8): public GET /verify/{code} as JSON and as HTML (verify
# rate limit raised), and credential signing: GET
# /api/v1/certificates/{id}/credential with the holder's token. wrk -t2 -c64 -d10s.
# Usage: bench/verify.sh [sqlite|postgres]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)"; exit 1; }

kind=${1:-sqlite}
DURATION=${WRK_DURATION:-10s}
export ZHIJIANG_VERIFY_REQUESTS_PER_MINUTE=100000000

echo "## verification on $kind"
new_db "$kind" verify
seed_load --branches 1 --trainees-per-branch 50 --with-results
start_server
# find a certified trainee through the API (40 % of seeded trainees are certified)
for n in $(seq 0 49); do
  TR=$(login L01 "t$n@l01.load.test" "$BENCH_PASSWORD")
  curl -s -H "Authorization: Bearer $TR" "$BASE/api/v1/users/me/certificates" >"$BENCH_TMP/certs.json"
  if python3 -c "import json,sys; sys.exit(0 if json.load(open('$BENCH_TMP/certs.json'))['items'] else 1)"; then break; fi
done
CERT_ID=$(python3 -c "import json; print(json.load(open('$BENCH_TMP/certs.json'))['items'][0]['id'])")
CODE=$(python3 -c "import json; print(json.load(open('$BENCH_TMP/certs.json'))['items'][0]['code'])")
echo "certificate $CERT_ID code $CODE (holder t$n@l01.load.test)"
echo "JSON sample: $(curl -s -H 'Accept: application/json' "$BASE/verify/$CODE" | head -c 300)"
echo "HTML sample: $(curl -s -o "$BENCH_TMP/page.html" -w '%{http_code} %{content_type} %{size_download} bytes' -H 'Accept: text/html' "$BASE/verify/$CODE")"
echo "credential sample: $(curl -s -o "$BENCH_TMP/vc" -w '%{http_code} %{content_type} %{size_download} bytes' -H "Authorization: Bearer $TR" "$BASE/api/v1/certificates/$CERT_ID/credential")"

run_wrk() { # label url [headers...]
  local label=$1 url=$2; shift 2
  local args=()
  for h in "$@"; do args+=(-H "$h"); done
  wrk -t2 -c64 -d"$DURATION" --latency "${args[@]}" "$url" >"$BENCH_TMP/wrk.out" 2>&1
  echo "$label: $(awk '/Requests\/sec/{print $2}' "$BENCH_TMP/wrk.out") req/s, p50 $(awk '$1=="50%"{print $2}' "$BENCH_TMP/wrk.out"), p99 $(awk '$1=="99%"{print $2}' "$BENCH_TMP/wrk.out"), non-2xx $(awk '/Non-2xx/{print $NF}' "$BENCH_TMP/wrk.out" | grep . || echo 0), $(grep -E 'requests in' "$BENCH_TMP/wrk.out" | xargs)"
}

for round in 1 2; do
  echo "### round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  run_wrk "GET /verify/{code} JSON" "$BASE/verify/$CODE" "Accept: application/json"
  run_wrk "GET /verify/{code} HTML (th)" "$BASE/verify/$CODE" "Accept: text/html" "Accept-Language: th"
  run_wrk "GET /api/v1/certificates/{id}/credential (signed VC-JWT)" "$BASE/api/v1/certificates/$CERT_ID/credential" "Authorization: Bearer $TR"
done
echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB"
