#!/usr/bin/env bash
# Publishes the function app for Azure Functions on Linux: a self-contained linux-x64 build (the
# custom handler runs as a native executable; the Functions host image has no .NET runtime of its
# own), host.json and one function.json per function, in artifacts/publish, zipped to
# artifacts/vodfunctions.zip for deployment (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/publish
zipfile=artifacts/vodfunctions.zip
rm -rf "$out" "$zipfile"
dotnet publish src/VodFunctions.Functions -c Release -r linux-x64 --self-contained true -o "$out" "$@"
chmod +x "$out/VodFunctions.Functions"
(cd "$out" && zip -q -r -X "../$(basename "$zipfile")" .)
echo "Published to $out, package $zipfile ($(du -h "$zipfile" | cut -f1))"
