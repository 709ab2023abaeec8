#!/usr/bin/env bash
# The README stays a short user guide (< 30 kB) and no relative link in
# README.md or docs/ is broken (file and heading), nor does any file cite a
# document the repository does not contain. Usage: test_docs.sh SKINDIFF TMPDIR
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
exec "$py" "$root/tests/cli/check_docs.py" "$root"
