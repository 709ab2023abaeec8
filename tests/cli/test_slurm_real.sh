#!/usr/bin/env bash
# scripts/batch-slurm.sh on a real one-node Slurm cluster started here:
# munged, slurmctld and slurmd on localhost with a minimal slurm.conf (state,
# spool, logs, keys and sockets in a temporary folder; nothing of the
# system's configuration is read or changed). Submits an archive as N = 3
# shards, waits for the array job and its dependent merge job by polling
# squeue, and checks: the merged exports equal a single-machine run; a
# resubmission does no new work; a shard whose task is cancelled (scancel)
# mid-run recovers when resubmitted. Every daemon started is stopped by pid.
# Exit 77 with "SKIP: <reason>" when the daemons cannot run here.
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
SCRIPTS=$ROOT/scripts
. "$HERE/batch_archive.sh"

[ "$(id -u)" -eq 0 ] || skip_test "the daemons run as root here (SlurmUser=root); not root"
for p in munged slurmctld slurmd sbatch squeue scancel sinfo sqlite3; do
  command -v "$p" >/dev/null || skip_test "$p not installed (Debian slurm-wlm, munge, sqlite3)"
done

# Sockets have a 108-byte path limit: the daemons' folder is short.
D=$(mktemp -d /tmp/skd-slurm.XXXXXX) || exit 1
chmod 755 "$D"
PIDS=()
stop_daemons() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  PIDS=()
}
trap 'stop_daemons; rm -rf "$D"' EXIT
logs() { tail -n 5 "$D"/*.log 2>/dev/null; }

# munge: own key, socket, pid and seed files.
mkdir -m 700 "$D/munge" && chmod 755 "$D/munge"
head -c 1024 /dev/urandom > "$D/munge/munge.key" && chmod 600 "$D/munge/munge.key"
munged -F -f --key-file="$D/munge/munge.key" --socket="$D/munge/sock" \
  --pid-file="$D/munge/pid" --seed-file="$D/munge/seed" \
  --log-file="$D/munged.log" > "$D/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$D/munge/sock" ] && break; sleep 0.1; done
[ -S "$D/munge/sock" ] || skip_test "munged did not start: $(tail -n 3 "$D/munged.out")"

# One node, this host; ports from the pid so parallel runs do not collide.
HOST=$(hostname -s)
PORT=$((20000 + ($$ % 20000) * 2))
CPUS=$(getconf _NPROCESSORS_ONLN)
mkdir -p "$D/state" "$D/spool"
cat > "$D/slurm.conf" <<EOF
ClusterName=skdtest
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/sock
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
MpiDefault=none
ReturnToService=2
MinJobAge=600
PlugStackConfig=$D/plugstack.conf
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=skd Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
: > "$D/plugstack.conf"
export SLURM_CONF=$D/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" > "$D/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" > "$D/slurmd.out" 2>&1 &
PIDS+=($!)
state=
for _ in $(seq 120); do
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || skip_test "slurmctld/slurmd did not start (node '$state'): $(logs)"
ok "one-node Slurm cluster up ($HOST, $CPUS CPUs, port $PORT)"

reference_run "$BIN" 400x320

# submit: prints "array job A (3 shards), merge job M"; sets ARRAY, MERGE.
submit() {
  SKINDIFF=$BIN CPUS=1 bash "$SCRIPTS/batch-slurm.sh" submit arch results 3 > submit.log 2>&1 \
    || { bad "submit: $(cat submit.log)"; return 1; }
  ARRAY=$(sed -n 's/.*array job \([0-9]*\) .*/\1/p' submit.log)
  MERGE=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' submit.log)
  [ -n "$ARRAY" ] && [ -n "$MERGE" ] || { bad "submit output: $(cat submit.log)"; return 1; }
}
# Poll squeue (no accounting database here, so no sacct) until both jobs
# have left the queue; at most 300 s.
wait_jobs() {
  local left
  for _ in $(seq 600); do
    left=$(squeue -h -j "$ARRAY,$MERGE" -o %i 2>/dev/null | wc -l)
    [ "$left" -eq 0 ] && return 0
    sleep 0.5
  done
  bad "jobs $ARRAY/$MERGE still queued after 300 s: $(squeue 2>&1)"
  return 1
}

submit && wait_jobs
grep -q "3 shards merged" results/logs/merge-3.log && ok "array job $ARRAY and merge job $MERGE ran" \
  || bad "merge log: $(cat results/logs/merge-3.log 2>&1)"
export_all results/skindiff.db out1
same_exports ref out1 && ok "Slurm: 3 shards merged equal one run" || bad "Slurm exports differ"

submit && wait_jobs
runs=$(last_runs results 3)
[ "$runs" = "0 0,0 0,0 0," ] && ok "resubmitted: no new work in any shard ($runs)" \
  || bad "resubmission did work: $runs"
export_all results/skindiff.db out2
same_exports ref out2 && ok "resubmitted: exports unchanged" || bad "exports changed on resubmit"

# Cancel the task of the shard with the most photos while it writes: its
# database is removed so the task starts over, and it is cancelled as soon
# as its first row is committed.
big=$(for k in 1 2 3; do
  echo "$(sqlite3 "results/shard-$k-of-3.db" 'SELECT count(*) FROM images') $k"
done | sort -n | tail -1 | cut -d' ' -f2)
want=$(sqlite3 "results/shard-$big-of-3.db" 'SELECT count(*) FROM images')
rm -f "results/shard-$big-of-3.db"*
submit
rows=0
for _ in $(seq 600); do
  rows=$(sqlite3 "results/shard-$big-of-3.db" 'SELECT count(*) FROM images' 2>/dev/null || echo 0)
  [ "${rows:-0}" -gt 0 ] && break
  sleep 0.05
done
scancel "${ARRAY}_$big"
wait_jobs
got=$(sqlite3 "results/shard-$big-of-3.db" 'SELECT count(*) FROM images' 2>/dev/null || echo 0)
grep -q "CANCELLED" "results/logs/shard-$big-of-3.log" && [ "$got" -lt "$want" ] \
  && ok "task $big cancelled mid-run ($got of $want photos in its shard)" \
  || bad "task $big was not cancelled mid-run ($got of $want photos; log: $(tail -n 2 "results/logs/shard-$big-of-3.log"))"
submit && wait_jobs
export_all results/skindiff.db out3
same_exports ref out3 && ok "after the cancelled task, a resubmission merges equal to one run" \
  || bad "exports after the cancelled task differ"

stop_daemons
finish
