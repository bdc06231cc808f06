#!/usr/bin/env bash
# Runs the function app locally on http://localhost:7071 with Azurite (installed from npm, data in .azurite/).
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

install_node_packages
[ -f local.settings.json ] || cp local.settings.sample.json local.settings.json
mkdir -p .azurite
start_azurite 10000 10001 10002 --location .azurite
trap stop_azurite EXIT INT TERM

# App settings from local.settings.json, as the Azure Functions host would pass them.
eval "$(node -e '
  const v = require("./local.settings.json").Values || {};
  for (const [k, val] of Object.entries(v)) console.log(`export ${k}=${JSON.stringify(String(val))}`);
')"
key=$(node -e 'const v=require("./local.settings.json").Values||{};const k=Object.keys(v).find(k=>/^Vod__Keys__\d+__Secret$/.test(k));console.log(k?v[k]:"")')

cat <<MSG

VodFunctions: http://localhost:7071  (console: http://localhost:7071/api/console/)
Local dev key (admin): $key
Try:
  curl -s -X POST http://localhost:7071/api/CreateUploadVideo -H "x-functions-key: $key" \\
       -H 'Content-Type: application/json' -d '{"Title":"My first video","FileName":"movie.mp4"}'

MSG
dotnet build src/VodFunctions.Functions -c Release -v quiet -nologo
cd src/VodFunctions.Functions
dotnet bin/Release/net10.0/VodFunctions.Functions.dll --urls http://localhost:7071 &
APP_PID=$!
trap 'kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; stop_azurite' EXIT INT TERM
wait "$APP_PID"
