#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: unit, property, golden and integration tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source hack/java-home.sh

# The integration tests run on real components built from their Go modules and cached under
# ~/.cache/bosun: Kubernetes, etcd and KWOK (hack/build-k8s.sh), KEDA's operator and adapter
# (hack/build-keda.sh, for the autoscaling tests), and helm (the chart), crane (the local registry
# and the image tests' client), promtool (the alert rules) and metrics-server (HPA on cpu)
# (hack/build-tools.sh). A warm machine finds them all cached in a second. On a cold one the Go
# builds are most of the run (docs/benchmarks.md, "CI"): the tools build in the background at the
# lowest priority, first beside the other builds and then in the CPU the tests leave idle while they
# wait on the cluster; a test that needs a tool before it is built runs the script itself, which
# waits for that build. Kubernetes and KEDA build side by side: no faster on two cores than one
# after the other, but KEDA's module downloads overlap Kubernetes' compiling.
logs="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/logs"
mkdir -p "$logs"
background=()
stop_tree() { local child; for child in $(pgrep -P "$1" || true); do stop_tree "$child"; done; kill "$1" 2>/dev/null || true; }
trap 'for pid in "${background[@]}"; do stop_tree "$pid"; done' EXIT

hack/build-keda.sh >"$logs/build-keda.log" 2>&1 &
keda=$!
background+=("$keda")
nice -n 19 hack/build-tools.sh >"$logs/build-tools.log" 2>&1 &
tools=$!
background+=("$tools")

hack/build-k8s.sh
keda_status=0
wait "$keda" || keda_status=$?
cat "$logs/build-keda.log" >&2
((keda_status == 0)) || { echo "test.sh: hack/build-keda.sh failed (exit $keda_status)" >&2; exit 1; }
# The MCP server's protocol conformance suite and the Node.js 22 it runs on, from the npm registry
# (cached under ~/.cache/bosun/tools/mcp-conformance).
hack/install-mcp-conformance.sh
# The image tests also fetch four Debian packages once (apt-get download) and need root, as the
# cluster tests do (mount and chroot into the image's root file system).
./mvnw -B -ntp verify # a failure ends the script, and the trap stops the tools' build

tools_status=0
wait "$tools" || tools_status=$?
background=()
if ((tools_status != 0)); then
  echo "test.sh: hack/build-tools.sh failed in the background (exit $tools_status); its output:" >&2
  tail -n 30 "$logs/build-tools.log" >&2
  exit 1
fi
