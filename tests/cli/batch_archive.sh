# Helpers for the batch CLI tests (sourced, not a test itself).

# ARCHIVE/<patient>/<session>/<view>.jpg: 3 patients x 3 sessions x 2 views
# at 600x500 px (or WxH), 20 px/mm. Each patient+view is one skin (seed); session 1 is
# untreated, sessions 2 and 3 show more and more treatment (fewer pores,
# smoother relief, less redness) with fresh sensor noise.
make_archive() { # BIN DIR [WxH]
  local bin=$1 dir=$2 size=${3:-600x500} p s v i=0 seed out
  local w=${size%x*} h=${size#*x}
  for p in P001 P002 P003; do
    for v in front left; do
      i=$((i + 1))
      seed=$((100 + i))
      for s in 1 2 3; do mkdir -p "$dir/$p/2024-0$s-1$s"; done
      # Same skin (seed) each session, treated more in session 3 than 2;
      # session 1 is the untreated photo of the session 2 call.
      for s in 2 3; do
        out=$dir/untreated.tmp.jpg
        [ $s -eq 2 ] && out=$dir/$p/2024-01-11/$v.jpg
        "$bin" synth "$out" --after "$dir/$p/2024-0$s-1$s/$v.jpg" \
          --width "$w" --height "$h" --seed $seed --after-seed $((seed * 10 + s)) -q \
          --keep-pores "0.$((9 - 2 * s))" --relief-scale "0.$((10 - s))" \
          --delta-a "-$((s - 1))" --red-scale "0.$((9 - 2 * s))" || return 1
      done
    done
  done
  rm -f "$dir/untreated.tmp.jpg"
}

# One truncated JPEG, one broken symlink and one FIFO named like photos.
break_archive() { # DIR
  head -c 20000 "$1/P002/2024-02-12/left.jpg" > "$1/trunc.tmp" &&
    mv "$1/trunc.tmp" "$1/P002/2024-02-12/left.jpg"
  rm -f "$1/P003/2024-03-13/front.jpg" && ln -s missing.jpg "$1/P003/2024-03-13/front.jpg"
  rm -f "$1/P003/2024-01-11/left.jpg" && mkfifo "$1/P003/2024-01-11/left.png"
}

# Every table of a results database as CSV and NDJSON in DIR (uses $BIN).
export_all() { # DB DIR
  "$BIN" export --db "$1" --csv --out-dir "$2" && "$BIN" export --db "$1" --ndjson --out-dir "$2"
}
# Two export folders hold the same bytes.
same_exports() { # DIR_A DIR_B
  local t f
  for t in images comparisons series; do
    for f in csv ndjson; do
      cmp -s "$1/$t.$f" "$2/$t.$f" || { echo "  $1/$t.$f differs from $2/$t.$f"; return 1; }
    done
  done
}

# The reference of the sharded runs: the archive of make_archive (WxH) in
# ./arch, broken by break_archive, measured in one run (-j 2) into ref.db
# (log ref.log) and exported to ref/. A test that cannot make it fails.
reference_run() { # BIN WxH
  make_archive "$1" arch "$2" || { echo "FAIL: cannot generate the archive" >&2; exit 1; }
  break_archive arch
  "$1" batch arch --db ref.db -j 2 -q 2> ref.log
  export_all ref.db ref || { echo "FAIL: reference run" >&2; exit 1; }
}
# The work the last run of each of N shards in DIR did, "images_done
# comparisons_done," per shard ("0 0,0 0,0 0," for no new work in 3 shards).
last_runs() { # DIR N
  local k
  for k in $(seq "$2"); do
    sqlite3 "$1/shard-$k-of-$2.db" \
      "SELECT images_done, comparisons_done FROM runs ORDER BY rowid DESC LIMIT 1"
  done | tr '|\n' ' ,'
}
