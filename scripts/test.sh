#!/usr/bin/env bash
# The whole test suite (the README's test command). Tests that read ../shared say so when it is absent;
# the Request Tracker tests say so when scripts/rt5-up.sh has not been run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build 2>&1 | tee "$log" || status=$?
# Swift Testing's own summary is followed by XCTest's "Executed 0 tests" (no XCTest suites here),
# so end with one plain line that counts the Swift Testing results.
total=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .*/\1/p' "$log" | tail -n 1)
failed=$(grep -E '^✘ Test .* failed after' "$log" | grep -cv '^✘ Test run with' || true)
if [ -n "$total" ]; then
  echo "swift-testing: $((total - failed)) passed, $failed failed"
fi
exit "$status"
