#!/usr/bin/env bash
# Runs the local cluster's benchmarks (bench/cluster/ClusterBench.java) against the binaries
# hack/build-k8s.sh builds. Usage: bench/cluster/run.sh [dev-up] [fleet] [scheduling]
# System properties: -Dnodes=1000 -Dpods=2000 (pass them in BENCH_JAVA_OPTS).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/java-home.sh
# The local cluster module depends on no other Bosun module, so no install is needed.
./mvnw -q -B -ntp -pl localcluster compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
"$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} \
  -cp "localcluster/target/classes:$(cat localcluster/target/classpath.txt)" \
  bench/cluster/ClusterBench.java "$@"
