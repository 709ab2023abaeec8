#!/usr/bin/env bash
# scripts/batch-parallel.sh across "hosts" over real ssh: an sshd started
# here on a loopback port (its own sshd_config, a throw-away host key and
# user key in a temporary folder; the system's ssh configuration is neither
# read nor changed), reached under two host names, so GNU parallel spreads 3
# shards over two sshlogins. Checks: the merged exports equal a
# single-machine run; a re-run does no new work in any shard and gives the
# same exports. The sshd is stopped by pid. Exit 77 with "SKIP: <reason>"
# when sshd cannot run here.
set -u
. "$(dirname "$0")/harness.sh"
start_test "$@"
SCRIPTS=$ROOT/scripts
. "$HERE/batch_archive.sh"

[ "$(id -u)" -eq 0 ] || skip_test "sshd runs as root here (a login needs it); not root"
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip_test "sshd not installed (Debian openssh-server)"
for p in ssh ssh-keygen parallel sqlite3; do
  command -v "$p" >/dev/null || skip_test "$p not installed (Debian openssh-client, parallel, sqlite3)"
done

D=$(mktemp -d /tmp/skd-ssh.XXXXXX) || exit 1
SSHD_PID=
cleanup() {
  if [ -n "$SSHD_PID" ]; then
    kill "$SSHD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SSHD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SSHD_PID" 2>/dev/null
  fi
  rm -rf "$D"
}
trap cleanup EXIT

# sshd's privilege separation needs its empty runtime folder (the Debian
# service creates it at start). Made here when missing and left in place: a
# run of this test beside another must not remove it under the other's sshd.
[ -d /run/sshd ] || mkdir -m 755 /run/sshd 2>/dev/null || skip_test "cannot create /run/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$D/host_key" || skip_test "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -f "$D/user_key" || skip_test "ssh-keygen failed"
cp "$D/user_key.pub" "$D/authorized_keys"
PORT=$((20000 + ($$ % 20000) * 2 + 1))
cat > "$D/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $D/host_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
X11Forwarding no
PrintMotd no
EOF
cat > "$D/ssh_config" <<EOF
Host skd-host-a skd-host-b
  HostName 127.0.0.1
  Port $PORT
  User root
  IdentityFile $D/user_key
  IdentitiesOnly yes
  HostKeyAlias skd-test-sshd
  UserKnownHostsFile $D/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
EOF
echo "skd-test-sshd $(cat "$D/host_key.pub")" > "$D/known_hosts"
"$SSHD" -D -e -f "$D/sshd_config" > "$D/sshd.log" 2>&1 &
SSHD_PID=$!
export PARALLEL_SSH="ssh -F $D/ssh_config"
up=
for _ in $(seq 50); do
  up=$($PARALLEL_SSH skd-host-a echo up 2>/dev/null) && [ "$up" = up ] && break
  sleep 0.2
done
[ "$up" = up ] || skip_test "sshd did not accept the login: $(tail -n 3 "$D/sshd.log")"
ok "sshd on 127.0.0.1:$PORT, logins skd-host-a and skd-host-b"

reference_run "$BIN" 400x320

# Relative paths on purpose: the script makes them absolute for the hosts.
run() {
  bash "$SCRIPTS/batch-parallel.sh" -n 3 -P 1 -j 1 -S 1/skd-host-a,1/skd-host-b \
    -d shards -o merged.db -b "$BIN" arch > "$1" 2>&1
}
run par1.log
rc=$?
[ $rc -eq 1 ] && ok "batch-parallel.sh over ssh: exit 1 (the broken photos are error rows)" \
  || bad "batch-parallel.sh over ssh: exit $rc: $(tail -n 5 par1.log)"
hosts=$(awk 'NR > 1 { print $2 }' shards/joblog-3.txt | sort -u | tr '\n' ' ')
[ "$hosts" = "skd-host-a skd-host-b " ] && ok "shards ran on both hosts ($hosts)" \
  || bad "shards ran on: '$hosts'"
export_all merged.db out1
same_exports ref out1 && ok "3 shards over ssh merged equal one run" || bad "exports over ssh differ"

run par2.log
runs=$(last_runs shards 3)
[ "$runs" = "0 0,0 0,0 0," ] && ok "re-run: no new work in any shard ($runs)" || bad "re-run did work: $runs"
export_all merged.db out2
same_exports ref out2 && ok "re-run: exports unchanged" || bad "exports changed on re-run"

finish
