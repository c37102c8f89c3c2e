#!/usr/bin/env bash
# Writes the seeds of fuzz_model (fuzz/seeds/fuzz_model/): the payloads of small models trained by
# the CLI on tests/data, each after a byte naming its reader (0 parser, 1 POS, 2 NER), without the
# frame (20 header bytes, 8 checksum bytes) that fuzz_model adds itself. The POS and NER payloads
# are cut to their first SEED_BYTES (default 4096): the full ones carry the lexicon and gazetteer
# (1.6 and 0.7 MB), too big to commit and slow to fuzz.
# Usage: fuzz/make_model_seeds.sh [path/to/caspian]   (default build/release/caspian)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli=${1:-$root/build/release/caspian}
limit=${SEED_BYTES:-4096}
out="$root/fuzz/seeds/fuzz_model"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cli" train parse --train "$root/tests/data/dep_parser_tiny.conllu" -o "$tmp/parse.bin" >/dev/null
"$cli" train pos --train "$root/tests/data/dep_parser_tiny.conllu" -o "$tmp/pos.bin" >/dev/null
"$cli" train ner --train "$root/tests/data/ner/synthetic-train.conll" -o "$tmp/ner.bin" >/dev/null
mkdir -p "$out"
seed() {  # seed SELECTOR MODEL NAME MAX_PAYLOAD_BYTES
  local n
  n=$(($(stat -c %s "$2") - 28))
  if [ "$n" -gt "$4" ]; then n=$4; fi
  { printf "\\x$1"; head -c $((20 + n)) "$2" | tail -c "$n"; } >"$out/$3"
}
seed 00 "$tmp/parse.bin" parse-tiny $((1 << 30))
seed 01 "$tmp/pos.bin" pos-tiny-head "$limit"
seed 02 "$tmp/ner.bin" ner-tiny-head "$limit"
ls -l "$out"
