#!/usr/bin/env bash
# Lesson media delivery (issue 19): a 50 MB video uploaded through the API
# (multipart, streamed to the local store), then served by signed link:
# whole-file downloads (sequential and 4 at once), and single-range requests
# of 1 MiB at random-ish offsets (wrk -t2 -c16, Range header), as a video
# player seeking would send. Prints throughput and the server's peak RSS,
# which must stay far below the file size: the server streams.
# Usage: bench/media.sh [sqlite|postgres]   (release build: cargo build --release)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)"; exit 1; }

kind=${1:-sqlite}
DURATION=${WRK_DURATION:-10s}
SIZE_MB=${MEDIA_SIZE_MB:-50}

echo "## media delivery on $kind, ${SIZE_MB} MB file, local file-system store"
new_db "$kind" media
"$ZJ" admin create-hq --email hq@media.bench --password "$BENCH_PASSWORD" >/dev/null
start_server
HQ=$(login HQ hq@media.bench "$BENCH_PASSWORD")
COURSE_ID=$(curl -fs "$BASE/api/v1/courses" -H "Authorization: Bearer $HQ" -H 'Content-Type: application/json' \
  -d '{"code":"EV-MEDIA-BENCH","translations":{"en":{"title":"Media bench","summary":""}},"lessons":[{"translations":{"en":{"title":"Video","body":"video"}}}]}' \
  | json_field '["id"]')

# An MP4 header and random bytes (incompressible, like real video).
FILE=$BENCH_TMP/walkaround.mp4
printf '\0\0\0\x18ftypisom\0\0\x02\0isomiso2' >"$FILE"
head -c $((SIZE_MB * 1000 * 1000 - 24)) /dev/urandom >>"$FILE"
BYTES=$(stat -c %s "$FILE")
echo "server RSS before upload: $(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$SERVER_PID/status) MiB"

t0=$(date +%s.%N)
curl -fs "$BASE/api/v1/courses/$COURSE_ID/assets" -H "Authorization: Bearer $HQ" \
  -F "file=@$FILE;type=video/mp4" >"$BENCH_TMP/asset.json"
t1=$(date +%s.%N)
URL=$(json_field '["files"][0]["url"]' <"$BENCH_TMP/asset.json")
SHA=$(json_field '["files"][0]["sha256"]' <"$BENCH_TMP/asset.json")
[ "$SHA" = "$(sha256sum "$FILE" | cut -d' ' -f1)" ] || { echo "stored digest differs"; exit 1; }
awk -v b="$BYTES" -v s="$(echo "$t1 - $t0" | bc)" 'BEGIN { printf "upload: %d bytes in %.2f s = %.1f MB/s\n", b, s, b / s / 1e6 }'
echo "server peak RSS after upload: $(peak_rss_mib) MiB"

for round in 1 2; do
  echo "### round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # Whole file, one at a time.
  t0=$(date +%s.%N)
  for _ in 1 2 3 4 5; do
    curl -fs -o /dev/null "$URL"
  done
  t1=$(date +%s.%N)
  awk -v b="$BYTES" -v s="$(echo "$t1 - $t0" | bc)" 'BEGIN { printf "whole file x5 sequential: %.1f MB/s (%.2f s per download)\n", 5 * b / s / 1e6, s / 5 }'
  # Whole file, four at once.
  t0=$(date +%s.%N)
  # (wait for these four only: a bare `wait` would also wait for the server)
  pids=()
  for _ in 1 2 3 4; do curl -fs -o /dev/null "$URL" & pids+=($!); done
  wait "${pids[@]}"
  t1=$(date +%s.%N)
  awk -v b="$BYTES" -v s="$(echo "$t1 - $t0" | bc)" 'BEGIN { printf "whole file x4 concurrent: %.1f MB/s in all\n", 4 * b / s / 1e6 }'
  # 1 MiB ranges; the offset moves with each request.
  cat >"$BENCH_TMP/range.lua" <<LUA
local n = 0
local size = $BYTES
request = function()
  n = n + 1
  local start = (n * 7919 * 1048576) % (size - 1048576)
  return wrk.format("GET", nil, { ["Range"] = "bytes=" .. start .. "-" .. (start + 1048575) })
end
LUA
  wrk -t2 -c16 -d"$DURATION" --latency -s "$BENCH_TMP/range.lua" "$URL" >"$BENCH_TMP/wrk.out" 2>&1
  echo "1 MiB ranges (wrk -t2 -c16): $(awk '/Requests\/sec/{print $2}' "$BENCH_TMP/wrk.out") req/s, $(awk '/Transfer\/sec/{print $2}' "$BENCH_TMP/wrk.out")/s, p50 $(awk '$1=="50%"{print $2}' "$BENCH_TMP/wrk.out"), p99 $(awk '$1=="99%"{print $2}' "$BENCH_TMP/wrk.out"), non-2xx $(awk '/Non-2xx/{print $NF}' "$BENCH_TMP/wrk.out" | grep . || echo 0)"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Range: bytes=$BYTES-" "$URL")
echo "range past the end: HTTP $code"
echo "server peak RSS (VmHWM): $(peak_rss_mib) MiB for a ${SIZE_MB} MB file"
