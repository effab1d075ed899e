#!/usr/bin/env bash
# A request to a suspended sandbox, through the router (issue 12, "Numbers"), on the local cluster:
#   bench/sandbox-wake/run.sh [WAKES] [SANDBOXES]      (default 100 wakes over 10 sandboxes)
# Starts a fresh cluster in its own home with the volume provisioner and the stand-in sandbox
# servers (`bosun dev up`), the operator and the router (`bosun dev operator`, `bosun dev router`,
# each a process of its own as on a user's cluster), then bench/sandbox-wake/SandboxWakeBench.java:
# each round suspends a sandbox, waits until its pod is gone, and times one GET through the router
# with the sandbox's token, from the request to the response (the router resumes it and holds the
# request). Also times requests to running sandboxes, for the router's own cost.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh sandbox-wake
result="$BOSUN_DEV_HOME/bench-sandbox-wake-${1:-100}.txt"

bench_cluster_up --nodes 0 --cpu-nodes 2
"$kubectl" apply --server-side --force-conflicts -k deploy/sandbox/ >/dev/null
./bosun dev operator --http-port 18093
./bosun dev router --port 18083
mkdir -p "$BOSUN_DEV_HOME"
"$JAVA_HOME/bin/java" -Dwakes="${1:-100}" -Dsandboxes="${2:-10}" -Drouter=http://127.0.0.1:18083 \
  -cp cli/target/bosun-cli.jar bench/sandbox-wake/SandboxWakeBench.java | tee "$result"
echo "results: $result"
