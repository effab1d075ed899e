#!/usr/bin/env bash
# The operator's scale benchmark (issue 4) on the local cluster:
#   bench/operator/run.sh [WORKLOADS]     (default 1000)
# N Workloads created at once until all are Ready through the operator, against the same
# children created directly with no operator; the operator's heap and its idle CPU.
# Results: operator/target/bench-operator-N.txt. Uses its own cluster home so that it
# disturbs no other cluster on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
workloads="${1:-1000}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export BOSUN_DEV_HOME="${BOSUN_DEV_HOME:-/tmp/bosun-bench-operator}"
./mvnw -q -pl operator -am install -DskipTests
./mvnw -pl operator verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=OperatorScaleBench -Dbosun.bench.workloads="$workloads" \
  -DargLine="-Xmx2g"
cat "operator/target/bench-operator-$workloads.txt"
