#!/usr/bin/env bash
# Publishes the function app for Azure Functions: a framework-dependent .NET isolated worker (the platform's
# dotnet-isolated 10.0 runtime runs it) with functions.metadata, worker.config.json, extensions.json and
# .azurefunctions/, in artifacts/publish, zipped to artifacts/vodfunctions.zip for deployment (docs/deploy.md).
# Extra arguments go to dotnet publish; ARTIFACTS=dir writes elsewhere, CONFIGURATION=Debug publishes a debug build.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(realpath -m "${ARTIFACTS:-artifacts}")
rm -rf "$out/publish" "$out/vodfunctions.zip"
mkdir -p "$out"
dotnet publish src/VodFunctions.Functions -c "${CONFIGURATION:-Release}" -o "$out/publish" -p:PackageZip="$out/vodfunctions.zip" "$@"
echo "Published to $out/publish, package $out/vodfunctions.zip ($(du -h "$out/vodfunctions.zip" | cut -f1))"
