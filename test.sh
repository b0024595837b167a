#!/usr/bin/env bash
# Runs every test: unit tests per room, integration tests against Azurite (started by the tests themselves,
# in memory, on free ports) with loopback fake sites and receivers, and the infra checks.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet test Monitor.sln --blame-hang-timeout 10m --logger "console;verbosity=normal" "$@"
