#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test.
# Tests that need ../shared/assets (label "assets") run when that folder exists.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build.sh -DFROST_BUILD_TESTS=ON
args=(--test-dir build --output-on-failure -j"$(nproc)")
if [ ! -d ../shared/assets ]; then
  echo "../shared/assets not found: skipping tests labelled 'assets'"
  args+=(-LE assets)
fi
ctest "${args[@]}"
