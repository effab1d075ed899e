#!/usr/bin/env bash
# Bosun's main job on the local cluster: real etcd, kube-apiserver, scheduler and controller
# manager with a simulated fleet of H100 nodes; the examples compiled and applied; then what runs
# where, down to the GPU devices the scheduler allocated. Then GPU remediation: a node agent per
# GPU node, a fault under one pod of chat, the pod out of its Service, only that GPU quarantined,
# the pod replaced on a healthy GPU, the GPU given back, with the time of each step. Then agent
# sandboxes, autoscaling, and chat promoted to production once it passes production's gates; then
# a deployment agent's MCP session (hack/mcp-session.sh).
# Builds whatever is missing first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source hack/java-home.sh

step() { printf '\n== %s\n' "$*"; }

step "Kubernetes components (built from their Go modules once, then cached)"
bin="$(hack/build-k8s.sh --print-dir)"
kubectl() { "$bin/kubectl" "$@"; }

step "The Bosun CLI"
./bosun --version

step "A local cluster: 4 nodes of 8 H100s, 1 whose H100s are split into MIG 1g.10gb slices, and 2 without GPUs"
# The GPU nodes are tainted nvidia.com/gpu=present:NoSchedule, as GPU node pools are: only the GPU
# tiers tolerate it, so CPU Workloads run on the nodes without GPUs.
./bosun dev up --nodes 4 --gpus-per-node 8 --mig-nodes 1 --cpu-nodes 2
eval "$(./bosun dev env)"

step "Bosun's CRDs and the default tiers"
kubectl apply --server-side --force-conflicts -f deploy/crds/ >/dev/null
kubectl wait --for condition=Established --timeout=60s crd/workloads.bosun.dev crd/tiers.bosun.dev crd/environments.bosun.dev >/dev/null
kubectl apply --server-side --force-conflicts -k deploy/tiers/ >/dev/null
./bosun tiers

step "The Bosun operator, run here against the local cluster (KWOK nodes cannot run its container)"
# Started in the background and recorded in the dev home: ./bosun dev down stops it.
./bosun dev operator --http-port 18080

step "Environments: the operator makes their namespaces (restricted Pod Security), quotas and default-deny policies"
kubectl apply --server-side -f examples/environments/
for _ in $(seq 1 60); do
  kubectl get namespace staging -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null | grep -q restricted && break
  sleep 1
done
kubectl get namespace staging --show-labels

step "The examples, deployed to staging through the operator"
for workload in examples/*.yaml; do
  ./bosun deploy -f "$workload" --env staging --kubeconfig "$KUBECONFIG"
done

# finetune (Training) is Ready when its Job completes; the local cluster's Job pods train until
# told to exit (kubectl annotate pod POD bosun.dev/simulated-exit=0, localcluster/README.md).
step "Waiting until every serving Workload is Ready (the autoscalers raise chat and web-api to their minimum within 15 s); finetune keeps training"
kubectl wait --for condition=Ready workloads chat embeddings web-api -n staging --timeout=120s ||
  echo "not all Ready after 120 s; bosun status below says why"

step "bosun status"
./bosun status -n staging --kubeconfig "$KUBECONFIG" || true

step "What runs where"
printf '%-12s %-34s %-11s %-15s %s\n' WORKLOAD POD PHASE NODE "GPU DEVICES"
kubectl get pods -n staging -o jsonpath='{range .items[*]}{.metadata.labels.bosun\.dev/workload}{"|"}{.metadata.name}{"|"}{.status.phase}{"|"}{.spec.nodeName}{"|"}{.status.resourceClaimStatuses[0].resourceClaimName}{"\n"}{end}' |
  sort | while IFS='|' read -r workload pod phase node claim; do
    devices="-"
    if [[ "$phase" == Succeeded || "$phase" == Failed ]]; then
      devices="(released when the pod finished)"
    elif [[ -n "$claim" ]]; then
      devices=$(kubectl get resourceclaim -n staging "$claim" -o jsonpath='{range .status.allocation.devices.results[*]}{.device}{" "}{end}' 2>/dev/null || true)
      [[ -n "$devices" ]] || devices="(not allocated)"
    fi
    printf '%-12s %-34s %-11s %-15s %s\n' "$workload" "$pod" "$phase" "${node:--}" "$devices"
  done

echo
echo "Pods the scheduler could not place, and why:"
kubectl get pods -n staging -o jsonpath='{range .items[?(@.status.phase=="Pending")]}{.metadata.name}{": "}{.status.conditions[?(@.type=="PodScheduled")].message}{"\n"}{end}'

# GPU remediation. Each step's time is when a watcher of the API server saw it (kubectl --watch,
# every line stamped on arrival), counted from the time `bosun dev fault` wrote the fault; every
# wait is bounded and says what it waited for when it gives up.
export BOSUN_DEV_HOME="${BOSUN_DEV_HOME:-$HOME/.bosun/dev}"
watch_dir="$BOSUN_DEV_HOME/demo-watch"
rm -rf "$watch_dir" && mkdir -p "$watch_dir"
now_ms() { local us=${EPOCHREALTIME/./}; echo $((us / 1000)); }
# wait_for WHAT SECONDS COMMAND...: until COMMAND prints something (a time), which it echoes.
wait_for() {
  local what=$1 limit=$2 deadline out
  shift 2
  deadline=$(($(now_ms) + limit * 1000))
  until out=$("$@") && [[ -n "$out" ]]; do
    if (($(now_ms) > deadline)); then
      printf 'FAILED: %s did not happen within %s s (see %s/operator.log, agents.log and demo-watch/)\n' \
        "$what" "$limit" "$BOSUN_DEV_HOME" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "$out"
}
watchers=()
# watch_into FILE KUBECTL-ARGS...: the binary, not the function above, so that $! is its pid.
watch_into() {
  local file=$1
  shift
  "$bin/kubectl" "$@" --watch > >(while IFS= read -r line; do echo "$(now_ms) $line"; done >"$watch_dir/$file") 2>>"$watch_dir/errors" &
  watchers+=($!)
}
stop_watchers() { ((${#watchers[@]} == 0)) || kill "${watchers[@]}" 2>/dev/null || true; watchers=(); }
trap stop_watchers EXIT
# first FILE CONDITION: the time of the first line since t0 for which the awk CONDITION holds.
first() { awk -v t0="$t0" -v pod="${pod:-}" -v sibling="${sibling:-}" -v before="${before:-}" "\$1 >= t0 && ($2) {print \$1; exit}" "$watch_dir/$1"; }
since() { printf '%+7d ms' $(($1 - t0)); }
seconds() { printf '%d.%d s' $(($1 / 1000)) $(($1 % 1000 / 100)); }

step "GPU health: the default GpuHealthPolicy, and a node agent on every GPU node"
kubectl wait --for condition=Established --timeout=60s crd/gpuhealthpolicies.bosun.dev crd/gpunodehealths.bosun.dev >/dev/null
kubectl apply --server-side -k deploy/gpu-health-policy/
cat <<'SAY'
For the demo, two changes to the policy the platform team ships (deploy/gpu-health-policy):
  effect NoExecute: also move the pods off a quarantined GPU. The default is NoSchedule (keep new
    work off, leave running pods be); a platform team turns NoExecute on once it has seen the
    quarantines are right.
  recovery in seconds instead of minutes: a GPU is healthy again after 1 clean sample and 20 s
    without a fault (default 3 samples, 5 min), and given back 5 s later (default 10 min).
SAY
kubectl patch gpuhealthpolicy default --type merge \
  -p '{"spec":{"effect":"NoExecute","recovery":{"cleanSamples":1,"quietPeriod":"20s","delay":"5s"}}}'
# The agent's DaemonSet as a cluster gets it: the real DaemonSet controller puts a pod on every GPU
# node; KWOK runs nothing in it, and `bosun dev agents` plays those pods (their /metrics, at their
# IPs in the local pod network). The agents read the policy when they start (then every 30 s):
# started after the patch.
kubectl apply --server-side -k deploy/agent/ >/dev/null
kubectl rollout status daemonset/bosun-agent -n bosun-node --timeout=120s
./bosun dev agents
gpu_nodes=$(kubectl get resourceslices -o jsonpath='{range .items[?(@.spec.driver=="gpu.nvidia.com")]}{.spec.pool.name}{"\n"}{end}' | sort -u | wc -l)
wait_for "a GpuNodeHealth report from each of the $gpu_nodes GPU nodes" 60 \
  bash -c "[[ \$(\"$bin/kubectl\" get gpunodehealths -o name | wc -l) -ge $gpu_nodes ]] && echo ok" >/dev/null
kubectl get gpunodehealths

step "chat serves on 4 GPUs: its Workload's replicas.min from 2 to 4"
kubectl patch workload chat -n staging --type merge -p '{"spec":{"replicas":{"min":4}}}' >/dev/null
wait_for "4 Ready replicas of chat" 90 \
  bash -c "[[ \$(\"$bin/kubectl\" get deployment chat -n staging -o jsonpath='{.status.readyReplicas}') == 4 ]] && echo ok" >/dev/null
chat_pods() {
  kubectl get pods -n staging -l bosun.dev/workload=chat \
    -o jsonpath='{range .items[?(@.status.phase=="Running")]}{.metadata.name} {.spec.nodeName}{"\n"}{end}'
}
chat_pods
# A pod that shares its node with another chat pod, so that the node's other GPU keeps serving.
read -r pod node < <(chat_pods | awk '{n[$2]++; p[NR]=$0; m[NR]=$2} END {for (i = 1; i <= NR; i++) if (n[m[i]] > 1) {print p[i]; exit}; print p[1]}')
sibling=$(chat_pods | awk -v pod="$pod" -v node="$node" '$2 == node && $1 != pod {print $1; exit}')
claim=$(kubectl get pod "$pod" -n staging -o jsonpath='{.status.resourceClaimStatuses[0].resourceClaimName}')
device=$(kubectl get resourceclaim "$claim" -n staging -o jsonpath='{.status.allocation.devices.results[0].device}')
pool=$(kubectl get resourceclaim "$claim" -n staging -o jsonpath='{.status.allocation.devices.results[0].pool}')
gpu=${device#gpu-}
echo "The fault goes under $pod: its ResourceClaim $claim holds $device of pool $pool (node $node, GPU $gpu)."
before=" $(chat_pods | awk '{printf "%s ", $1}')"
watch_into "gate" get pod "$pod" -n staging -o jsonpath='{.status.conditions[?(@.type=="bosun.dev/gpu-healthy")].status} {.metadata.deletionTimestamp}{"\n"}'
# (a go-template: kubectl's jsonpath range stops this watch after its first update)
watch_into "endpoints" get endpointslices -n staging -l kubernetes.io/service-name=chat -o go-template='{{range .endpoints}}{{.targetRef.name}}={{.conditions.ready}} {{end}}{{"\n"}}'
watch_into "rules" get devicetaintrules -l "bosun.dev/node=$node" --output-watch-events -o jsonpath='{.type} {.object.metadata.name} {.object.spec.deviceSelector.pool}/{.object.spec.deviceSelector.device} {.object.spec.taint.key}={.object.spec.taint.value}:{.object.spec.taint.effect}{"\n"}'
watch_into "pods" get pods -n staging -l bosun.dev/workload=chat -o jsonpath='{.metadata.name} {.spec.nodeName} {.status.conditions[?(@.type=="Ready")].status}{"\n"}'
watch_into "health" get gpunodehealth "$node" -o jsonpath="{.status.gpus[?(@.index==$gpu)].health}{\"\\n\"}"
./bosun nodes --node "$node"
t0=0
wait_for "the watchers' first lines" 30 bash -c "cd $watch_dir && [[ -s gate && -s endpoints && -s pods && -s health ]] && echo ok" >/dev/null

step "Xid 95 (uncontained ECC error: reset the GPU) on $node GPU $gpu, under $pod"
fault=$(./bosun dev fault --node "$node" --gpu "$gpu" --xid 95)
echo "$fault"
t0=$(date -d "${fault%% *}" +%s%3N)
fault_at=$t0
echo "Times from the fault's write to the kernel log, as watchers of the API server saw them:"
seen=()
# saw TIME TEXT: a step of the remediation, printed in the order they happened once all are in.
saw() { seen+=("$1 $2"); }
t=$(wait_for "the agent's report (GPU $gpu Unhealthy)" 30 first "health" '$2 == "Unhealthy"')
saw "$t" "GpuNodeHealth $node: GPU $gpu Unhealthy (the node agent)"
t=$(wait_for "the gate bosun.dev/gpu-healthy=False on $pod" 30 first "gate" '$2 == "False"')
saw "$t" "$pod: readiness gate bosun.dev/gpu-healthy=False (the operator)"
t=$(wait_for "$pod out of chat's EndpointSlice" 30 first "endpoints" 'index($0, pod "=true") == 0')
saw "$t" "$pod out of Service chat: endpoint not ready (the endpoint-slice controller)"
t=$(wait_for "a DeviceTaintRule for $node/$device" 30 first "rules" '$2 == "ADDED"')
saw "$t" "DeviceTaintRule $(awk '$2 == "ADDED" {print $3 " on " $4 ", " $5; exit}' "$watch_dir/rules") (the operator)"
t=$(wait_for "the eviction of $pod" 60 first "gate" 'NF > 2')
saw "$t" "$pod evicted (the controller manager's device-taint eviction)"
t=$(wait_for "a new chat pod Ready" 90 first "pods" 'index(before, " " $2 " ") == 0 && $4 == "True"')
replacement=$(awk -v t="$t" '$1 == t {print $2; exit}' "$watch_dir/pods")
new_claim=$(kubectl get pod "$replacement" -n staging -o jsonpath='{.status.resourceClaimStatuses[0].resourceClaimName}')
new_gpu=$(kubectl get resourceclaim "$new_claim" -n staging -o jsonpath='{.status.allocation.devices.results[0].pool}/{.status.allocation.devices.results[0].device}')
saw "$t" "replacement $replacement Ready on $new_gpu (the ReplicaSet, the scheduler, the operator's gate)"
printf '%s\n' "${seen[@]}" | sort -n | while read -r t text; do echo "  $(since "$t")  $text"; done
if [[ "$new_gpu" == "$pool/$device" ]]; then
  echo "FAILED: the replacement was allocated the quarantined GPU $pool/$device" >&2
  exit 1
fi
if [[ -n "$sibling" ]]; then
  if [[ -n $(first "endpoints" 'index($0, sibling "=true") == 0') ]]; then
    echo "FAILED: $sibling, on a healthy GPU of $node, left the Service" >&2
    exit 1
  fi
  echo "  $sibling, on another GPU of $node, stayed in the Service throughout"
fi
echo
kubectl get devicetaintrules
echo
./bosun nodes --node "$node"

step "The GPU reset (the fault cleared) and given back under the policy's recovery rules"
fault=$(./bosun dev fault --node "$node" --gpu "$gpu" --clear)
echo "$fault"
t0=$(date -d "${fault%% *}" +%s%3N)
echo "Times from the clear:"
t=$(wait_for "the agent's report (GPU $gpu Healthy)" 60 first "health" '$2 == "Healthy"')
echo "  $(since "$t")  GpuNodeHealth $node: GPU $gpu Healthy ($(seconds $((t - fault_at))) after the fault: 1 clean sample, 20 s quiet)"
t=$(wait_for "the DeviceTaintRule's deletion" 60 first "rules" '$2 == "DELETED"')
echo "  $(since "$t")  DeviceTaintRule deleted, $node/$device allocatable again ($(seconds $((t - fault_at))) after the fault: 5 s healthy)"
stop_watchers
./bosun nodes --node "$node"

step "Agent sandboxes: a warm pool of the coder template (examples/sandboxes/coder.yaml) in namespace agents"
# Sandboxes run in a namespace that enforces the restricted Pod Security Standard; each pod names
# the RuntimeClass bosun-sandbox (gVisor on a real cluster; KWOK pods run nothing, so stand-in
# servers answer for them through a simulated pod network, localcluster/README.md).
kubectl apply --server-side -k deploy/sandbox/ >/dev/null
kubectl create namespace agents --dry-run=client -o yaml | kubectl apply --server-side -f - >/dev/null
kubectl label namespace agents pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null
kubectl apply --server-side -f examples/sandboxes/coder.yaml
echo "For the demo, an idle timeout of 10 s instead of the template's 15 min."
kubectl patch sandboxtemplate coder -n agents --type merge -p '{"spec":{"lifecycle":{"idleTimeout":"10s"}}}' >/dev/null
./bosun dev router
wait_for "the warm pool full (10 ready sandboxes)" 120 \
  bash -c "[[ \$(\"$bin/kubectl\" get sandboxwarmpool coder-pool -n agents -o jsonpath='{.status.readyReplicas}') == 10 ]] && echo ok" >/dev/null
kubectl get sandboxwarmpool -n agents

step "bosun sandbox create: a claim takes a warm sandbox"
sandbox=demo-session
./bosun sandbox create --template coder --pool coder-pool --name "$sandbox" -n agents
# The sandbox claimed from the pool keeps its pool name; the claim records it.
sandbox=$(kubectl get sandboxclaim "$sandbox" -n agents -o jsonpath='{.status.sandbox.name}')
address=$(./bosun sandbox url "$sandbox" -n agents)
echo "$address"
url=$(sed -n 1p <<<"$address")
token=$(sed -n '2s/^Authorization: Bearer //p' <<<"$address")
other=$(kubectl get sandboxes -n agents -l bosun.dev/warm-pool=coder-pool -o jsonpath='{.items[0].metadata.name}')
other_token=$(kubectl get secret "$other-token" -n agents -o jsonpath='{.data.token}' | base64 -d)
# http_get URL [TOKEN]: one GET through bash's /dev/tcp (the router closes after each response);
# prints the status code and the body.
http_get() {
  local rest=${1#http://} host port path
  host=${rest%%/*} path=/${rest#*/} port=${host##*:} host=${host%%:*}
  exec 3<>"/dev/tcp/$host/$port"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n' "$path" "$host" \
    "${2:+Authorization: Bearer $2$'\r\n'}" >&3
  local response
  response=$(timeout 60 cat <&3 | tr -d '\r')
  exec 3>&-
  echo "HTTP $(sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p' <<<"$response") $(sed '1,/^$/d' <<<"$response")"
}
echo "Through the router with its token:       $(http_get "$url" "$token")"
echo "With another sandbox's token:            $(http_get "$url" "$other_token")"
echo "Without a token:                         $(http_get "$url")"
kubectl get sandbox "$sandbox" -n agents -o jsonpath='{"volume "}{.status.volumeClaimName}{" bound to "}{.status.volumeName}{", DNS "}{.status.serviceFQDN}{"\n"}'
volume_before=$(kubectl get sandbox "$sandbox" -n agents -o jsonpath='{.status.volumeName}')

step "Nobody uses it for 10 s: the operator suspends it (pod gone; volume, Service and name kept)"
kubectl wait sandbox "$sandbox" -n agents --for condition=Suspended --timeout=60s >/dev/null
kubectl get sandbox "$sandbox" -n agents -o jsonpath='{"Suspended: "}{.status.conditions[?(@.type=="Suspended")].reason}{", volume "}{.status.volumeName}{" kept\n"}'
kubectl get pod "$sandbox" -n agents 2>&1 | tail -1 || true

step "A request wakes it: the router resumes the sandbox and holds the request until it is Ready"
start=$(now_ms)
echo "  $(http_get "$url" "$token")"
echo "  answered $(($(now_ms) - start)) ms after the request, from a suspended sandbox"
volume_after=$(kubectl get sandbox "$sandbox" -n agents -o jsonpath='{.status.volumeName}')
if [[ "$volume_after" != "$volume_before" ]]; then
  echo "FAILED: the sandbox came back on volume $volume_after, not $volume_before" >&2
  exit 1
fi
echo "  the same PersistentVolume ($volume_after) and DNS name; the request count above lives in it"
./bosun sandbox status "$sandbox" -n agents
kubectl get sandboxwarmpool -n agents

# report_replicas WORKLOAD SIGNAL TARGET TIMES: every 3 s, a Workload of namespace serving's replicas
# and what its HPA (KEDA's) last read.
report_replicas() {
  local workload=$1 signal=$2 target=$3 times=$4
  for _ in $(seq 1 "$times"); do
    echo "  $(date +%T)  replicas $(kubectl get deployment "$workload" -n serving -o jsonpath='{.spec.replicas}/{.status.readyReplicas}' 2>/dev/null) Ready, $signal $(kubectl get hpa "keda-hpa-$workload" -n serving -o jsonpath='{.status.currentMetrics[0].external.current.averageValue}' 2>/dev/null) (target $target)"
    sleep 3
  done
}

step "Autoscaling owned by the tier: KEDA (built from its Go module) asks Bosun's push scaler, in the router"
./bosun dev autoscaling
scaler=$(cat "${BOSUN_DEV_HOME:-$HOME/.bosun/dev}/scaler-address")
echo "The scaler ($scaler) reads vLLM's queue gauges at each pod; stand-in model servers answer for the"
echo "KWOK pods: 4 requests at a time, 500 ms each, so a replica serves 8 a second."
./bosun dev model-servers --capacity 4 --service-time 500ms
echo "For the demo, gpu-s scales in after 20 s instead of 300 s, and to zero after 30 s idle instead of 15 min."
kubectl patch tier gpu-s --type merge -p '{"spec":{"scaling":[{"workloadType":"Inference","signals":[{"metric":"requestsWaiting","target":4},{"metric":"kvCacheUsage","target":80}],"maxReplicas":8,"scaleUp":{"stabilizationWindowSeconds":0,"pods":4,"periodSeconds":15},"scaleDown":{"stabilizationWindowSeconds":20,"pods":4,"periodSeconds":15},"idleToZeroAfter":"30s"}]}}' >/dev/null
kubectl apply --server-side -f - <<YAML
apiVersion: bosun.dev/v1alpha1
kind: Environment
metadata: {name: serving}
spec:
  namespace: serving
  autoscaling: {engine: KEDA, scalerAddress: "$scaler", maxReplicas: 8}
YAML
wait_for "namespace serving" 30 bash -c "\"$bin/kubectl\" get namespace serving -o name 2>/dev/null" >/dev/null
kubectl apply --server-side -f - <<'YAML'
apiVersion: bosun.dev/v1alpha1
kind: Workload
metadata: {name: assistant, namespace: serving}
spec:
  type: Inference
  image: registry.example.com/acme/assistant@sha256:31e06f7d89feb99a0e6c0affe198748c3bb5bef5e3cc92d95cb9e996197d3fc3
  size: gpu-s
  port: 8000
  replicas: {min: 0, max: 6}
  scaleOn: {metric: requestsWaiting}
YAML
wait_for "KEDA's ScaledObject Ready" 60 \
  bash -c "[[ \$(\"$bin/kubectl\" get scaledobject assistant -n serving -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null) == True ]] && echo ok" >/dev/null
kubectl get scaledobject assistant -n serving
echo "assistant is at zero replicas: $(kubectl get deployment assistant -n serving -o jsonpath='{.spec.replicas}')"

step "The first request to a Workload at zero: the router holds it, the scaler tells KEDA at once, 0 -> 1"
./bosun dev load assistant -n serving --rps 1 --duration 1s | tail -1
echo "replicas now: $(kubectl get deployment assistant -n serving -o jsonpath='{.spec.replicas}')"

step "A load step: 40 requests a second for 45 s (what 5 replicas serve)"
report_replicas assistant "waiting per replica" 4 20 &
watcher=$!
./bosun dev load assistant -n serving --rps 40 --duration 45s | awk 'NR % 10 == 1 || /^total/'
wait "$watcher" || true
./bosun status -n serving --kubeconfig "$KUBECONFIG" || true

step "The load stops: back down after the tier's window, and to zero after 30 s idle"
wait_for "assistant at zero replicas" 180 \
  bash -c "[[ \$(\"$bin/kubectl\" get deployment assistant -n serving -o jsonpath='{.spec.replicas}') == 0 ]] && echo ok" >/dev/null
echo "replicas now: $(kubectl get deployment assistant -n serving -o jsonpath='{.spec.replicas}')"
./bosun status -n serving --kubeconfig "$KUBECONFIG" || true

step "Scaling on GPU utilisation: each node's agent names the pod on each GPU, the scaler reads it"
# gpu-m: one whole GPU a replica; its tier allows scaling on gpu at 70 % a replica. The stand-in
# servers' busy share is their GPU's utilisation in the simulated NVML; the agents' pods (the
# DaemonSet above) serve DCGM_FI_DEV_GPU_UTIL with the pod holding each GPU.
kubectl apply --server-side -f - <<'YAML'
apiVersion: bosun.dev/v1alpha1
kind: Workload
metadata: {name: summarizer, namespace: serving}
spec:
  type: Inference
  image: registry.example.com/acme/summarizer@sha256:8a2f1c0e5b7d9e3f4a6c8b0d2e4f6a8c0b2d4e6f8a0c2e4b6d8f0a2c4e6b8d0f
  size: gpu-m
  port: 8000
  replicas: {min: 1, max: 4}
  scaleOn: {metric: gpu}
YAML
wait_for "summarizer's ScaledObject Ready and one replica Ready" 90 \
  bash -c "[[ \$(\"$bin/kubectl\" get scaledobject summarizer -n serving -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null) == True && \$(\"$bin/kubectl\" get deployment summarizer -n serving -o jsonpath='{.status.readyReplicas}' 2>/dev/null) == 1 ]] && echo ok" >/dev/null
echo "12 requests a second for 45 s: one replica (8 a second) is saturated, three are 50 % busy"
report_replicas summarizer "GPU utilisation per replica" 70 15 &
watcher=$!
./bosun dev load summarizer -n serving --rps 12 --duration 45s | tail -1
wait "$watcher" || true
replicas=$(kubectl get deployment summarizer -n serving -o jsonpath='{.spec.replicas}')
if ((replicas < 2)); then
  echo "FAILED: summarizer stayed at $replicas replica under load on GPU utilisation" >&2
  exit 1
fi
./bosun status summarizer -n serving --kubeconfig "$KUBECONFIG" || true

step "Promotion with production-readiness gates: bosun promote chat --from staging --to production"
# examples/environments/production.yaml: load at chat's spec.slo (8 requests/s) through the router,
# held to its p99 and error rate; malformed bodies to /v1/completions; one replica deleted under
# load. The stand-in servers answer for chat's pods (localcluster/README.md).
./bosun promote chat --from staging --to production --kubeconfig "$KUBECONFIG"
./bosun status chat -n staging --kubeconfig "$KUBECONFIG" || true
echo "production runs chat as $(kubectl get workload chat -n production -o jsonpath='{.spec.image}')"

step "A deployment agent over MCP: a generated Workload to staging, through production's gates, to production"
hack/mcp-session.sh

echo
echo "The cluster, the operator and the agents keep running: eval \"\$(./bosun dev env)\" to use the cluster"
echo "with kubectl, ./bosun dev fault to break another GPU, ./bosun sandbox to manage sandboxes, ./bosun dev load to load a"
echo "Workload; ./bosun dev down stops them all."
