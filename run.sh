#!/usr/bin/env bash
# Runs the function app locally on http://localhost:7071 with Azurite (installed from npm, data in .azurite/).
# With --sample it also creates sample media (vod sample) once the app answers. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

sample=false
for arg in "$@"; do
  case "$arg" in
    --sample) sample=true ;;
    *) echo "Usage: ./run.sh [--sample]" >&2; exit 2 ;;
  esac
done

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

VodFunctions: http://localhost:7071
  console:       http://localhost:7071/api/console/
  API reference: http://localhost:7071/api/reference/  (OpenAPI: http://localhost:7071/api/openapi.json)
Local dev key (admin): $key  (Vod__Keys__0__Secret in local.settings.json)
Try:
  curl -s -X POST http://localhost:7071/api/CreateUploadVideo -H "x-functions-key: $key" \\
       -H 'Content-Type: application/json' -d '{"Title":"My first video","FileName":"movie.mp4"}'

MSG
dotnet build src/VodFunctions.Functions -c Release -v quiet -nologo
if $sample; then dotnet build src/VodFunctions.Cli -c Release -v quiet -nologo; fi
cd src/VodFunctions.Functions
dotnet bin/Release/net10.0/VodFunctions.Functions.dll --urls http://localhost:7071 &
APP_PID=$!
trap 'kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; stop_azurite' EXIT INT TERM

if $sample; then
  # Sample media through the public API and the media container, once the app answers /api/health.
  for _ in $(seq 1 120); do
    node -e 'fetch("http://localhost:7071/api/health").then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' && break
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.5
  done
  VOD_URL=http://localhost:7071 VOD_KEY="$key" dotnet ../VodFunctions.Cli/bin/Release/net10.0/vod.dll sample \
    --storage "${Vod__MediaStorage:-${AzureWebJobsStorage:-UseDevelopmentStorage=true}}" || echo "vod sample failed (the app goes on)." >&2
  cat <<MSG

List the sample media from a second terminal at the repository root:
  VOD_KEY=$key dotnet src/VodFunctions.Cli/bin/Release/net10.0/vod.dll search-media --title Sample
or open the console: http://localhost:7071/api/console/

MSG
fi
wait "$APP_PID"
