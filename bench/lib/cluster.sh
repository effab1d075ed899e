# The scenario scripts' local cluster, one of their own so that they disturb no other:
#   cd <repository root>; source bench/lib/cluster.sh NAME
# selects JDK 25, builds ./bosun, sets BOSUN_DEV_HOME (default /tmp/bosun-bench-NAME), KUBECONFIG
# and $kubectl (the cached Kubernetes build's), and stops the cluster when the script exits (a
# script with a trap of its own stops it there). Then:
#   bench_cluster_up [bosun dev up options]
# stops a cluster left in that home, starts a fresh one, and applies Bosun's CRDs (waiting until
# they are established) and the tiers of deploy/tiers.
source hack/java-home.sh
export BOSUN_DEV_HOME="${BOSUN_DEV_HOME:-/tmp/bosun-bench-${1:?which benchmark}}"
export KUBECONFIG="$BOSUN_DEV_HOME/kubeconfig"
kubectl=(~/.cache/bosun/k8s/*/bin/kubectl)
kubectl="${kubectl[0]}"
./mvnw -q -B -ntp -o -DskipTests package -pl cli -am
trap './bosun dev down >/dev/null 2>&1 || true' EXIT

bench_cluster_up() {
  ./bosun dev down >/dev/null 2>&1 || true
  ./bosun dev up "$@"
  "$kubectl" apply --server-side --force-conflicts -f deploy/crds/ >/dev/null
  "$kubectl" wait --for condition=Established --timeout=60s crd --all >/dev/null
  "$kubectl" apply --server-side --force-conflicts -k deploy/tiers/ >/dev/null
}
