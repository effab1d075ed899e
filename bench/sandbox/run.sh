#!/usr/bin/env bash
# Sandbox warm pools and claims (issue 12, "Numbers") on the local cluster:
#   bench/sandbox/run.sh [CLAIMS] [BURST] [COLD]   (default 500 sequential claims against a warm
#                                                   pool, a burst of 300 against a pool of 300,
#                                                   50 cold starts; 0 skips a phase)
#   bench/sandbox/run.sh --settled [CLAIMS]        only the sequential claims, each once the pool
#                                                   has refilled after the one before and the
#                                                   operator is idle: the claim path timed alone
#   bench/sandbox/run.sh --heap N                  the operator's heap with N Sandboxes
#                                                   (Suspended: no pods) and its CPU while
#                                                   nothing changes (default 10000)
# Starts a fresh cluster in its own home, the operator (`bosun dev operator`, a process of its own
# as on a user's cluster), and runs bench/sandbox/SandboxBench.java against it: latencies are
# measured on the client side, from a claim's create to the watch event that shows it Ready.
# Needs the Sandbox reconciler (it makes sandboxes Ready). Results: $BOSUN_DEV_HOME/bench-sandbox-*.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh sandbox
if [[ "${1:-}" == "--heap" ]]; then
  properties=(-Dmode=heap -Dsandboxes="${2:-10000}")
  result="$BOSUN_DEV_HOME/bench-sandbox-heap-${2:-10000}.txt"
elif [[ "${1:-}" == "--settled" ]]; then
  properties=(-Dmode=claims -Dsettled=true -Dclaims="${2:-500}" -Dburst=0 -Dcold=0)
  result="$BOSUN_DEV_HOME/bench-sandbox-settled-${2:-500}.txt"
else
  properties=(-Dmode=claims -Dclaims="${1:-500}" -Dburst="${2:-300}" -Dcold="${3:-50}")
  result="$BOSUN_DEV_HOME/bench-sandbox-${1:-500}-${2:-300}-${3:-50}.txt"
fi

# 110 pods a node: 16 nodes hold the largest phase (a pool of 300, its 300 claimed, the refill).
bench_cluster_up --nodes 0 --cpu-nodes "${NODES:-16}"
# The sandbox RuntimeClass: deploy/sandbox/ where this checkout ships it, else the same by hand.
if [[ -f deploy/sandbox/kustomization.yaml ]]; then
  "$kubectl" apply --server-side --force-conflicts -k deploy/sandbox/ >/dev/null
else
  "$kubectl" apply --server-side --force-conflicts -f - >/dev/null <<'RUNTIMECLASS'
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: bosun-sandbox}
handler: runsc
RUNTIMECLASS
fi
./bosun dev operator --http-port 18092
mkdir -p "$BOSUN_DEV_HOME"
"$JAVA_HOME/bin/java" "${properties[@]}" -cp cli/target/bosun-cli.jar \
  bench/sandbox/SandboxBench.java | tee "$result"
echo "results: $result"
