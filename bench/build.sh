#!/usr/bin/env bash
# Build hygiene figures: clean debug build, clean `cargo test --no-run`,
# clean release build and the release binary's size, each in a throwaway
# CARGO_TARGET_DIR under /tmp (the project's target/ is not touched), and the
# wall time of the whole test suite (`scripts/test`, SQLite only).
# CPU heavy (three clean builds): run it alone, last.
#
#   bench/build.sh
#
# BENCH_SKIP_SUITE=1 leaves out the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

T="$(mktemp -d /tmp/zhijiang-bench-build.XXXXXX)"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
export CARGO_TARGET_DIR="$T/target"
# A compiler cache would make "clean" less clean.
unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { s = b - a; printf "%.1f s (%d min %04.1f s)", s, int(s / 60), s - 60 * int(s / 60) }'; }

timed() { # label command...
  local label="$1"
  shift
  local before start end
  before="$(load)"
  start="$(now)"
  "$@" >"$T/last.log" 2>&1 || { echo "$label failed:" >&2; tail -30 "$T/last.log" >&2; return 1; }
  end="$(now)"
  printf '%-34s %s   (load average before %s, after %s)\n' "$label" "$(elapsed "$start" "$end")" "$before" "$(load)"
}

echo "build benchmark $(date -u +%FT%TZ), $(nproc) cores, $(rustc --version)"
echo "throwaway target dir: $CARGO_TARGET_DIR"
# Downloads are not build time.
cargo fetch --quiet

timed "clean debug build (cargo build)" cargo build
rm -rf "$CARGO_TARGET_DIR"
timed "clean cargo test --no-run" cargo test --no-run
if [ "${BENCH_SKIP_SUITE:-0}" != 1 ]; then
  # scripts/test runs `cargo test --all-targets`; build what it adds
  # (benches and examples in test mode) first, so that its time is running.
  timed "  (then cargo test --all-targets --no-run)" cargo test --all-targets --no-run
  start="$(now)"
  before="$(load)"
  if env -u ZHIJIANG_TEST_POSTGRES_URL scripts/test >"$T/suite.log" 2>&1; then
    status=passed
  else
    status=FAILED
  fi
  end="$(now)"
  printf '%-34s %s   (load average before %s, after %s)\n' "test suite (scripts/test, SQLite)" \
    "$(elapsed "$start" "$end")" "$before" "$(load)"
  echo "  suite $status: $(grep -E '^test result:' "$T/suite.log" | awk '{p += $4; f += $6; i += $8} END {printf "%d passed, %d failed, %d ignored", p, f, i}')"
  [ "$status" = passed ] || grep -E 'FAILED|panicked' "$T/suite.log" | head -10 | sed 's/^/    /'
fi
rm -rf "$CARGO_TARGET_DIR"
timed "clean release build" cargo build --release
bin="$CARGO_TARGET_DIR/release/zhijiang"
size="$(stat -c %s "$bin")"
awk -v s="$size" 'BEGIN { printf "%-34s %d bytes (%.1f MiB)\n", "release binary size", s, s / 1048576 }'
