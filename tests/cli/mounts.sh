# Sourced by the output-failure tests, in place of `cd "$DIR"`: unmounts
# what a killed run left under DIR, empties it and enters it; `tmpfs SUB
# OPTIONS` mounts a small file system there (root only; 1 when not
# possible), unmounted again when the test exits.
mkdir -p "$DIR"
awk -v d="$DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
done
cd "$DIR"
rm -rf ./* 2>/dev/null || true

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
