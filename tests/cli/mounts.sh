# Sourced by the output-failure tests after start_test (harness.sh), which
# has unmounted what a killed run left under DIR and entered DIR: `tmpfs SUB
# OPTIONS` mounts a small file system there (root only; 1 when not
# possible), unmounted again when the test exits.
MOUNTS=()
unmount_all() {
    for m in "${MOUNTS[@]}"; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}
trap unmount_all EXIT
tmpfs() {
    mkdir -p "$1"
    if mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null; then
        MOUNTS+=("$DIR/$1")
        return 0
    fi
    return 1
}
