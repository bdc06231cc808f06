#!/usr/bin/env bash
# Runs the soak harness against the app's Release build and an Azurite of its own:
#   ./soak.sh [--seed N] [--trials N] [--bin-trials N] [--worker-trials N] [--outages N] [--load-minutes N] [--clients N] [--recovery-seconds N]
#             [crash] [bin] [workers] [outage] [load] [corpus]
# Exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

install_node_packages
dotnet build -c Release src/VodFunctions.Functions -nologo -v quiet -clp:NoSummary
dotnet build -c Release bench/VodFunctions.Soak -nologo -v quiet -clp:NoSummary
dotnet bench/VodFunctions.Soak/bin/Release/net10.0/VodFunctions.Soak.dll "$@"
