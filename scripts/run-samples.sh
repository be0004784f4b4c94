#!/usr/bin/env bash
# Quick start: installs what is missing, builds in release mode, and runs rdpcause on SampleLogs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product rdpcause
binary="$(swift build -c release --show-bin-path)/rdpcause"
"$binary" events SampleLogs > /tmp/rdpcause-samplelogs.ndjson
echo "rdpcause events SampleLogs: $(wc -l < /tmp/rdpcause-samplelogs.ndjson) events written to /tmp/rdpcause-samplelogs.ndjson"
