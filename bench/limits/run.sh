#!/usr/bin/env bash
# Wall time and peak resident memory of `./bosun validate`, `render` and `gpu explain` at each input
# limit (README, "Limits"; ManifestLimits in the compiler) and PAST times past it (refused quickly,
# memory flat), and of gpu explain over a long kernel log streamed through a pipe. Linux, GNU time
# (/usr/bin/time). The CLI runs with the launcher's 512 MiB heap.
#
#   bench/limits/run.sh
#
# Prints one Markdown table row per run: what, how big, exit code, wall time, peak RSS, and the
# first line the CLI wrote to standard error (the refusal, when there is one).
# No pipefail: the generators stop `yes` by closing the pipe under it.
set -eu
cd "$(dirname "$0")/../.."

# The documented limits (README, reference section), in one place: override one to measure another.
INPUT_BYTES=${INPUT_BYTES:-$((16 * 1024 * 1024))}
DOCUMENTS=${DOCUMENTS:-5000}
NODES=${NODES:-500000}
DEPTH=${DEPTH:-64}
SCALAR_BYTES=${SCALAR_BYTES:-$((256 * 1024))}
ALIASES=${ALIASES:-1000}
OUTPUT_BYTES=${OUTPUT_BYTES:-$((64 * 1024 * 1024))}
LOG_LINE_BYTES=${LOG_LINE_BYTES:-$((16 * 1024))}
# How far past each limit the second run goes, and how long a log explain streams.
PAST=${PAST:-10}
STREAM_BYTES=${STREAM_BYTES:-$((1024 * 1024 * 1024))}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./bosun validate -f examples/chat.yaml > /dev/null   # builds on first use

workload() { # NAME [EXTRA FIELDS OF spec, in flow style]
  printf -- '---\napiVersion: bosun.dev/v1alpha1\nkind: Workload\nmetadata: {name: %s}\n' "$1"
  printf 'spec: {type: Inference, image: "registry.example.com/s:1", size: gpu-m, port: 8080%s}\n' "${2:-}"
}

# Inputs, one generator a limit, each given how much of it to make.
input_bytes() { # A Workload, then 1 KiB comment lines up to N bytes.
  { workload big; yes "#$(head -c 1022 /dev/zero | tr '\0' x)"; } | head -c "$1"
}
documents() {
  awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
    printf "---\napiVersion: bosun.dev/v1alpha1\nkind: Workload\nmetadata: {name: w-%d}\nspec: {type: Inference, image: \"registry.example.com/s:%d\", size: gpu-m, port: 8080}\n", i, i }'
}
depth() { # N levels: the document's map, then N-1 flow sequences in one of its values.
  workload deep
  printf 'x: %s%s\n' "$(printf '%*s' $(($1 - 1)) '' | tr ' ' '[')" "$(printf '%*s' $(($1 - 1)) '' | tr ' ' ']')"
}
scalar() {
  workload long ", args: [\"$(head -c "$1" /dev/zero | tr '\0' x)\"]"
}
aliases() {
  workload aliased ", args: [&a \"--flag\"$(for _ in $(seq 1 "$1"); do printf ', *a'; done)]"
}
nodes() { # A Workload, then a flow list of N-50 one-letter scalars (the Workload and the list take the rest).
  workload many
  printf 'x: ['
  yes 'a,' | head -n $(($1 - 50)) | tr -d '\n'
  printf ']\n'
}
output() { # Rendered output of about N bytes: aliases of one 256 KiB argument.
  workload wide ", args: [&a \"$(head -c 262144 /dev/zero | tr '\0' x)\"$(for _ in $(seq 2 $(($1 / 262144))); do printf ', *a'; done)]"
}
log_lines() { # 1,000 NVLink-shaped Xid lines of N bytes: registers, as an NVLink5 Xid lists them.
  local head='[ 1.0] NVRM: Xid (PCI:0000:18:00): 145, RLW_SRC_TRACK Nonfatal XC0 i0 Link 3 ('
  local registers
  registers=$(yes ' 0x00000000' | tr -d '\n' | head -c $(($1 - ${#head} - 2)))
  for _ in $(seq 1 1000); do printf '%s%s)\n' "$head" "$registers"; done
}
kernel_log() { # N bytes of ordinary kernel log, an Xid 79 every 500 lines.
  local block
  block=$(for _ in $(seq 1 499); do echo '[ 12.345678] audit: type=1400 audit(1.000:1): apparmor="ALLOWED" operation="open" profile="bench"'; done
    echo '[ 12.345679] NVRM: Xid (PCI:0000:18:00): 79, pid=1, name=python, GPU has fallen off the bus.')
  yes "$block" | head -c "$1"
}

row() { # WHAT SIZE -- COMMAND...: runs COMMAND (standard input already set), prints the row.
  local what=$1 size=$2; shift 3
  /usr/bin/time -f '%x %e %M' -o "$work/time" "$@" > /dev/null 2> "$work/err" || true
  read -r code wall rss < <(tail -n 1 "$work/time")
  printf '| %s | %s | %s | %s s | %d MiB | %s |\n' "$what" "$size" "$code" "$wall" $((rss / 1024)) \
    "$(grep -v '^Command exited' "$work/err" | head -n 1 | sed "s|$work/||" | cut -c 1-120)"
}

mib() { echo "$(($1 / 1024 / 1024)) MiB"; }
kib() { echo "$(($1 / 1024)) KiB"; }

echo '| what | size | exit | wall | peak RSS | says |'
echo '|---|---|---|---|---|---|'
for times in 1 "$PAST"; do
  input_bytes $((INPUT_BYTES * times)) > "$work/input.yaml"
  row "validate: input size" "$(mib $((INPUT_BYTES * times)))" -- ./bosun validate -f "$work/input.yaml"
  documents $((DOCUMENTS * times)) > "$work/documents.yaml"
  row "validate: documents" "$((DOCUMENTS * times))" -- ./bosun validate -f "$work/documents.yaml"
  row "render: documents" "$((DOCUMENTS * times))" -- ./bosun render -f "$work/documents.yaml"
  nodes $((NODES * times)) > "$work/nodes.yaml"
  row "validate: nodes" "$((NODES * times))" -- ./bosun validate -f "$work/nodes.yaml"
  depth $((DEPTH * times)) > "$work/depth.yaml"
  row "validate: nesting depth" "$((DEPTH * times))" -- ./bosun validate -f "$work/depth.yaml"
  scalar $((SCALAR_BYTES * times)) > "$work/scalar.yaml"
  row "validate: scalar" "$(kib $((SCALAR_BYTES * times)))" -- ./bosun validate -f "$work/scalar.yaml"
  aliases $((ALIASES * times)) > "$work/aliases.yaml"
  row "validate: aliases" "$((ALIASES * times))" -- ./bosun validate -f "$work/aliases.yaml"
  # Aliases are limited too: past the output limit goes as far as the most aliases allowed.
  size=$((times == 1 ? OUTPUT_BYTES - 4 * 1024 * 1024 : (ALIASES - 1) * 262144))
  output "$size" > "$work/output.yaml"
  row "render: output" "$(mib "$size")" -- ./bosun render -f "$work/output.yaml"
  log_lines $((LOG_LINE_BYTES * times)) > "$work/lines.log"
  row "gpu explain: 1,000 lines of" "$(kib $((LOG_LINE_BYTES * times)))" -- ./bosun gpu explain "$work/lines.log"
  rm -f "$work"/*.yaml "$work/lines.log"
done
for bytes in $((STREAM_BYTES / PAST)) "$STREAM_BYTES"; do
  kernel_log "$bytes" | row "gpu explain: kernel log through a pipe" "$(mib "$bytes")" -- ./bosun gpu explain
done
