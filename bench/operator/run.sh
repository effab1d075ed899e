#!/usr/bin/env bash
# The operator's scale benchmarks (issue 4) on the local cluster:
#   bench/operator/run.sh [WORKLOADS]    N Service Workloads created at once until all are Ready
#                                        through the operator, against the same children created
#                                        directly with no operator; heap, idle CPU and API requests
#                                        by kind (default 1000)
#   bench/operator/run.sh --heap N       the operator's heap with N Batch Workloads (no Services)
# Results: operator/target/bench-operator-*.txt. Uses its own cluster home, so that it disturbs
# no other cluster on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/java-home.sh
export BOSUN_DEV_HOME="${BOSUN_DEV_HOME:-/tmp/bosun-bench-operator}"
if [[ "${1:-}" == "--heap" ]]; then
  property="-Dbosun.bench.heapWorkloads=${2:?how many Workloads}"
  result="operator/target/bench-operator-heap-$2.txt"
else
  property="-Dbosun.bench.workloads=${1:-1000}"
  result="operator/target/bench-operator-${1:-1000}.txt"
fi
./mvnw -q -pl operator -am install -DskipTests
./mvnw -pl operator verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=OperatorScaleBench "$property" -DargLine="-Xmx2g"
cat "$result"
