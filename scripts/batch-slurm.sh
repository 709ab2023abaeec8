#!/usr/bin/env bash
# Run `skindiff batch` on a Slurm cluster: one shard per array task, then a
# merge job that starts when every task has ended.
#
# Submit (on the login node):
#   scripts/batch-slurm.sh submit ARCHIVE RESULTS_DIR N [-- BATCH-OPTIONS...]
#     submits an array job of N tasks (shard K = SLURM_ARRAY_TASK_ID) and a
#     merge job depending on it (afterany). Extra sbatch options come from
#     SBATCH_OPTS, e.g. SBATCH_OPTS="--partition=long --time=12:00:00";
#     threads per shard from CPUS (default 8), binary from SKINDIFF.
#
# The two steps, also usable by hand (what the jobs run):
#   scripts/batch-slurm.sh task ARCHIVE RESULTS_DIR N [-- BATCH-OPTIONS...]
#     runs shard $SLURM_ARRAY_TASK_ID of N into RESULTS_DIR/shard-K-of-N.db
#   scripts/batch-slurm.sh merge RESULTS_DIR N [OUT.db]
#     merges the shard databases into OUT.db (default RESULTS_DIR/skindiff.db),
#     rebuilt from the shards (OUT.db.new, then renamed)
#
# Resubmitting the same command resumes: every shard skips what its database
# holds. A task whose photos partly failed exits 0 (the failures are error
# rows, and its log says so); any other failure fails the task, and merge
# names the shards that are missing. RESULTS_DIR must be on a file system
# every node sees with working POSIX locks (each shard database is written by
# one task only).
set -u

SKINDIFF=${SKINDIFF:-skindiff}
die() { echo "batch-slurm: $*" >&2; exit 2; }
usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
posint() { case $1 in ''|*[!0-9]*|0) return 1 ;; esac; }

mode=${1:-}
[ $# -ge 1 ] && shift
case $mode in
submit)
  [ $# -ge 3 ] || usage
  archive=$1 results=$2 n=$3
  shift 3
  [ "${1:-}" = "--" ] && shift
  posint "$n" || die "N must be a positive number"
  [ -d "$archive" ] || die "$archive: not a folder"
  mkdir -p "$results/logs" || exit 2
  archive=$(cd "$archive" && pwd) results=$(cd "$results" && pwd)
  self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
  # shellcheck disable=SC2086
  array=$(sbatch --parsable ${SBATCH_OPTS:-} --job-name=skindiff-batch \
    --array="1-$n" --cpus-per-task="${CPUS:-8}" \
    --output="$results/logs/shard-%a-of-$n.log" \
    --export=ALL,SKINDIFF="$SKINDIFF" \
    "$self" task "$archive" "$results" "$n" -- "$@") || exit 1
  array=${array%%;*}
  # shellcheck disable=SC2086
  merge=$(sbatch --parsable ${SBATCH_OPTS:-} --job-name=skindiff-merge \
    --dependency="afterany:$array" --cpus-per-task=1 \
    --output="$results/logs/merge-$n.log" \
    --export=ALL,SKINDIFF="$SKINDIFF" \
    "$self" merge "$results" "$n") || exit 1
  echo "batch-slurm: array job $array ($n shards), merge job ${merge%%;*}"
  echo "batch-slurm: results in $results/skindiff.db when the merge job ends"
  ;;
task)
  [ $# -ge 3 ] || usage
  archive=$1 results=$2 n=$3
  shift 3
  [ "${1:-}" = "--" ] && shift
  k=${SLURM_ARRAY_TASK_ID:-}
  posint "$k" || die "SLURM_ARRAY_TASK_ID is not set: run 'submit', or set it by hand"
  posint "$n" || die "N must be a positive number"
  threads=${SLURM_CPUS_PER_TASK:-$(getconf _NPROCESSORS_ONLN)}
  "$SKINDIFF" batch "$archive" --shard "$k/$n" \
    --db "$results/shard-$k-of-$n.db" -j "$threads" -q "$@"
  rc=$?
  if [ $rc -eq 1 ]; then
    echo "batch-slurm: shard $k/$n done; some photos or comparisons failed (error rows in the database)" >&2
    exit 0
  fi
  exit $rc
  ;;
merge)
  [ $# -ge 2 ] || usage
  results=$1 n=$2 out=${3:-$1/skindiff.db}
  posint "$n" || die "N must be a positive number"
  shards=() missing=()
  for k in $(seq 1 "$n"); do
    f=$results/shard-$k-of-$n.db
    if [ -f "$f" ]; then shards+=("$f"); else missing+=("$k"); fi
  done
  [ ${#shards[@]} -gt 0 ] || { echo "batch-slurm: no shard database in $results" >&2; exit 6; }
  rm -f "$out.new" "$out.new-wal" "$out.new-shm"
  "$SKINDIFF" merge "$out.new" "${shards[@]}" || { rm -f "$out.new"; exit 6; }
  mv -f "$out.new" "$out" || exit 6
  rm -f "$out.new.lock"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "batch-slurm: shards ${missing[*]} of $n are missing: resubmit to finish them" >&2
    exit 1
  fi
  echo "batch-slurm: $n shards merged into $out"
  ;;
*)
  usage
  ;;
esac
