#!/usr/bin/env bash
# Time and peak memory (resident set) of `./bosun validate` and `./bosun render` at each manifest
# limit (compiler ManifestLimits, README "Limits") and ten times past it, with a 512 MiB heap.
# Past a limit the call must be refused quickly with exit code 2, its memory flat.
# Usage: bench/limits.sh. Prints one line per case: exit code, seconds, peak KB, first message.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./bosun validate -f examples/chat.yaml > /dev/null   # builds on first use

workload() { # name [extra spec fields]
  printf -- '---\napiVersion: bosun.dev/v1alpha1\nkind: Workload\nmetadata: {name: %s}\nspec: {type: Batch, image: "registry.example.com/acme/batch:1", size: cpu-m%s}\n' "$1" "${2:-}"
}
# `yes` ends on SIGPIPE once `head` has enough, which pipefail would take for a failure.
repeat() { (set +o pipefail; yes "$1" | head -n "$2" | tr -d '\n'); } # text count
letters() { head -c "$1" /dev/zero | tr '\0' a; }

workloads() { for i in $(seq 1 "$1"); do workload "w-$i"; done; }
flow_list() { printf 'x: ['; repeat 'a,' "$1"; printf ']\n'; }
nested() { printf 'x: '; repeat '[' "$1"; repeat ']' "$1"; printf '\n'; }
scalar() { printf 'x: '; letters "$1"; printf '\n'; }
aliases() { workload w ", args: [&arg $(letters 262144)$(repeat ', *arg' "$1")]"; }
comments() { (set +o pipefail; yes '# a comment line of forty characters....' | head -c "$1"); printf '\nx: 1\n'; }

measure() { # label command...
  local label="$1"; shift
  local code=0
  JAVA_TOOL_OPTIONS=-Xmx512m /usr/bin/time -f '%e %M' -o "$work/time" "$@" \
    > "$work/out" 2> "$work/err" || code=$?
  read -r seconds kb < <(tail -1 "$work/time") # after "Command exited with non-zero status"
  message="$( (grep -v '^Picked up' "$work/err" || true) | head -1 | cut -c1-110 | sed "s|$work/||")"
  printf '%-44s exit %s  %5s s  %7s KB  %s\n' "$label" "$code" "$seconds" "$kb" "$message"
}

case_of() { # name generator limit past
  local name="$1" generate="$2" limit="$3" past="$4"
  "$generate" "$limit" > "$work/$name-at.yaml"
  "$generate" "$past" > "$work/$name-past.yaml"
  measure "validate $name at the limit ($limit)" ./bosun validate -f "$work/$name-at.yaml"
  measure "validate $name 10x past ($past)" ./bosun validate -f "$work/$name-past.yaml"
}

case_of documents workloads 5000 50000
measure "render documents at the limit (5000)" ./bosun render -f "$work/documents-at.yaml"
case_of nodes flow_list 499990 5000000
case_of nesting nested 63 640
case_of scalar scalar 262144 2621440
case_of aliases aliases 999 9990
measure "render aliases at the limit (999 x 256 KiB)" ./bosun render -f "$work/aliases-at.yaml"
aliases 240 > "$work/output-at.yaml"
measure "render output at the limit (61 MiB)" ./bosun render -f "$work/output-at.yaml"
case_of input comments $((16 * 1024 * 1024 - 8)) $((160 * 1024 * 1024))
