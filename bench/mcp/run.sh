#!/usr/bin/env bash
# MCP tool-call latency (issue 15, "Numbers") on the local cluster:
#   bench/mcp/run.sh [CALLS]   (default 1000 calls of each tool after 200 of warm-up)
# Starts a fresh cluster in its own home, the operator (`bosun dev operator`), and `bosun mcp
# --http` (a process of its own, as an agent's host would run it); sets up the default deployment
# agent as the README says (deploy/mcp, its DeploymentAgentPolicy, the staging Environment, the
# agent's RoleBinding there, a token), then runs bench/mcp/McpBench.java: web-api deployed to
# staging through the server and waited for, then CALLS calls each of validate_workload,
# render_workload and workload_status, one after the other, timed on the client side (the SDK's
# McpSyncClient over streamable HTTP, each request's token reviewed): p50, p99, max. Then
# bench/mcp/ListRound.java: a call's cluster requests in its order, with consistent lists and with
# lists from the watch cache as it stands.
# Results: $BOSUN_DEV_HOME/bench-mcp-CALLS.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/cluster.sh mcp
calls="${1:-1000}"
port="${MCP_PORT:-18093}"
result="$BOSUN_DEV_HOME/bench-mcp-$calls.txt"

server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; fi
  ./bosun dev down >/dev/null 2>&1 || true
}
trap cleanup EXIT
bench_cluster_up --nodes 0 --cpu-nodes "${NODES:-2}"
"$kubectl" create namespace bosun-system >/dev/null
"$kubectl" apply --server-side --force-conflicts -k deploy/mcp/ >/dev/null
"$kubectl" apply --server-side --force-conflicts -k deploy/deployment-agent-policy/ >/dev/null
"$kubectl" apply --server-side --force-conflicts -f - >/dev/null <<'STAGING'
apiVersion: bosun.dev/v1alpha1
kind: Environment
metadata: {name: staging}
spec: {namespace: staging}
STAGING
./bosun dev operator --http-port 18092
"$kubectl" wait --for=jsonpath='{.status.phase}'=Active --timeout=60s namespace/staging >/dev/null
"$kubectl" create rolebinding bosun-deployment-agent -n staging \
  --clusterrole bosun-deployment-agent --serviceaccount bosun-system:bosun-deployment-agent >/dev/null
export MCP_TOKEN="$("$kubectl" create token bosun-deployment-agent -n bosun-system --duration 2h)"
mkdir -p "$BOSUN_DEV_HOME"
./bosun mcp --http "$port" --kubeconfig "$KUBECONFIG" 2>"$BOSUN_DEV_HOME/mcp.log" &
server=$!
"$JAVA_HOME/bin/java" -Dcalls="$calls" -Dport="$port" -cp cli/target/bosun-cli.jar \
  bench/mcp/McpBench.java | tee "$result"
# Why a call cost 100 ms before the views listed from the watch cache: its requests, both ways.
"$JAVA_HOME/bin/java" -cp cli/target/bosun-cli.jar bench/mcp/ListRound.java | tee -a "$result"
echo "results: $result"
