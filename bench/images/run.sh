#!/usr/bin/env bash
# Image figures for docs/benchmarks.md: compressed sizes, and the agent's and the operator's
# start-up to /healthz from the image's own root file system (chroot, read-only, uid 65532), with
# the image's class archive and without it (the JDK's default archive only).
# Run after the images are built (images/README.md); needs root (mount and chroot), as ImagesIT.
# /tmp is a tmpfs, as the emptyDir a pod would mount there: the simulated agent keeps its state in
# it, and the operator finds its kubeconfig there. The operator's start needs an API server with
# Bosun's CRDs: a fresh local cluster in its own home (`bosun dev up`), stopped at the end; the
# operator is healthy once its informers have synced.
#   bench/images/run.sh [RUNS]
set -euo pipefail
# One mount namespace for the whole run, so that the mounts below go when it ends.
[[ -n "${BOSUN_BENCH_NS:-}" ]] || exec env BOSUN_BENCH_NS=1 unshare --mount --propagation private "$0" "$@"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source bench/lib/cluster.sh images
runs=${1:-10}
work=$(mktemp -d)
cleanup() {
  for fs in "$work"/*/; do umount -R "$fs" 2>/dev/null || true; done
  rm -rf "$work"
  ./bosun dev down >/dev/null 2>&1 || true
}
trap cleanup EXIT
for image in agent operator router; do
  printf '%-9s %s bytes compressed, digest %s\n' "$image" "$(cat "images/$image/target/image/size")" \
    "$(cat "images/$image/target/image/digest")"
done

# flatten IMAGE: the image's layers, in order, into $work/IMAGE, mounted as a pod would see it.
flatten() {
  local image=$1 layout="images/$1/target/image/oci" manifest layer fs="$work/$1"
  mkdir -p "$fs"
  manifest=$(sed 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/' "$layout/index.json")
  for layer in $(grep -o '"digest":"sha256:[0-9a-f]*"' "$layout/blobs/sha256/$manifest" | tail -n +2 | cut -d: -f3 | tr -d '"'); do
    tar -xzf "$layout/blobs/sha256/$layer" -C "$fs"
  done
  config=$(grep -o '"digest":"sha256:[0-9a-f]*"' "$layout/blobs/sha256/$manifest" | head -1 | cut -d: -f3 | tr -d '"')
  mapfile -t entrypoint < <(sed 's/.*"Entrypoint":\[\([^]]*\)\].*/\1/' "$layout/blobs/sha256/$config" | tr ',' '\n' | tr -d '"')
  mount --bind "$fs" "$fs"
  mount -o remount,bind,ro "$fs"
  mount --rbind /proc "$fs/proc"
  mount --rbind /dev "$fs/dev"
  mount -t tmpfs tmpfs "$fs/tmp"
}

# start_ms IMAGE MODE ARGUMENT...: milliseconds from exec to /healthz answering 200 on {port}.
start_ms() {
  local image=$1 mode=$2 port=$((20000 + RANDOM % 20000)) cmd t0 t1 pid
  shift 2
  cmd=("${entrypoint[@]}" "${@//\{port\}/$port}")
  [[ $mode == off ]] && cmd=("${cmd[@]/-XX:SharedArchiveFile=*/-Xshare:auto}")
  t0=$(date +%s%N)
  chroot --userspec=65532:65532 "$work/$image" "${cmd[@]}" >"$work/$image.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: $image exited before /healthz answered:" >&2; cat "$work/$image.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(((t1 - t0) / 1000000))
}

# report IMAGE ARGUMENT...: RUNS starts with the class archive, then RUNS without.
report() {
  local image=$1 mode times
  shift
  for mode in on off; do
    mapfile -t times < <(for _ in $(seq "$runs"); do start_ms "$image" "$mode" "$@"; done | sort -n)
    printf '%s start to /healthz, class archive %-3s: median %s ms, min %s ms, max %s ms (%s runs)\n' \
      "$image" "$mode" "${times[$((runs / 2))]}" "${times[0]}" "${times[$((runs - 1))]}" "$runs"
  done
}

flatten agent
report agent agent --node bench --simulate 2 --offline --port '{port}'

bench_cluster_up --nodes 0 --cpu-nodes 1 >/dev/null
flatten operator
"$kubectl" config view --raw --flatten --minify >"$work/operator/tmp/kubeconfig"
chmod 644 "$work/operator/tmp/kubeconfig"
report operator operator --kubeconfig /tmp/kubeconfig --http-port '{port}'
