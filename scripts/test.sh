#!/usr/bin/env bash
# The whole test suite (the README's test command). Tests that read ../shared say so when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
