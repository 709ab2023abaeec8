#!/usr/bin/env bash
# Batch throughput with -j 1 and -j 2 on one generated archive, in one run:
# wall time, photos per second, the ratio, and whether the exports are
# identical. Wall times only mean something on an otherwise idle machine, so
# the load average is printed with them.
# Usage: scripts/bench-batch.sh [BUILD_DIR] [WxH]   (default build, 1200x900)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build}/skindiff
SIZE=${2:-1200x900}
WORK=${TMPDIR:-/tmp}/skindiff-bench-batch
. tests/cli/batch_archive.sh
rm -rf "$WORK" && mkdir -p "$WORK/archive"
echo "generating archive (3 patients x 3 sessions x 2 views, $SIZE)..." >&2
make_archive "$BIN" "$WORK/archive" "$SIZE"
photos=$(find "$WORK/archive" -name '*.jpg' | wc -l)

run() { # JOBS -> "wall_s cpu_s" (CPU: user + system of the batch process)
    local db=$WORK/j$1.db start end cpu
    rm -f "$db"*
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$WORK/time-j$1" \
        "$BIN" batch "$WORK/archive" --px-per-mm 20 --db "$db" -j "$1" -q >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    cpu=$(awk '{ print $1 + $2 }' "$WORK/time-j$1")
    "$BIN" export --db "$db" --csv --out-dir "$WORK/export-j$1" >/dev/null
    awk -v a="$start" -v b="$end" -v c="$cpu" 'BEGIN { print b - a, c }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r t1 c1 <<<"$(run 1)"
read -r t2 c2 <<<"$(run 2)"
same=identical
diff -r "$WORK/export-j1" "$WORK/export-j2" >/dev/null || same=DIFFERENT
pairs=$(sqlite3 "$WORK/j1.db" 'SELECT COUNT(*) FROM comparisons' 2>/dev/null || echo "?")
awk -v n="$photos" -v a="$t1" -v b="$t2" -v s="$same" -v ca="$c1" -v cb="$c2" -v p="$pairs" 'BEGIN {
    printf "batch of %d photos and %s comparisons: CPU per photo %.3f s (-j 1), %.3f s (-j 2)\n",
           n, p, ca / n, cb / n
    printf "  -j 1 %.1f s wall (%.2f photos/s), -j 2 %.1f s (%.2f photos/s): %.2fx; exports %s\n",
           a, n / a, b, n / b, a / b, s }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
