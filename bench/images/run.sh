#!/usr/bin/env bash
# Image figures for docs/benchmarks.md: compressed sizes, and the agent's start-up to /healthz
# from the image's own root file system (chroot, read-only, uid 65532), AOT cache on and off.
# Run after the images are built (images/README.md); needs root (mount and chroot), as ImagesIT.
#   bench/images/run.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
mapfile -t entrypoint < <(sed 's/.*"Entrypoint":\[\([^]]*\)\].*/\1/' "$layout/blobs/sha256/$config" | tr ',' '\n' | tr -d '"')
start_ms() { # MODE: milliseconds from exec to /healthz answering 200
  local mode=$1 port=$((20000 + RANDOM % 20000)) cmd=("${entrypoint[@]}")
  [[ $mode == off ]] && cmd=("${cmd[@]/-XX:AOTCache=*/-XX:AOTMode=off}")
  local t0 t1
  t0=$(date +%s%N)
  R="$fs" unshare --mount --pid --fork bash -c 'mount --bind $R $R; mount -o remount,bind,ro $R; mount -t proc proc $R/proc; mount --rbind /dev $R/dev; exec chroot --userspec=65532:65532 $R "$@"' sandbox \
    "${cmd[@]}" agent --node bench --simulate 2 --offline --port "$port" >/dev/null 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(((t1 - t0) / 1000000))
}
for mode in on off; do
  mapfile -t times < <(for _ in $(seq "$runs"); do start_ms "$mode"; done | sort -n)
  printf 'agent start to /healthz, AOT cache %-3s: median %s ms, min %s ms, max %s ms (%s runs)\n' \
    "$mode" "${times[$((runs / 2))]}" "${times[0]}" "${times[$((runs - 1))]}" "$runs"
done
