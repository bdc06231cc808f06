#!/usr/bin/env bash
# Runs the whole test suite: installs Azurite and Chromium if missing, starts Azurite on free ports, runs every test.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

install_node_packages
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium (apt-get)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
fi

start_azurite "$(free_port)" "$(free_port)" "$(free_port)" --inMemoryPersistence
trap stop_azurite EXIT INT TERM
export VOD_TEST_STORAGE="$AZURITE_CONNECTION"

dotnet test VodFunctions.sln -c Release --logger "console;verbosity=normal" "$@"
