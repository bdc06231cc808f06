# Shared by run.sh and test.sh: installs the pinned Azurite and starts it on loopback.
# shellcheck shell=bash

AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

install_node_packages() {
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing Azurite (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_azurite BLOB_PORT QUEUE_PORT TABLE_PORT [azurite options...]: sets AZURITE_PID and AZURITE_CONNECTION.
start_azurite() {
  local blob=$1 queue=$2 table=$3
  shift 3
  node_modules/.bin/azurite --silent --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" "$@" &
  AZURITE_PID=$!
  for port in "$blob" "$queue" "$table"; do
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      kill -0 "$AZURITE_PID" 2>/dev/null || { echo "Azurite failed to start" >&2; return 1; }
      sleep 0.2
    done
  done
  AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  export AZURITE_CONNECTION
}

# stop_azurite: ends the Azurite started by start_azurite, and waits for it (forcefully after 5 s).
stop_azurite() {
  [ -n "${AZURITE_PID:-}" ] || return 0
  pkill -TERM -P "$AZURITE_PID" 2>/dev/null || true
  kill -TERM "$AZURITE_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$AZURITE_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  pkill -KILL -P "$AZURITE_PID" 2>/dev/null || true
  kill -KILL "$AZURITE_PID" 2>/dev/null || true
}
