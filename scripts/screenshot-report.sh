#!/bin/sh
# Render an HTML report with headless Chromium and save a PNG screenshot.
# Usage: scripts/screenshot-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
# The browser gets a throw-away profile and no network features, so the
# picture shows exactly what the file itself contains.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
report=$1
out=$2
size=${3:-1400x2400}
browser=
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ]; then
    echo "$0: no chromium found" >&2
    exit 77
fi
case $report in
/*) url="file://$report" ;;
*) url="file://$(pwd)/$report" ;;
esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$out" \
    --window-size="$(echo "$size" | tr x ,)" "$url" >/dev/null 2>&1 || true
if [ ! -s "$out" ]; then
    echo "$0: chromium wrote no screenshot" >&2
    exit 1
fi
