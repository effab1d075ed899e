#!/usr/bin/env bash
# The simulated GPU fleet at scale (issue 11, item 6): NODES KWOK GPU nodes of eight H100s each,
# one node agent per node, all in the one JVM `bosun dev agents` starts; that JVM's CPU, heap (used
# after a full GC), resident memory and threads, idle and again after FAULTS faults injected with
# `bosun dev fault` on as many nodes.
#   bench/gpu-fleet/run.sh [NODES] [FAULTS]      (default 1000 and 50; WINDOW=60 s per measure,
#                                                WORKERS=16 threads shared by the agents,
#                                                HEARTBEAT=60s of each agent)
# Uses its own cluster home (BOSUN_DEV_HOME, default /tmp/bosun-bench-gpu-fleet) and leaves the
# cluster and the agents running; `BOSUN_DEV_HOME=... ./bosun dev down` stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/java-home.sh
export BOSUN_DEV_HOME="${BOSUN_DEV_HOME:-/tmp/bosun-bench-gpu-fleet}"
export KUBECONFIG="$BOSUN_DEV_HOME/kubeconfig"
nodes="${1:-1000}"
faults="${2:-50}"
window="${WINDOW:-60}"
kubectl=(~/.cache/bosun/k8s/*/bin/kubectl)
kubectl="${kubectl[0]}"
result="$BOSUN_DEV_HOME/bench-gpu-fleet-$nodes.txt"
say() { echo "$*" | tee -a "$result"; }

start=$(date +%s)
./bosun dev up --nodes "$nodes" --cpu-nodes 0
mkdir -p "$BOSUN_DEV_HOME" && : >"$result"
say "nodes: $nodes GPU nodes x 8 GPUs; dev up took $(($(date +%s) - start)) s"
"$kubectl" apply --server-side --force-conflicts -f deploy/crds/ >/dev/null
"$kubectl" wait --for condition=Established crd/gpunodehealths.bosun.dev \
  crd/gpuhealthpolicies.bosun.dev >/dev/null
"$kubectl" apply --server-side --force-conflicts -f deploy/gpu-health-policy/default.yaml >/dev/null

start=$(date +%s)
./bosun dev agents --workers "${WORKERS:-16}" --heartbeat "${HEARTBEAT:-60s}"
pid=$(sed -n 's/^pid=//p' "$BOSUN_DEV_HOME/processes/agents.properties")
until [[ $("$kubectl" get gpunodehealths --no-headers 2>/dev/null | grep -c GpusHealthy) -ge $nodes ]]; do
  sleep 2
done
say "agents (${WORKERS:-16} workers, heartbeat ${HEARTBEAT:-60s}): every node's GpuNodeHealth GpusHealthy $(($(date +%s) - start)) s after \`dev agents\`"
say "fleet JVM: $(tr '\0' ' ' </proc/"$pid"/cmdline | grep -o -- '-Xmx[^ ]*\|-XX:+Use[A-Za-z]*GC\|-XX:TieredStopAtLevel=[0-9]' | tr '\n' ' ')"

measure() { # what the fleet JVM costs over the next $window seconds
  local hz ticks0 ticks1 heap
  hz=$(getconf CLK_TCK)
  ticks0=$(awk '{print $14 + $15}' /proc/"$pid"/stat)
  sleep "$window"
  ticks1=$(awk '{print $14 + $15}' /proc/"$pid"/stat)
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null
  # A full GC moves what lives into the old generation: that is the live heap. The young one fills
  # again at once (a thousand samples a second), so it would only add noise.
  heap=$("$JAVA_HOME/bin/jstat" -gc "$pid" | awk 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} NR==2{print int($c["OU"]/1024)}')
  say "$1: CPU $(awk -v t=$((ticks1 - ticks0)) -v hz="$hz" -v w="$window" 'BEGIN{printf "%.1f", 100*t/hz/w}') % of one core over ${window} s;" \
    "heap live after a full GC ${heap} MiB; RSS $(awk '/VmRSS/{print int($2/1024)}' /proc/"$pid"/status) MiB;" \
    "threads $(awk '/Threads/{print $2}' /proc/"$pid"/status)"
}

sleep 30 # past the first writes of every agent
measure idle

kinds=("--xid 79" "--ecc" "--fall-off-bus" "--xid 48")
for ((i = 0; i < faults; i++)); do
  node=$(printf 'gpu-node-%04d' $((i * nodes / faults)))
  # shellcheck disable=SC2086 # the kind is two words
  ./bosun dev fault --node "$node" --gpu $((i % 8)) ${kinds[i % ${#kinds[@]}]} >>"$BOSUN_DEV_HOME/faults.log"
done
until [[ $("$kubectl" get gpunodehealths --no-headers | grep -c GpuUnhealthy) -ge $faults ]]; do
  sleep 1
done
say "faults: $faults injected (Xid 79, ECC, fall off the bus, Xid 48 in turn, one per node), all $faults nodes GpuHealthy=False"
measure "after $faults faults"
echo "results: $result"
