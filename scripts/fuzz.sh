#!/usr/bin/env bash
# A longer fuzz campaign over the standing corpus (tests/LeakMonitor.Core.Tests/Fuzz/corpus): the corpus test with
# more mutants and a fresh seed. Failing inputs are written into the corpus as found-<hash>.bin, so the standing
# test replays them from then on. Prints the number of cases run.
#
#   scripts/fuzz.sh                    # 60 seconds, random seed
#   scripts/fuzz.sh --seconds 600
#   scripts/fuzz.sh --iterations 20000 --seed 42
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60 iterations="" seed=$(( RANDOM * 32768 + RANDOM ))
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; iterations=""; shift 2 ;;
    --iterations) iterations="$2"; seconds=""; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--seconds N | --iterations N] [--seed N]" >&2; exit 2 ;;
  esac
done

export LEAKMON_FUZZ_SEED="$seed" LEAKMON_FUZZ_SECONDS="${seconds:-}" LEAKMON_FUZZ_ITERATIONS="${iterations:-}"
export LEAKMON_FUZZ_SAVE_DIR="$PWD/tests/LeakMonitor.Core.Tests/Fuzz/corpus"
echo "fuzz: seed $seed, ${seconds:+$seconds s}${iterations:+$iterations mutants}; failing inputs go to $LEAKMON_FUZZ_SAVE_DIR"
log=$(mktemp)
status=0
dotnet test tests/LeakMonitor.Core.Tests --filter "FullyQualifiedName~FuzzCorpusTests" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
grep -E "^\s*fuzz: " "$log" | sed 's/^ *//' | sort -u || true
if [ $status -ne 0 ]; then
  grep -E "kept as" "$log" | sed 's/^\[xUnit[^]]*\] *//; s/^ *//' | sort -u | head -50 || tail -40 "$log"
  echo "fuzz: failures found (log: $log); replay with --seed $seed, and commit the new found-*.bin files with the fix" >&2
  exit 1
fi
rm -f "$log"
