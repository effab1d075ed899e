#!/usr/bin/env bash
# Writes the class list an image's class archive is dumped from (images/<image>/classes.lst,
# committed): the classes `bosun COMMAND TRAINING...` loads on the base's runtime with the image's
# jars, in a canonical form (class names sorted, then the lambda lines sorted; no per-run ids and
# no constant-pool lines, which follow timing).
#
#   class-list.sh COMMAND CLASSPATH_FILE BASE_DIR OUT_FILE [TRAINING ARGUMENT...]
#
# TRAINING defaults to --help. With {port} in it, COMMAND is a server that is stopped (SIGTERM)
# once /healthz answers on that port; {state} is a scratch directory. The list is committed rather
# than made by each build because a server's start loads a slightly different set of classes from
# run to run (its threads race), and the archive, hence the image's digest, would follow.
# images/update-class-lists.sh runs this for every image.
set -euo pipefail
command=$1 classpath_file=$2 base=$3 out_file=$4
shift 4
training=("$@")
((${#training[@]})) || training=(--help)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
run=("${training[@]//\{port\}/$port}")
run=("${run[@]//\{state\}/$work/state}")
mkdir -p "$work/state"
# shellcheck source=jvm-options.sh
source "$(dirname "$0")/jvm-options.sh"
"$base/rootfs/opt/java/bin/java" -XX:DumpLoadedClassList="$work/loaded.lst" "${jvm_options[@]}" \
  -cp "$(cat "$classpath_file")" dev.bosun.cli.Bosun "$command" "${run[@]}" >"$work/training.log" 2>&1 &
trainee=$!
if [[ " ${training[*]} " == *"{port}"* ]]; then
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$trainee" 2>/dev/null || break
    sleep 0.1
  done
  kill -TERM "$trainee" 2>/dev/null || true
fi
wait "$trainee" || true
[[ -s "$work/loaded.lst" ]] || { echo "class-list: the training loaded nothing; its output:" >&2; cat "$work/training.log" >&2; exit 1; }
# Classes of a custom class loader carry ids that other lines refer to; Bosun's jars are all on the
# class path, so there are none to keep.
{
  echo "# The classes bosun $command loads on ${training[*]}, for the image's class archive."
  echo "# Written by images/src/build/class-list.sh; regenerate with images/update-class-lists.sh."
  grep -v '^[#@]' "$work/loaded.lst" | grep -v ' source: ' | sed 's/ id: [0-9]*$//' | LC_ALL=C sort -u
  grep -E '^@lambda-(proxy|form-invoker) ' "$work/loaded.lst" | LC_ALL=C sort -u
} >"$out_file.tmp"
mv "$out_file.tmp" "$out_file"
echo "class-list: $out_file, $(grep -vc '^[#@]' "$out_file") classes" >&2
