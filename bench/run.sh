#!/usr/bin/env bash
# Runs the JMH benchmarks (all, or those matching $1) from the repository root, pinned to one core
# when taskset is there. Example: bench/run.sh CompileBenchmark
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source hack/java-home.sh
[[ -f bench/target/bosun-bench.jar ]] || ./mvnw -q -B -DskipTests -pl bench -am install
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
exec "${pin[@]}" "$JAVA_HOME/bin/java" -cp "bench/target/bosun-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main "$@"
