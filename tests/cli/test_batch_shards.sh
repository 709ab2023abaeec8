#!/usr/bin/env bash
# Beyond one machine: --shard K/N databases merged equal one run; merge is
# idempotent and refuses other schema versions and shards a run is still
# writing, leaving OUT.db unchanged;
# scripts/batch-parallel.sh (GNU parallel, locally) and scripts/batch-slurm.sh
# (with a stand-in sbatch, tasks run by hand) give the same exports.
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
SCRIPTS=$ROOT/scripts
. "$HERE/batch_archive.sh"

reference_run "$BIN" 400x320

# Shards: P001 is shard 2 of 2, P002 and P003 shard 1 (SHA-256 of the id).
"$BIN" batch arch --shard 1/2 -j 2 -q 2> s1.log
"$BIN" batch arch --shard 2/2 -j 2 -q 2> s2.log
[ -f skindiff.shard-1-of-2.db ] && [ -f skindiff.shard-2-of-2.db ] \
  && ok "default shard databases" || bad "shard databases missing"
grep -q "results in skindiff.shard-2-of-2.db" s2.log && grep -q "photos 6 analysed" s2.log \
  && ok "shard 2/2 holds P001 only" || bad "shard 2/2: $(cat s2.log)"
"$BIN" merge merged.db skindiff.shard-1-of-2.db skindiff.shard-2-of-2.db || bad "merge failed"
export_all merged.db merged
same_exports ref merged && ok "two shards merged equal one run" || bad "merged shards differ"
"$BIN" merge merged.db skindiff.shard-2-of-2.db || bad "second merge failed"
export_all merged.db merged2
same_exports ref merged2 && ok "merging again changes nothing" || bad "merge not idempotent"
# A shard a run is still writing (its lock held, here by this shell with
# flock(1)) is refused, naming the shard; OUT.db stays as it was.
if command -v flock >/dev/null; then
  exec 9<>skindiff.shard-1-of-2.db.lock
  flock -n 9 || bad "test could not take the shard's lock"
  sum_before=$(cksum < merged.db)
  "$BIN" merge merged.db skindiff.shard-2-of-2.db skindiff.shard-1-of-2.db 2> busy.log
  rc=$?
  exec 9>&-
  [ $rc -eq 6 ] && grep -q "skindiff.shard-1-of-2.db is in use" busy.log \
    && grep -q "merge it when that run has finished" busy.log && [ "$(cksum < merged.db)" = "$sum_before" ] \
    && ok "shard in use refused, OUT.db unchanged" || bad "merge of a busy shard: exit $rc, $(cat busy.log)"
  "$BIN" merge merged.db skindiff.shard-1-of-2.db skindiff.shard-1-of-2.db \
    && ok "a shard named twice merges" || bad "a shard named twice: $(cat busy.log)"
fi
"$BIN" batch arch --shard 3/2 -q 2> /dev/null
[ $? -eq 2 ] && ok "--shard 3/2 is a usage error" || bad "--shard 3/2 accepted"

# A database of another schema version is refused; OUT.db stays as it was.
cp ref.db other.db
if command -v sqlite3 >/dev/null; then
  sqlite3 other.db 'PRAGMA user_version = 7;'
  sum_before=$(cksum < merged.db)
  "$BIN" merge merged.db skindiff.shard-1-of-2.db other.db 2> refuse.log
  rc=$?
  [ $rc -eq 6 ] && grep -q "schema version 7" refuse.log && [ "$(cksum < merged.db)" = "$sum_before" ] \
    && ok "other schema version refused, OUT.db unchanged" || bad "merge refusal: exit $rc, $(cat refuse.log)"
fi

# GNU parallel, locally: 3 shards, 2 at a time, 1 thread each.
if command -v parallel >/dev/null; then
  bash "$SCRIPTS/batch-parallel.sh" -n 3 -P 2 -j 1 -d par -o par.db -b "$BIN" arch > par.log 2>&1
  rc=$?
  tail -3 par.log
  [ $rc -eq 1 ] && ok "batch-parallel.sh exit 1 (failed photos recorded)" || bad "batch-parallel.sh exit $rc"
  export_all par.db par
  same_exports ref par && ok "GNU parallel shards merged equal one run" || bad "GNU parallel exports differ"
  bash "$SCRIPTS/batch-parallel.sh" -n 3 -P 2 -j 1 -d par -o par.db -b "$BIN" arch > par2.log 2>&1
  export_all par.db par2
  same_exports ref par2 && ok "batch-parallel.sh re-run (resume) same exports" || bad "re-run differs"
else
  skip "GNU parallel not installed (scripts/setup.sh installs it)"
fi

# Slurm: a stand-in sbatch records the submissions; the tasks run by hand.
mkdir -p fakebin
cat > fakebin/sbatch <<'EOF'
#!/bin/sh
echo "$*" >> "$SBATCH_LOG"
echo "4242"
EOF
chmod +x fakebin/sbatch
SBATCH_LOG=$PWD/sbatch.log PATH=$PWD/fakebin:$PATH SKINDIFF=$BIN \
  bash "$SCRIPTS/batch-slurm.sh" submit arch slurm 3 -- --pore-threshold 10 > submit.log 2>&1 \
  || bad "slurm submit failed: $(cat submit.log)"
grep -q -- "--array=1-3 .* task $PWD/arch $PWD/slurm 3 -- --pore-threshold 10" sbatch.log \
  && grep -q -- "--dependency=afterany:4242 .* merge $PWD/slurm 3" sbatch.log \
  && ok "slurm: array job and dependent merge submitted" || bad "sbatch calls: $(cat sbatch.log)"
for k in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 SKINDIFF=$BIN \
    bash "$SCRIPTS/batch-slurm.sh" task arch slurm 3 -- --pore-threshold 10 2>> tasks.log \
    || bad "slurm task $k failed"
done
SKINDIFF=$BIN bash "$SCRIPTS/batch-slurm.sh" merge slurm 3 > merge.log 2>&1 || bad "slurm merge: $(cat merge.log)"
# --pore-threshold 10 is the default: same keys, same results as ref.
export_all slurm/skindiff.db slurm_out
same_exports ref slurm_out && ok "Slurm shards merged equal one run" || bad "Slurm exports differ"

finish
