#!/usr/bin/env bash
# Bosun's main job on the local cluster: real etcd, kube-apiserver, scheduler and controller
# manager with a simulated fleet of H100 nodes; the examples compiled and applied; then what runs
# where, down to the GPU devices the scheduler allocated. Builds whatever is missing first.
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
echo
echo "The cluster and the operator keep running: eval \"\$(./bosun dev env)\" to use the cluster with kubectl;"
echo "./bosun dev down stops the operator and then the cluster."
