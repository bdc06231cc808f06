#!/usr/bin/env bash
# Runs a benchmark against a fresh in-memory Azurite: ./bench.sh [delete [rounds]], ./bench.sh trace (one DeleteVideo's storage requests) or ./bench.sh sweep [rounds [sizes...]]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

install_node_packages
start_azurite "$(free_port)" "$(free_port)" "$(free_port)" --inMemoryPersistence
trap stop_azurite EXIT INT TERM
export VOD_BENCH_STORAGE="$AZURITE_CONNECTION"
dotnet run -c Release --project bench/VodFunctions.Bench -- "$@"
