#!/usr/bin/env bash
# Resident memory and CPU of the node agent while it samples simulated GPUs every second and
# tails a kernel log that grows by ten records a second (one Xid a minute among them), with a
# Prometheus-like scrape of /metrics every 15 s. Linux only (/proc).
#
#   bench/agent/measure.sh [SECONDS=60] [GPUS=8] [-- extra agent options, e.g. --kubeconfig FILE --node NAME]
#
# Without --kubeconfig it runs --offline (no cluster). Prints one line per measure and a summary:
# start-up (launch to the first sample, or to the first status write when publishing), resident
# memory, CPU, live threads, heap used after a full GC, and the size of the classpath.
# AGENT_CLASSPATH runs another build of the agent (a variant being compared) instead of this tree's.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-60}; GPUS=${2:-8}; shift $(( $# >= 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")
source hack/java-home.sh
JAVA="$JAVA_HOME/bin/java"
# The DaemonSet's flags (deploy/agent/daemonset.yaml): a small heap that grows only when needed, C1 only.
JVM_FLAGS=${JVM_FLAGS:--Xms8m -Xmx48m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -Xss512k}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

if [ -n "${AGENT_CLASSPATH:-}" ]; then
  CP=$AGENT_CLASSPATH
else
  if [ ! -f agent/target/classes/dev/bosun/agent/AgentMain.class ] || [ ! -s agent/target/classpath.txt ]; then
    # In one reactor, the sibling modules resolve to their target/classes: nothing is installed.
    ./mvnw -q -o -pl agent -am compile dependency:build-classpath \
      -Dmdep.outputFile="$PWD/agent/target/classpath.txt" -DincludeScope=runtime >&2
  fi
  CP="agent/target/classes:$(cat agent/target/classpath.txt)"
fi

WORK=$(mktemp -d)
KMSG="$WORK/kmsg"
: > "$KMSG"
cleanup() { [ -n "${WRITER:-}" ] && kill "$WRITER" 2>/dev/null; [ -n "${AGENT:-}" ] && kill "$AGENT" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# The kernel log: ten records a second, an Xid 13 on GPU 0's bus every 600th.
( seq=1; while :; do
    if (( seq % 600 == 0 )); then msg="NVRM: Xid (PCI:0000:18:00): 13, pid=4242, name=python, Graphics SM Warp Exception on (GPC 1, TPC 2, SM 0)"
    else msg="audit: type=1400 audit($seq.000:1): apparmor=\"ALLOWED\" operation=\"open\" profile=\"bench\""; fi
    printf '6,%d,%d,-;%s\n' "$seq" "$((seq * 100000))" "$msg" >> "$KMSG"; seq=$((seq + 1)); sleep 0.1
  done ) &
WRITER=$!

MODE=(--offline)
NODE_OPTION=(--node "${NODE:-bench-node-0000}")
for a in "${EXTRA[@]}"; do
  case "$a" in --kubeconfig|--kubeconfig=*) MODE=() ;; --node|--node=*) NODE_OPTION=() ;; esac
done
launched=$(date +%s%N)
# shellcheck disable=SC2086
"$JAVA" $JVM_FLAGS --enable-native-access=ALL-UNNAMED -cp "$CP" dev.bosun.agent.AgentMain \
  "${NODE_OPTION[@]}" --simulate "$GPUS" --interval 1s --port 0 --kmsg "$KMSG" --state-dir "$WORK" \
  "${MODE[@]}" "${EXTRA[@]}" 2> "$WORK/agent.log" &
AGENT=$!

port=""
for _ in $(seq 1 100); do
  port=$(grep -o 'serving /metrics and /healthz on port [0-9]*' "$WORK/agent.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break; sleep 0.1
done
[ -n "$port" ] || { echo "agent did not start:" >&2; cat "$WORK/agent.log" >&2; exit 1; }

# Started: the first sample on /metrics, or, when publishing, the first status write.
if [ "${#MODE[@]}" -eq 0 ]; then ready='^bosun_agent_writes_total\{object="gpunodehealth_status"\} [1-9]'; else ready='^DCGM_FI_DEV_GPU_UTIL\{'; fi
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/metrics" | grep -Eq "$ready" && break; sleep 0.05
done
started_ms=$(( ($(date +%s%N) - launched) / 1000000 ))

HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$AGENT/stat"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$AGENT/status"; }

sleep 10   # start-up (class loading, JIT) is not the steady state
t0=$(date +%s.%N); c0=$(ticks); max=0; sum=0; n=0
for s in $(seq 1 "$SECONDS_TO_RUN"); do
  (( s % 15 == 0 )) && curl -sf "http://127.0.0.1:$port/metrics" -o /dev/null
  sleep 1
  r=$(rss_kib); sum=$((sum + r)); n=$((n + 1)); (( r > max )) && max=$r
done
t1=$(date +%s.%N); c1=$(ticks)
samples=$(curl -sf "http://127.0.0.1:$port/metrics" | grep -c '^DCGM_FI_DEV_GPU_UTIL{' || true)
xids=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '/^bosun_gpu_xid_errors_total\{/ {s += $NF} END {print s + 0}')
cpu=$(echo "($c1 - $c0) / $HZ / ($t1 - $t0) * 100" | bc -l)
errors=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '/^bosun_agent_publish_errors_total/ {print $NF}')
threads=$(awk '/^Threads/ {print $2}' "/proc/$AGENT/status")
# Heap in use after a full collection (serial GC: the young and the tenured generation).
"$JAVA_HOME/bin/jcmd" "$AGENT" GC.run > /dev/null
heap_kib=$("$JAVA_HOME/bin/jcmd" "$AGENT" GC.heap_info | awk '/^(DefNew|Tenured|def new generation|tenured generation) / {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); s += v}} END {print s}')
cp_bytes=$(echo "$CP" | tr ':' '\n' | xargs du -sb | awk '{s += $1} END {print s}')
cp_entries=$(echo "$CP" | tr ':' '\n' | grep -c .)
printf 'gpus=%d seconds=%d jvm="%s"\n' "$GPUS" "$SECONDS_TO_RUN" "$JVM_FLAGS"
printf 'rss_max_mib=%.1f rss_avg_mib=%.1f cpu_percent_of_one_core=%.2f\n' "$(echo "$max/1024" | bc -l)" "$(echo "$sum/$n/1024" | bc -l)" "$cpu"
printf 'metrics_gpus=%d xids_counted=%d kmsg_records=%d publish_errors=%s\n' "$samples" "$xids" "$(wc -l < "$KMSG")" "$errors"
printf 'startup_ms=%d threads=%d heap_after_gc_mib=%.1f classpath_mib=%.1f classpath_entries=%d\n' \
  "$started_ms" "$threads" "$(echo "$heap_kib/1024" | bc -l)" "$(echo "$cp_bytes/1048576" | bc -l)" "$cp_entries"
