#!/usr/bin/env bash
# Soak run: the local host against a loopback paste site publishing documents with planted secrets.
# Usage: scripts/soak.sh [--documents 20000] [--planted 1000] [--rate 25] [--listing 5000] [--drain-seconds 600]
# Prints queue depths every 10 s, then throughput, latency percentiles and lost/duplicated counts (exit 1 unless 0/0).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
exec dotnet run -c Release --project tests/LeakMonitor.Soak -- "$@"
