#!/usr/bin/env bash
# Image figures for docs/benchmarks.md: compressed sizes, and the agent's start-up to /healthz
# from the image's own root file system (chroot, read-only, uid 65532), with the image's class archive
# and without it (the JDK's default archive only).
# Run after the images are built (images/README.md); needs root (mount and chroot), as ImagesIT.
# /tmp is a tmpfs, as the emptyDir a pod would mount there: the simulated agent keeps its state in it.
#   bench/images/run.sh [RUNS]
set -euo pipefail
# One mount namespace for the whole run, so that the mounts below go when it ends.
[[ -n "${BOSUN_BENCH_NS:-}" ]] || exec env BOSUN_BENCH_NS=1 unshare --mount --propagation private "$0" "$@"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=${1:-10}
work=$(mktemp -d)
trap 'umount -R "$work/agent" 2>/dev/null; rm -rf "$work"' EXIT
for image in agent operator router; do
  printf '%-9s %s bytes compressed, digest %s\n' "$image" "$(cat "$root/images/$image/target/image/size")" \
    "$(cat "$root/images/$image/target/image/digest")"
done
# The agent's root file system: the layers, in order.
fs="$work/agent"
mkdir -p "$fs"
layout="$root/images/agent/target/image/oci"
manifest=$(sed 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/' "$layout/index.json")
for layer in $(grep -o '"digest":"sha256:[0-9a-f]*"' "$layout/blobs/sha256/$manifest" | tail -n +2 | cut -d: -f3 | tr -d '"'); do
  tar -xzf "$layout/blobs/sha256/$layer" -C "$fs"
done
config=$(grep -o '"digest":"sha256:[0-9a-f]*"' "$layout/blobs/sha256/$manifest" | head -1 | cut -d: -f3 | tr -d '"')
mount --bind "$fs" "$fs"
mount -o remount,bind,ro "$fs"
mount --rbind /proc "$fs/proc"
mount --rbind /dev "$fs/dev"
mount -t tmpfs tmpfs "$fs/tmp"
mapfile -t entrypoint < <(sed 's/.*"Entrypoint":\[\([^]]*\)\].*/\1/' "$layout/blobs/sha256/$config" | tr ',' '\n' | tr -d '"')
start_ms() { # MODE: milliseconds from exec to /healthz answering 200
  local mode=$1 port=$((20000 + RANDOM % 20000)) cmd=("${entrypoint[@]}")
  [[ $mode == off ]] && cmd=("${cmd[@]/-XX:SharedArchiveFile=*/-Xshare:auto}")
  local t0 t1
  t0=$(date +%s%N)
  chroot --userspec=65532:65532 "$fs" "${cmd[@]}" agent --node bench --simulate 2 --offline --port "$port" >/dev/null 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: the agent exited before /healthz answered" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(((t1 - t0) / 1000000))
}
for mode in on off; do
  mapfile -t times < <(for _ in $(seq "$runs"); do start_ms "$mode"; done | sort -n)
  printf 'agent start to /healthz, class archive %-3s: median %s ms, min %s ms, max %s ms (%s runs)\n' \
    "$mode" "${times[$((runs / 2))]}" "${times[0]}" "${times[$((runs - 1))]}" "$runs"
done
