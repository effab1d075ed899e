#!/usr/bin/env bash
# What one write costs kube-apiserver (issue 9: why the operator's Workload writes weigh more than
# the children's): bench/write-cost/run.sh [WRITES]   (default 1000)
# Starts a local cluster in its own home with Bosun's CRDs and tiers and no operator, then runs
# bench/write-cost/WriteCost.java: Workload creates, Workload status writes (server-side apply of
# the status the operator writes for a Ready Workload; a JSON merge patch of one field) and the
# same for ConfigMaps, WRITES of each from 8 threads, with kube-apiserver's CPU time per write.
# Results: $BOSUN_DEV_HOME/write-cost-WRITES.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh write-cost
writes="${1:-1000}"
result="$BOSUN_DEV_HOME/write-cost-$writes.txt"

bench_cluster_up --nodes 0 --cpu-nodes 1
pid=$(pgrep -f "^$BOSUN_DEV_HOME/kwok/clusters/[^ ]*/bin/kube-apiserver")
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -Dwrites="$writes" -DapiServerPid="$pid" \
  -cp cli/target/bosun-cli.jar bench/write-cost/WriteCost.java | tee "$result"
