#!/usr/bin/env bash
# Validates the gpu module on a real NVIDIA GPU machine that has no Java (issue 5, item 5).
#
# Prepare here (a JDK 25 machine), from the repository root:
#   ./mvnw -q -f gpu/pom.xml -DskipTests package
#   gpu/validate-on-gpu.sh --prepare          # jlink runtime + jar into gpu/target/validate (~30 MiB)
# Run there (the device tool carries ignored paths when asked):
#   run(command="gpu/validate-on-gpu.sh", carry=["gpu/target/validate"])
#
# Writes into $OUT (or ./validate-out): machine.txt, nvidia-smi-q.xml, inspect.json, inspect.txt,
# compare.txt (field by field, NVML through java.lang.foreign vs nvidia-smi -q -x), events.txt
# (register for Xid/ECC events, wait 2 s), timing.txt (NVML snapshot cost), kmsg.txt and
# explain.json (the live kernel log through the parser), summary.txt. Exit 0 when every field
# agrees, 1 when one differs, 3 when there is no GPU.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/gpu/target/validate"

if [[ "${1:-}" == "--prepare" ]]; then
  : "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
  jar=$(ls "$root"/gpu/target/bosun-gpu-*.jar 2>/dev/null | grep -v -e sources -e tests | head -1)
  [[ -n "$jar" ]] || { echo "build the jar first: ./mvnw -q -f gpu/pom.xml -DskipTests package" >&2; exit 2; }
  rm -rf "$dir" && mkdir -p "$dir"
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.xml --strip-debug --no-header-files --no-man-pages \
    --compress zip-9 --output "$dir/runtime"
  cp "$jar" "$dir/bosun-gpu.jar"
  du -sh "$dir"
  exit 0
fi

out="${OUT:-$PWD/validate-out}"
mkdir -p "$out"
java=("$dir/runtime/bin/java" --enable-native-access=ALL-UNNAMED -Xmx64m -XX:+UseSerialGC -cp "$dir/bosun-gpu.jar")
[[ -x "$dir/runtime/bin/java" ]] || { echo "no runtime in $dir: run with --prepare first and carry gpu/target/validate" >&2; exit 2; }

{
  date -u; uname -a
  nvidia-smi -L
  cat /proc/driver/nvidia/version
  "$dir/runtime/bin/java" -version 2>&1
} > "$out/machine.txt" 2>&1

nvidia-smi -q -x > "$out/nvidia-smi-q.xml" 2> "$out/nvidia-smi.err"
echo "nvidia-smi rc=$?" > "$out/summary.txt"

"${java[@]}" dev.bosun.gpu.inspect.Inspect -o json > "$out/inspect.json" 2> "$out/inspect.err"
echo "inspect -o json rc=$?" >> "$out/summary.txt"
"${java[@]}" dev.bosun.gpu.inspect.Inspect -o table > "$out/inspect.txt" 2>> "$out/inspect.err"

"${java[@]}" dev.bosun.gpu.inspect.Compare "$out/nvidia-smi-q.xml" > "$out/compare.txt" 2>&1
compare_rc=$?
echo "compare rc=$compare_rc" >> "$out/summary.txt"

"${java[@]}" dev.bosun.gpu.inspect.Probe events 2000 > "$out/events.txt" 2>&1
echo "events rc=$?" >> "$out/summary.txt"
"${java[@]}" dev.bosun.gpu.inspect.Probe timing 1000 > "$out/timing.txt" 2>&1
echo "timing rc=$?" >> "$out/summary.txt"

# The live kernel log as /dev/kmsg hands it out (needs root), then through explain.
timeout 2 cat /dev/kmsg > "$out/kmsg.txt" 2> "$out/kmsg.err"
"${java[@]}" dev.bosun.gpu.explain.Explain "$out/kmsg.txt" > "$out/explain.json" 2> "$out/explain.err"
echo "explain rc=$? ($(cat "$out/explain.err"))" >> "$out/summary.txt"
grep -c 'NVRM' "$out/kmsg.txt" | sed 's/^/kmsg NVRM lines: /' >> "$out/summary.txt"

tail -1 "$out/compare.txt" >> "$out/summary.txt"
cat "$out/summary.txt"
exit "$compare_rc"
