#!/bin/sh
# Render an HTML report with headless Chromium and save a PNG screenshot of
# the whole page (its full height), at a given width.
# Usage: scripts/screenshot-report.sh REPORT.html OUT.png [WIDTH[xHEIGHT]]
#   WIDTH   window width in CSS pixels (default 1400; 390 is a phone)
#   HEIGHT  a fixed height instead of the page's full height
# Prints "WIDTHxHEIGHT, content W px wide" and exits 3 when the page is
# wider than the window (it would scroll sideways), 77 without Chromium.
# The browser gets a throw-away profile and no network features, so the
# picture shows exactly what the file itself contains.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTH[xHEIGHT]]" >&2
    exit 2
fi
report=$1
out=$2
size=${3:-1400}
width=${size%%x*}
height=
case $size in *x*) height=${size#*x} ;; esac
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
/*) path=$report ;;
*) path=$(pwd)/$report ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --hide-scrollbars \
        --user-data-dir="$work/profile" "$@" 2>/dev/null
}

# The page's size at this width: a page around it loads the report in a
# frame of that width and writes the frame's scroll size into its title.
cat > "$work/measure.html" <<EOF
<!DOCTYPE html><html><head><title>pending</title></head>
<body style="margin:0"><iframe id="f" src="file://$path"
style="width:${width}px;height:600px;border:0"></iframe><script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument.documentElement;
  document.title = 'size ' + d.scrollWidth + 'x' + d.scrollHeight;
};
</script></body></html>
EOF
measured=$(run --allow-file-access-from-files --virtual-time-budget=10000 \
    --dump-dom "file://$work/measure.html" |
    sed -n 's/.*<title>size \([0-9]*\)x\([0-9]*\)<\/title>.*/\1 \2/p')
content_w=${measured% *}
content_h=${measured#* }
if [ -z "$measured" ]; then
    echo "$0: could not measure the page; using 2400 px" >&2
    content_w=$width
    content_h=2400
fi
[ -n "$height" ] || height=$content_h

rm -f "$out"
run --screenshot="$out" --window-size="$width,$height" "file://$path" \
    >/dev/null || true
if [ ! -s "$out" ]; then
    echo "$0: chromium wrote no screenshot" >&2
    exit 1
fi
echo "$out: ${width}x${height}, content ${content_w} px wide"
if [ "$content_w" -gt "$width" ]; then
    echo "$0: the page is ${content_w} px wide at ${width} px: it scrolls sideways" >&2
    exit 3
fi
