#!/usr/bin/env bash
# Runs a benchmark against a fresh in-memory Azurite: ./bench.sh [delete [rounds]]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

install_node_packages
start_azurite "$(free_port)" "$(free_port)" "$(free_port)" --inMemoryPersistence
trap 'kill "$AZURITE_PID" 2>/dev/null || true' EXIT INT TERM
export VOD_BENCH_STORAGE="$AZURITE_CONNECTION"
dotnet run -c Release --project bench/VodFunctions.Bench -- "$@"
