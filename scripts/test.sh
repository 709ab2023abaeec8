#!/usr/bin/env bash
# Set up, build and run every test tier: unit, ground truth, CLI, bad input,
# then the same suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
# A test that cannot run here is reported by ctest as SKIP (exit 77). When the
# shared test data (photos, PngSuite) exists next to the clone, the tests that
# need it must run: SKD_REQUIRE_SHARED_DATA=1 turns their skips into failures.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=$(cd .. && pwd)/shared/data
if [ -d "$shared" ]; then
    export SKD_REQUIRE_SHARED_DATA=1
    echo "== shared test data: $shared (required: tests that need it fail if they skip)"
else
    echo "##########################################################################" >&2
    echo "## NOTE: no shared test data at $shared" >&2
    echo "## The tests on real photos and PngSuite will be reported as SKIPPED." >&2
    echo "##########################################################################" >&2
fi

bash scripts/setup.sh
ctest --test-dir build -j 2 --output-on-failure

if [ "${SKD_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "== sanitizer build (ASan + UBSan + LeakSanitizer) =="
    BUILD_DIR=build-asan bash scripts/setup.sh -DSKD_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan -j 2 --output-on-failure
fi
