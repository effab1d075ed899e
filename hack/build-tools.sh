#!/usr/bin/env bash
# Builds the release and observability tools Bosun's build and tests use, each
# from its Go module with this machine's Go toolchain through the module proxy:
#   helm      helm.sh/helm/v3                      (the chart: lint, template, install)
#   crane     github.com/google/go-containerregistry (the local cluster's OCI registry)
#   promtool  github.com/prometheus/prometheus     (testing the alert rules)
#   metrics-server sigs.k8s.io/metrics-server      (the local cluster's resource metrics, for HPA on CPU)
#
# Output, cached per tool and version under
#   ${XDG_CACHE_HOME:-$HOME/.cache}/bosun/tools/<tool>/<version>/
# bin/<tool>, logs/ and VERSION, written last.
#
# Usage: hack/build-tools.sh [--print-dir] [--force] [TOOL...]
#   --print-dir  print the tools' cache directory on stdout (and nothing else there)
#   --force      rebuild even if a tool's cache is complete
#   TOOL         build only these (default: all)
# Versions can be overridden with HELM_VERSION, CRANE_VERSION, PROMTOOL_VERSION,
# METRICS_SERVER_VERSION.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CRANE_VERSION="${CRANE_VERSION:-v0.22.1}"
PROMTOOL_VERSION="${PROMTOOL_VERSION:-v0.316.0}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.8.0}"

TOOL=build-tools
# shellcheck source=lib/go-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-build.sh"

# tool_spec <tool>: its package, version and the version stamp its own code reads.
tool_spec() {
  case "$1" in
    helm) echo "helm.sh/helm/v3/cmd/helm $HELM_VERSION helm.sh/helm/v3/internal/version.version=$HELM_VERSION" ;;
    crane) echo "github.com/google/go-containerregistry/cmd/crane $CRANE_VERSION github.com/google/go-containerregistry/cmd/crane/cmd.Version=$CRANE_VERSION" ;;
    promtool) echo "github.com/prometheus/prometheus/cmd/promtool $PROMTOOL_VERSION github.com/prometheus/common/version.Version=${PROMTOOL_VERSION#v}" ;;
    # metrics-server's go.mod has no replace directives, so go install builds it as released.
    metrics-server) echo "sigs.k8s.io/metrics-server/cmd/metrics-server $METRICS_SERVER_VERSION k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION" ;;
    *) return 1 ;;
  esac
}

# tool_tags <tool>: build tags that leave out what Bosun never runs. promtool only checks and tests
# rules here; without its 27 service-discovery plugins (and their cloud SDKs) it builds in about
# half the time.
tool_tags() {
  case "$1" in
    promtool) echo "remove_all_sd" ;;
    *) echo "" ;;
  esac
}

tools=()
options=()
for arg in "$@"; do
  case "$arg" in
    -*) options+=("$arg") ;;
    *) tool_spec "$arg" >/dev/null || { echo "$TOOL: unknown tool: $arg (helm, crane, promtool, metrics-server)" >&2; exit 2; }
       tools+=("$arg") ;;
  esac
done
((${#tools[@]})) || tools=(helm crane promtool metrics-server)
parse_arguments 18 "${options[@]+"${options[@]}"}"
TOOLS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/tools"

for tool in "${tools[@]}"; do
  read -r package version stamp_flag <<<"$(tool_spec "$tool")"
  cache_layout "$TOOLS_DIR/$tool/${version#v}"
  tags="$(tool_tags "$tool")"
  STAMP="$tool=$version${tags:+ tags=$tags}"
  cache_complete() { [[ -f "$CACHE_DIR/VERSION" && "$(cat "$CACHE_DIR/VERSION")" == "$STAMP" && -x "$BIN_DIR/$tool" ]]; }
  finish() { :; }
  # begin_build ends the script on a complete cache; one tool at a time, so run it in a subshell.
  (
    begin_build "$CACHE_DIR/VERSION" "$tool from its Go module"
    start=$SECONDS
    # go install with a version builds the tool's own module as the main module, with its go.sum.
    run_step "$tool" "$tool" env GOBIN="$BIN_DIR" go install "${BUILD_FLAGS[@]}" -tags "$tags" \
      -ldflags "-s -w -X $stamp_flag" "$package@$version"
    echo "$STAMP" >"$CACHE_DIR/VERSION"
    say "  $tool built in $((SECONDS - start))s"
  )
done
if $print_dir; then echo "$TOOLS_DIR"; fi
