#!/usr/bin/env bash
# Whole-process comparison of `leakmon scan` (Release) with `rg -F -f secrets.txt` on a generated paste-like corpus,
# plus recall per context, false positives, 1k vs 1M fingerprints and peak RSS.
#
#   bench/compare.sh                 # 100 MB corpus, 100 000 registered secrets
#   MB=10 RUNS=1 bench/compare.sh    # quick look while iterating
#
# Environment: MB (corpus size, default 100), SECRETS (default 100000), BIG (fingerprints for the scale test,
# default 1000000), RUNS (hyperfine runs, default 3), DATA (work folder, default bench/data; git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=${MB:-100}
SECRETS=${SECRETS:-100000}
BIG=${BIG:-1000000}
RUNS=${RUNS:-3}
DATA=${DATA:-$ROOT/bench/data}
# A fixed, non-secret salt so the numbers do not depend on the development salt note on stderr.
export LEAKMON_SALT=${LEAKMON_SALT:-YmVuY2htYXJrIHNhbHQsIG5vdCBhIHNlY3JldCE=}

for tool in rg hyperfine; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is missing (apt-get install -y ripgrep hyperfine)" >&2; exit 2; }
done
mkdir -p "$DATA"
BIN="$DATA/bin"

echo "== build (Release)"
dotnet build -c Release -v q -nologo "$ROOT/functions/LeakMonitor.Cli/LeakMonitor.Cli.csproj" -o "$BIN/cli" >/dev/null
dotnet build -c Release -v q -nologo "$ROOT/bench/LeakMonitor.Benchmarks/LeakMonitor.Benchmarks.csproj" -o "$BIN/bench" >/dev/null
LEAKMON="$BIN/cli/leakmon"
GEN="$BIN/bench/LeakMonitor.Benchmarks"

CORPUS="$DATA/corpus-$MB-$SECRETS"
if [[ ! -f "$CORPUS/corpus.txt" ]]; then
  echo "== generate $MB MB corpus with $SECRETS secrets (seed fixed)"
  "$GEN" --generate "$CORPUS" --secrets "$SECRETS" --mb "$MB"
fi
if [[ ! -f "$CORPUS/registry.jsonl" ]]; then
  "$LEAKMON" fingerprint < "$CORPUS/secrets.jsonl" > "$CORPUS/registry.jsonl"
fi
SCALE="$DATA/scale-$BIG"
if [[ ! -f "$SCALE/registry.jsonl" ]]; then
  echo "== generate $BIG fingerprints for the scale test"
  "$GEN" --generate "$SCALE" --secrets "$BIG" --mb 1 --per-context 4 >/dev/null 2>&1
  "$LEAKMON" fingerprint < "$SCALE/secrets.jsonl" > "$SCALE/registry.jsonl"
  rm -f "$SCALE/secrets.jsonl" "$SCALE/secrets.txt"
fi
head -n 1000 "$SCALE/registry.jsonl" > "$SCALE/registry-1k.jsonl"

SIZE=$(stat -c %s "$CORPUS/corpus.txt")
MBYTES=$(awk -v s="$SIZE" 'BEGIN { printf "%.1f", s / 1e6 }')
echo "== corpus: $MBYTES MB, $(wc -l < "$CORPUS/secrets.txt") single-line patterns for rg, $SECRETS fingerprints"
echo "   machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== throughput (hyperfine, $RUNS runs, whole process incl. start-up and loading patterns/fingerprints)"
hyperfine --runs "$RUNS" --warmup 0 -i --style basic --export-json "$DATA/hyperfine.json" \
  -n rg "rg -F -f '$CORPUS/secrets.txt' '$CORPUS/corpus.txt' > /dev/null" \
  -n leakmon "'$LEAKMON' scan --registry '$CORPUS/registry.jsonl' '$CORPUS/corpus.txt' > /dev/null"
read -r RG_S LM_S < <(python3 -c "
import json; r = json.load(open('$DATA/hyperfine.json'))['results']
print(r[0]['mean'], r[1]['mean'])" 2>/dev/null || jq -r '.results | "\(.[0].mean) \(.[1].mean)"' "$DATA/hyperfine.json")
awk -v s="$SIZE" -v rg="$RG_S" -v lm="$LM_S" 'BEGIN {
  printf "   rg:      %6.2f s  %8.1f MB/s\n", rg, s / 1e6 / rg
  printf "   leakmon: %6.2f s  %8.1f MB/s   leakmon/rg throughput ratio: %.2fx\n", lm, s / 1e6 / lm, rg / lm }'

measure() { # label, command...: wall seconds and peak RSS from /usr/bin/time -v (else /proc)
  local label=$1; shift
  local log="$DATA/time-$label.log"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$@" > "$DATA/out-$label.jsonl" 2> "$log" || true
    local wall rss cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
    cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { print s }' "$log")
    echo "$label $wall $cpu $rss" >> "$DATA/measures.txt"
    awk -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v s="$SIZE" 'BEGIN {
      printf "   %-22s %6.2f s wall %8.1f MB/s | %6.2f s CPU %8.1f MB/CPU-s | peak RSS %6.1f MB\n", l, w, s / 1e6 / w, c, s / 1e6 / c, r / 1024 }'
  else
    local start end peak=0 pid
    start=$(date +%s.%N)
    "$@" > "$DATA/out-$label.jsonl" 2>/dev/null & pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      peak=$(awk -v p="$peak" '/VmHWM/ { print ($2 > p ? $2 : p) }' "/proc/$pid/status" 2>/dev/null || echo "$peak")
      sleep 0.05
    done
    wait "$pid" || true
    end=$(date +%s.%N)
    awk -v l="$label" -v a="$start" -v b="$end" -v r="$peak" -v s="$SIZE" 'BEGIN {
      printf "   %-22s %6.2f s  %8.1f MB/s  peak RSS %6.1f MB\n", l, b - a, s / 1e6 / (b - a), r / 1024 }'
  fi
}

echo "== peak RSS and scale (one run each; CPU = user + system, less sensitive to a busy machine than wall time)"
: > "$DATA/measures.txt"
measure "rg-100k" rg -F -f "$CORPUS/secrets.txt" "$CORPUS/corpus.txt"
measure "leakmon-100k" "$LEAKMON" scan --registry "$CORPUS/registry.jsonl" "$CORPUS/corpus.txt"
measure "leakmon-1k" "$LEAKMON" scan --registry "$SCALE/registry-1k.jsonl" "$CORPUS/corpus.txt"
measure "leakmon-1M" "$LEAKMON" scan --registry "$SCALE/registry.jsonl" "$CORPUS/corpus.txt"
echo "   index only (empty input), 1M fingerprints:"
measure "leakmon-1M-load-only" "$LEAKMON" scan --registry "$SCALE/registry.jsonl" /dev/null
awk '{ w[$1] = $2; c[$1] = $3 } END {
  printf "   1M vs 1k fingerprints: %.2fx wall, %.2fx CPU (target <= 1.5x); excluding the 1M index load: %.2fx CPU\n",
    w["leakmon-1M"] / w["leakmon-1k"], c["leakmon-1M"] / c["leakmon-1k"],
    (c["leakmon-1M"] - c["leakmon-1M-load-only"]) / c["leakmon-1k"] }' "$DATA/measures.txt"

echo "== recall per context and false positives (corpus + container files)"
"$LEAKMON" scan --registry "$CORPUS/registry.jsonl" "$CORPUS/corpus.txt" "$CORPUS/containers" \
  > "$DATA/findings.jsonl" 2> "$DATA/scan.stderr" || true
"$GEN" --evaluate "$CORPUS" "$DATA/findings.jsonl"
echo "   rg (plain text only) matched lines: $(rg -F -c -f "$CORPUS/secrets.txt" "$CORPUS/corpus.txt" || echo 0)"
