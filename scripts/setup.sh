#!/usr/bin/env bash
# Install the build and test dependencies (Debian packages) and build skindiff
# into ./build. Safe to re-run: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config
          libpng-dev libjpeg62-turbo-dev libfftw3-dev libsqlite3-dev
          libdlib-dev libdlib-data
          liblcms2-dev liblcms2-utils
          libheif-dev libheif-examples libtiff-dev libtiff-tools libgs-common
          libjpeg-turbo-progs sqlite3 parallel
          clang libclang-rt-14-dev
          python3 python3-numpy python3-scipy python3-pil
          python3-pytest python3-pandas python3-pip
          chromium
          # tests only: a one-node Slurm cluster and an sshd on a loopback
          # port (tests/cli/test_slurm_real.sh, test_parallel_ssh.sh); peak
          # memory (test_store_scale.sh, scripts/store-scale.sh)
          slurm-wlm munge openssh-server openssh-client time)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$BUILD_DIR" -j "$(nproc)"
