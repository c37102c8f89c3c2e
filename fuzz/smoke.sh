#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for a short time (FUZZ_SECONDS, default 20; FUZZ_SEED, default 1)
# on a scratch corpus seeded from tests/golden (and fuzz/seeds/<target>/), after replaying fuzz/regressions/<target>/.
# A finding is copied to BUILD_DIR/findings/ and fails the run. FUZZ_TARGETS="feed warc" limits the run
# to those targets (names without the fuzz_ prefix), e.g. for the long runs: FUZZ_SECONDS=600.
set -euo pipefail
build=${1:-build/fuzz}
seconds=${FUZZ_SECONDS:-20}
root="$(cd "$(dirname "$0")/.." && pwd)"
export CASPIAN_DATA="$root/data"
status=0
for target in "$build"/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" ${name#fuzz_} "* ]]; then continue; fi
  corpus=$(mktemp -d)
  cp "$root"/tests/golden/*.txt "$root"/tests/golden/*.json "$corpus"/ 2>/dev/null || true
  # Format-specific seeds (feeds, WARC) where a target has them.
  if [ -d "$root/fuzz/seeds/$name" ]; then cp "$root/fuzz/seeds/$name"/* "$corpus"/; fi
  # Inputs that once crashed a target are replayed first, then kept as seeds.
  if [ -d "$root/fuzz/regressions/$name" ]; then
    if ! "$target" "$root/fuzz/regressions/$name"/* >"$corpus.log" 2>&1; then
      tail -n 40 "$corpus.log"
      echo "fuzz: $name FAILED on a regression input"
      status=1
      continue
    fi
    cp "$root/fuzz/regressions/$name"/* "$corpus"/
  fi
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" -seed="${FUZZ_SEED:-1}" -artifact_prefix="$corpus/" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=0 "$corpus" >"$corpus.log" 2>&1; then
    tail -n 40 "$corpus.log"
    mkdir -p "$build/findings" && cp "$corpus"/crash-* "$corpus"/timeout-* "$corpus"/oom-* "$build/findings/" 2>/dev/null || true
    echo "fuzz: $name FAILED"
    status=1
  else
    grep -E "^(#[0-9]+|Done)" "$corpus.log" | tail -n 1 || true
  fi
  rm -rf "$corpus" "$corpus.log"
done
exit $status
