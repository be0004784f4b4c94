#!/usr/bin/env bash
# Quick start: installs what is missing, builds in release mode, and runs `rdpcause analyze` on every
# case in SampleLogs, writing findings.{md,json,html} per case under ./findings.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product rdpcause
binary="$(swift build -c release --show-bin-path)/rdpcause"
cases=()
for entry in SampleLogs/*; do
  case "$entry" in
    *.json|*.md) continue ;;
  esac
  cases+=("$entry")
done
status=0
"$binary" analyze --output findings "${cases[@]}" || status=$?
echo "Findings written under ./findings (exit status $status: 0 = every case explained, 1 = some inconclusive, as SampleLogs/inconclusive is meant to be)."
[ "$status" -le 1 ]
