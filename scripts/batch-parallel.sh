#!/usr/bin/env bash
# Run `skindiff batch` as N shards with GNU parallel, on this machine or on
# several hosts over ssh, then merge the shard databases into one.
#
#   scripts/batch-parallel.sh [OPTIONS] ARCHIVE [-- BATCH-OPTIONS...]
#
#   -n N          number of shards (default: 4)
#   -P J          shards running at once per host (default: 1; each shard
#                 uses -j threads)
#   -j T          threads per shard (default: online CPUs / J)
#   -S HOSTS      GNU parallel --sshlogin list, e.g. "8/node1,8/node2" or ":"
#                 for this machine (default: this machine only)
#   -d DIR        folder for the shard databases (default: ARCHIVE/shards);
#                 with -S it must be the same path on every host (shared)
#   -o OUT.db     merged database (default: ARCHIVE/skindiff.db)
#   -b BINARY     skindiff binary, same path on every host (default: the one
#                 on PATH)
#   BATCH-OPTIONS are passed to every `skindiff batch` (e.g. --px-per-mm 25).
#
# Re-running resumes: each shard skips what its database already holds, and
# the merged database is rebuilt from the shards (written to OUT.db.new, then
# renamed). Exit status: 0 all fine, 1 some items failed (error rows), else
# the worst exit status of a shard or of the merge (shards that did not
# finish are named; run the script again to resume them).
#
# Across hosts the archive, the binary and DIR must be reachable at the same
# absolute paths (e.g. NFS; relative paths given here are made absolute),
# the binary must run on every host (same libraries), and this machine must
# reach each host by ssh without a password (a key; GNU parallel's ssh is
# PARALLEL_SSH, e.g. "ssh -F my_ssh_config"). Each shard database is written
# by one process only; if the shared file system's locking is unreliable,
# keep DIR on a file system with working POSIX locks. The merge runs here.
set -u

usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

N=4 P=1 J= HOSTS= DIR= OUT= BIN=skindiff
while getopts "n:P:j:S:d:o:b:h" opt; do
  case $opt in
    n) N=$OPTARG ;;
    P) P=$OPTARG ;;
    j) J=$OPTARG ;;
    S) HOSTS=$OPTARG ;;
    d) DIR=$OPTARG ;;
    o) OUT=$OPTARG ;;
    b) BIN=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
ARCHIVE=$1
shift
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")

case $N in ''|*[!0-9]*|0) echo "batch-parallel: -n wants a positive number" >&2; exit 2 ;; esac
command -v parallel >/dev/null || { echo "batch-parallel: GNU parallel is not installed (apt-get install parallel)" >&2; exit 2; }
[ -d "$ARCHIVE" ] || { echo "batch-parallel: $ARCHIVE: not a folder" >&2; exit 2; }
[ -n "$J" ] || J=$(( $(getconf _NPROCESSORS_ONLN) / P )); [ "$J" -ge 1 ] || J=1
[ -n "$DIR" ] || DIR=$ARCHIVE/shards
[ -n "$OUT" ] || OUT=$ARCHIVE/skindiff.db
mkdir -p "$DIR" || exit 2
# Remote shells start in the login's home folder: the paths the shards use
# are made absolute (they must be the same on every host).
ARCHIVE=$(cd "$ARCHIVE" && pwd) DIR=$(cd "$DIR" && pwd)
case $BIN in */*) BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN") ;; esac

SSH=()
[ -n "$HOSTS" ] && SSH=(--sshlogin "$HOSTS")
JOBLOG=$DIR/joblog-$N.txt
rm -f "$JOBLOG"

# -q: parallel quotes every word, so paths with spaces survive (also over ssh).
seq 1 "$N" | parallel -q --jobs "$P" "${SSH[@]}" --halt never --joblog "$JOBLOG" \
  --tagstring "shard {}/$N" \
  "$BIN" batch "$ARCHIVE" --shard "{}/$N" --db "$DIR/shard-{}-of-$N.db" \
  -j "$J" -q "${EXTRA[@]}"

# Exit values per shard, from the job log (column 7 is Exitval, 8 Signal).
worst=0
shards=()
while read -r k _ _ _ _ _ exitval signal _; do
  [ "$k" = "Seq" ] && continue  # the input is 1..N, so Seq is the shard
  if [ "$signal" != 0 ]; then exitval=70; fi
  if [ "$exitval" -gt 1 ]; then
    echo "batch-parallel: shard $k/$N failed (exit $exitval, signal $signal); run again to resume" >&2
  fi
  if [ "$exitval" -gt "$worst" ]; then worst=$exitval; fi
done < "$JOBLOG"
for k in $(seq 1 "$N"); do
  [ -f "$DIR/shard-$k-of-$N.db" ] && shards+=("$DIR/shard-$k-of-$N.db")
done
if [ ${#shards[@]} -eq 0 ]; then
  echo "batch-parallel: no shard database was written" >&2
  [ "$worst" -gt 1 ] && exit "$worst"
  exit 6
fi

rm -f "$OUT.new" "$OUT.new-wal" "$OUT.new-shm"
if ! "$BIN" merge "$OUT.new" "${shards[@]}"; then
  rm -f "$OUT.new"
  exit 6
fi
mv -f "$OUT.new" "$OUT" || exit 6
rm -f "$OUT.new.lock"
echo "batch-parallel: ${#shards[@]} of $N shards merged into $OUT" >&2
exit "$worst"
