#!/usr/bin/env bash
# compare refuses photos that do not show the same skin at its DEFAULT
# registration threshold (no --min-confidence given): exit 4, "cannot align",
# and no figures. Pairs: synthetic skins of different seeds; skin against a
# smooth unrelated picture; and, with the shared data, two different real
# photos. A pair of the same skin (control) is accepted at the same default.
# Usage: test_compare_refuse.sh SKINDIFF_BINARY SCRATCH_DIR [SHARED_DATA_DIR]
set -eu
. "$(dirname "$0")/harness.sh"
start_test "$@"

refused() { # refused BEFORE AFTER: exit 4, the reason, no figures on stdout
    expect_rc 4 "$BIN" compare "$1" "$2" --px-per-mm 20 --json
    has err.txt "cannot align"
    lacks out.txt '"verdict"'
}

for seed in 1 2 3; do
    "$BIN" synth -q "skin$seed.png" --width 400 --height 320 --seed "$seed"
done
"$BIN" synth -q same-before.png --after same-after.png --width 400 --height 320 --seed 7 \
    --shift 6,-4 --rotate 3
# A smooth picture with no skin in it: diagonal bands and a disc (stdlib PNG).
python3 - <<'PY'
import math, struct, zlib
w, h = 400, 320
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
rows = []
for y in range(h):
    row = bytearray([0])
    for x in range(w):
        v = 128 + 90 * math.sin((x + 2 * y) / 23.0)
        if (x - 260) ** 2 + (y - 140) ** 2 < 70 ** 2:
            v = 230
        row += bytes([int(v), int(v * 0.8), int(v * 0.7)])
    rows.append(bytes(row))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
open("picture.png", "wb").write(png)
PY

# The control: the same skin, moved, is accepted at the default.
expect_rc 0 "$BIN" compare same-before.png same-after.png --px-per-mm 20 --json
has out.txt '"verdict"'

refused skin1.png skin2.png
refused skin2.png skin3.png
refused skin3.png skin1.png
refused skin1.png picture.png
refused picture.png skin2.png

if need_shared_data "$DATA" photos/portrait-room.jpg "two different real photos"; then
    refused "$DATA/photos/portrait-room.jpg" "$DATA/photos/portrait-standing.jpg"
    refused "$DATA/photos/portrait-podium.jpg" "$DATA/photos/portrait-room.jpg"
fi

finish
