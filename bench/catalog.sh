#!/usr/bin/env bash
# Catalogue read throughput (issue 5): authenticated, localized GET
# /api/v1/courses (Accept-Language: th, a branch trainee's token; 20 courses
# with 4 translations and 10 lessons each, created through the API as HQ and
# published to the branch) against a bare actix-web JSON handler
# (bench/bare, built into /tmp) in the same run. wrk -t2 -c64 -d10s, twice each.
# Usage: bench/catalog.sh [sqlite|postgres]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)"; exit 1; }

kind=${1:-sqlite}
DURATION=${WRK_DURATION:-10s}
BARE_TARGET=${BARE_TARGET:-/tmp/zhijiang-bare-target}
BARE_PORT=18472
BARE_PID=""
trap 'bench_cleanup_bare' EXIT INT TERM
bench_cleanup_bare() {
  local rc=$?
  if [ -n "$BARE_PID" ]; then kill "$BARE_PID" 2>/dev/null || true; wait "$BARE_PID" 2>/dev/null || true; fi
  (exit $rc); bench_cleanup
}

echo "## catalogue on $kind vs bare actix-web"
cargo build --release --quiet --manifest-path "$BENCH_DIR/bare/Cargo.toml" --target-dir "$BARE_TARGET"

new_db "$kind" catalog
seed_load --branches 1 --trainees-per-branch 1
"$ZJ" admin create-hq --email bench-hq@hq.load.test --password "$BENCH_PASSWORD" >/dev/null 2>>"$BENCH_TMP/seed.log"
start_server
HQ=$(login HQ bench-hq@hq.load.test "$BENCH_PASSWORD")

python3 - "$BASE" "$HQ" <<'EOF'
import json, sys, urllib.request
base, tok = sys.argv[1], sys.argv[2]
def call(method, path, body):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.status, json.loads(r.read() or b"null")
texts = {"zh-CN": ("电动汽车课程", "摘要"), "en": ("EV course", "Summary"), "th": ("หลักสูตรรถยนต์ไฟฟ้า", "สรุป"), "vi": ("Khóa học xe điện", "Tóm tắt")}
for c in range(20):
    course = {"code": f"BENCH-{c:03d}",
              "translations": {l: {"title": f"{t} {c}", "summary": f"{s} {c} " * 8} for l, (t, s) in texts.items()},
              "lessons": [{"translations": {l: {"title": f"{t} {c}.{n}", "body": f"## {t}\n\n" + "Lorem ipsum dolor sit amet. " * 40}
                                            for l, (t, _) in texts.items()}} for n in range(10)]}
    st, created = call("POST", "/api/v1/courses", course)
    assert st == 201, st
    st, _ = call("POST", f"/api/v1/courses/{created['id']}/publish", {"branches": ["L01"]})
    assert st in (200, 204), st
print("created and published 20 courses (4 translations, 10 lessons each)")
EOF
TR=$(login L01 t0@l01.load.test "$BENCH_PASSWORD")
curl -s -D "$BENCH_TMP/h" -o "$BENCH_TMP/b" -H "Authorization: Bearer $TR" -H 'Accept-Language: th' "$BASE/api/v1/courses"
echo "sample: $(head -1 "$BENCH_TMP/h" | tr -d '\r'), $(grep -i content-language "$BENCH_TMP/h" | tr -d '\r'), $(wc -c <"$BENCH_TMP/b") bytes, $(python3 -c "import json;d=json.load(open('$BENCH_TMP/b'));print(len(d['items']),'items; first title:',d['items'][0]['title'],d['items'][0]['locale'])")"

"$BARE_TARGET/release/bare" >"$BENCH_TMP/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$BARE_PORT/api/v1/courses" >/dev/null && break; sleep 0.1; done
echo "bare sample: $(curl -s http://127.0.0.1:$BARE_PORT/api/v1/courses)"

run_wrk() { # label url [headers...]
  local label=$1 url=$2; shift 2
  local args=()
  for h in "$@"; do args+=(-H "$h"); done
  wrk -t2 -c64 -d"$DURATION" --latency "${args[@]}" "$url" >"$BENCH_TMP/wrk.out" 2>&1
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' "$BENCH_TMP/wrk.out")
  p50=$(awk '$1=="50%"{print $2}' "$BENCH_TMP/wrk.out")
  p99=$(awk '$1=="99%"{print $2}' "$BENCH_TMP/wrk.out")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$BENCH_TMP/wrk.out")
  echo "$label: $rps req/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}, $(grep -E 'requests in' "$BENCH_TMP/wrk.out" | xargs)"
  LAST_RPS=$rps
}

for round in 1 2; do
  echo "### round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  run_wrk "zhijiang GET /api/v1/courses (th, trainee)" "$BASE/api/v1/courses" "Authorization: Bearer $TR" "Accept-Language: th"
  z=$LAST_RPS
  run_wrk "bare actix-web JSON handler" "http://127.0.0.1:$BARE_PORT/api/v1/courses"
  b=$LAST_RPS
  echo "ratio zhijiang/bare: $(echo "scale=3; $z / $b" | bc) (target >= 0.5)"
done
echo "peak RSS (VmHWM): zhijiang $(peak_rss_mib) MiB, bare $(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$BARE_PID/status) MiB"
