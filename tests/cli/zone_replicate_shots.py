"""Shots for test_compare_zone_replicates.sh: gen.py SKINDIFF TESTS_CLI_DIR.
Three shots per session of one synthetic skin (640 x 480 at 20 px/mm, no red
patches), each with its own relief x (1 + 0.03 z), a* + 0.3 z, camera shift
and sensor noise; the after shots treated on the image's left half only
(the subject's right cheek side): 40% fewer pores, a* - 2.5. A treated and
an untreated render of each after shot, same camera and noise, joined where
the skin point crosses x = 319.5 of the before frame. Writes b1..b3.png,
a1..a3.png, b3c.png (b3 without its left 260 columns: a replicate that
does not show the right cheek), face.json (a hand-drawn face scaled to the
frame) and truth.json (each shot's a* offset, before and after)."""
import json, math, random, subprocess, sys
from PIL import Image
BIN = sys.argv[1]
rnd = random.Random(1307)
truth = {"b": [], "a": []}
def synth(out, seed, shift, relief, da, keep):
    subprocess.run([BIN, "synth", "tmp.png", "--after", out, "--width", "640",
                    "--height", "480", "--seed", "41", "--red-patches", "0",
                    "--after-seed", str(seed), "--shift", "%g,%g" % shift,
                    "--relief-scale", "%.6f" % relief, "--delta-a", "%.6f" % da,
                    "--keep-pores", str(keep), "-q"], check=True)
for i, name in enumerate("ba"):
    for j in range(3):
        relief = 1 + 0.03 * rnd.gauss(0, 1)
        da = 0.3 * rnd.gauss(0, 1)
        shift = (round(rnd.uniform(-3, 3), 2), round(rnd.uniform(-3, 3), 2)) if j else (0, 0)
        out = "%s%d.png" % (name, j + 1)
        truth[name].append(da)
        seed = 10 * i + j + 3
        synth(out, seed, shift, relief, da, 1)
        if name == "a":
            synth("t.png", seed, shift, relief, da - 2.5, 0.6)
            t, u = Image.open("t.png"), Image.open(out)
            w = t.size[0]
            cut = max(0, min(w, math.ceil(319.5 - shift[0])))  # x + dx < 319.5
            u.paste(t.crop((0, 0, cut, t.size[1])), (0, 0))
            u.save(out)
# The hand-drawn face of test_zones.sh (hand_face.py), scaled 2 about
# (200, 200) and centred at (320, 250) so that its zones span several 2 mm
# tiles.
subprocess.run([sys.executable, sys.argv[2] + "/hand_face.py", "face0.json"],
               check=True)
doc = json.load(open("face0.json"))
doc["landmarks"] = {k: [(x - 200) * 2 + 320, (y - 200) * 2 + 250]
                    for k, (x, y) in doc["landmarks"].items()}
json.dump(doc, open("face.json", "w"))
b3 = Image.open("b3.png")
b3.crop((260, 0, b3.size[0], b3.size[1])).save("b3c.png")
json.dump(truth, open("truth.json", "w"))
