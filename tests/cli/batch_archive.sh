# Helpers for the batch CLI tests (sourced, not a test itself).

have_synth() { "$1" synth --help >/dev/null 2>&1; }

# ARCHIVE/<patient>/<session>/<view>.jpg: 3 patients x 3 sessions x 2 views
# at 600x500 px (or WxH), 20 px/mm. Each patient+view is one skin (seed); session 1 is
# untreated, sessions 2 and 3 show more and more treatment (fewer pores,
# smoother relief, less redness) with fresh sensor noise.
make_archive() { # BIN DIR [WxH]
  local bin=$1 dir=$2 size=${3:-600x500} p s v i=0 seed
  for p in P001 P002 P003; do
    for v in front left; do
      i=$((i + 1))
      seed=$((100 + i))
      for s in 1 2 3; do
        mkdir -p "$dir/$p/2024-0$s-1$s"
        "$bin" synth "$dir/$p/2024-0$s-1$s/$v.jpg" --size "$size" --px-per-mm 20 \
          --seed $seed --session $s >/dev/null || return 1
      done
    done
  done
}

# One truncated JPEG, one broken symlink and one FIFO named like photos.
break_archive() { # DIR
  head -c 20000 "$1/P002/2024-02-12/left.jpg" > "$1/trunc.tmp" &&
    mv "$1/trunc.tmp" "$1/P002/2024-02-12/left.jpg"
  rm -f "$1/P003/2024-03-13/front.jpg" && ln -s missing.jpg "$1/P003/2024-03-13/front.jpg"
  rm -f "$1/P003/2024-01-11/left.jpg" && mkfifo "$1/P003/2024-01-11/left.png"
}
