#!/usr/bin/env bash
# A deployment agent's MCP session on the local cluster, as the README shows it: the generated
# summarizer Workload validated, deployed to staging and waited for, promoted to production through
# production's gates, and a direct deploy to production refused by a guardrail. Every JSON-RPC
# request and response is printed as sent and received (strings over 400 characters shortened).
#
# Needs what hack/demo.sh leaves running (the cluster, the operator, the router and the stand-in
# model servers). Sets up the default deployment agent (deploy/mcp, its DeploymentAgentPolicy) and
# lets it promote into production, then talks to `./bosun mcp --as <agent>` over stdio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source hack/java-home.sh
bin="$(hack/build-k8s.sh --print-dir)"
kubectl() { "$bin/kubectl" "$@"; }
eval "$(./bosun dev env)"

agent=system:serviceaccount:bosun-system:bosun-deployment-agent
kubectl apply --server-side --force-conflicts -f deploy/operator/namespace.yaml >/dev/null
kubectl apply --server-side --force-conflicts -k deploy/mcp/ >/dev/null
kubectl apply --server-side --force-conflicts -k deploy/deployment-agent-policy/ >/dev/null
# The platform team lets this agent promote into production: production's gates decide.
kubectl patch deploymentagentpolicy deployment-agent --type merge \
  -p '{"spec":{"promoteTo":["production"]}}' >/dev/null
# What it may change where: Workloads in staging and production, the gates' work in staging.
for grant in staging:bosun-deployment-agent production:bosun-deployment-agent staging:bosun-deployment-agent-gates; do
  kubectl create rolebinding "${grant#*:}" -n "${grant%%:*}" --clusterrole "${grant#*:}" \
    --serviceaccount bosun-system:bosun-deployment-agent --dry-run=client -o yaml |
    kubectl apply --server-side --force-conflicts -f - >/dev/null
done

# The requests, one per line; each waits for its response before the next is sent.
yaml="$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' examples/agent/summarizer.yaml)"
requests=(
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"coding-agent","version":"1.0"}}}'
  '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"validate_workload","arguments":{"yaml":'"$yaml"',"environment":"staging"}}}'
  '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"deploy_workload","arguments":{"yaml":'"$yaml"',"environment":"production"}}}'
  '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"deploy_workload","arguments":{"yaml":'"$yaml"',"environment":"staging","wait":true,"timeoutSeconds":120}}}'
  '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"promote","arguments":{"name":"summarizer","from":"staging","to":"production"}}}'
  '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"workload_status","arguments":{"name":"summarizer","environment":"production"}}}'
)
shorten='import json,sys
def cut(v):
    if isinstance(v, str): return v if len(v) <= 400 else v[:400] + "…(" + str(len(v)) + " characters)"
    if isinstance(v, list): return [cut(x) for x in v]
    if isinstance(v, dict): return {k: cut(x) for k, x in v.items()}
    return v
print(json.dumps(cut(json.loads(sys.stdin.read())), ensure_ascii=False))'

coproc MCP { ./bosun mcp --as "$agent" --kubeconfig "$KUBECONFIG" 2>"${BOSUN_DEV_HOME:-$HOME/.bosun/dev}/mcp-session.log"; }
for request in "${requests[@]}"; do
  echo "-> $(printf '%s' "$request" | python3 -c "$shorten")"
  printf '%s\n' "$request" >&"${MCP[1]}"
  if [[ "$request" == *'"id":'* ]]; then
    IFS= read -r -t 300 response <&"${MCP[0]}"
    echo "<- $(printf '%s' "$response" | python3 -c "$shorten")"
  fi
done
exec {MCP[1]}>&-
wait "$MCP_PID" || true
echo
echo "The audit trail, one Event per call with the agent's identity (kubectl get events -n default):"
kubectl get events -n default --field-selector involvedObject.kind=DeploymentAgentPolicy \
  -o custom-columns=REASON:.reason,MESSAGE:.message --sort-by=.lastTimestamp | tail -6
