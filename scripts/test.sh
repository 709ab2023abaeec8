#!/usr/bin/env bash
# Set up, build and run every test tier: unit, ground truth, CLI, bad input,
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
ctest --test-dir build -j 2 --output-on-failure

if [ "${SKD_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "== sanitizer build (ASan + UBSan + LeakSanitizer) =="
    BUILD_DIR=build-asan bash scripts/setup.sh -DSKD_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan -j 2 --output-on-failure
fi
