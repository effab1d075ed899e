#!/usr/bin/env bash
# Builds the local cluster's components from their Go modules with this
# machine's Go toolchain: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok and kwokctl. Nothing comes from release sites;
# everything comes through the Go module proxy.
#
# The binaries are cached per version under
#   ${XDG_CACHE_HOME:-$HOME/.cache}/bosun/k8s/<kubernetes version>/bin
# and kube-apiserver, etcd and kubectl are also laid out where fabric8's
# kube-api-test looks: ~/.kubeapitest/k8s/<version>-<os>-<arch>/.
#
# Usage: hack/build-k8s.sh [--print-dir] [--force]
#   --print-dir  print the binary directory on stdout (and nothing else there)
#   --force      rebuild even if the cache is complete
# Versions can be overridden with K8S_VERSION, ETCD_VERSION, KWOK_VERSION.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"

COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl)

print_dir=false
force=false
for arg in "$@"; do
  case "$arg" in
    --print-dir) print_dir=true ;;
    --force) force=true ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-k8s: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/k8s/${K8S_VERSION#v}"
BIN_DIR="$CACHE_DIR/bin"
LOG_DIR="$CACHE_DIR/logs"
SRC_DIR="$CACHE_DIR/src"
# The cache is keyed by the Kubernetes version; this stamp also records the
# etcd and kwok versions, so changing either of them rebuilds too.
STAMP="kubernetes=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION"

# Progress goes to stderr so that --print-dir keeps stdout clean.
say() { echo "build-k8s: $*" >&2; }
die() { echo "build-k8s: error: $*" >&2; exit 1; }

cache_complete() {
  [[ -f "$CACHE_DIR/VERSIONS" && "$(cat "$CACHE_DIR/VERSIONS")" == "$STAMP" ]] || return 1
  local c
  for c in "${COMPONENTS[@]}"; do [[ -x "$BIN_DIR/$c" ]] || return 1; done
}

# The platform as Go names it, without needing Go (a complete cache needs no toolchain).
platform() {
  local os arch
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) arch="$(uname -m)" ;;
  esac
  echo "$os-$arch"
}

# fabric8 kube-api-test looks for <version>-<os>-<arch> under ~/.kubeapitest/k8s.
layout_for_kube_api_test() {
  local dir="$HOME/.kubeapitest/k8s/${K8S_VERSION#v}-$(platform)" c
  mkdir -p "$dir"
  for c in kube-apiserver etcd kubectl; do
    # A hard link costs no space; fall back to a copy across file systems.
    ln -f "$BIN_DIR/$c" "$dir/$c" 2>/dev/null || cp -f "$BIN_DIR/$c" "$dir/$c"
  done
}

finish() {
  layout_for_kube_api_test
  if $print_dir; then echo "$BIN_DIR"; fi
}

if ! $force && cache_complete; then
  say "cached: $STAMP in $BIN_DIR"
  finish
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go toolchain not found on PATH. It is needed to build etcd, Kubernetes and kwok from their Go modules (Go >= 1.26, https://go.dev/dl/)."

mkdir -p "$BIN_DIR" "$LOG_DIR" "$SRC_DIR"
rm -f "$CACHE_DIR/VERSIONS"
say "building $STAMP with $(go env GOVERSION) into $BIN_DIR (logs in $LOG_DIR)"

export CGO_ENABLED=0
# Two cores are common on CI runners: let go compile packages in parallel, one
# build at a time, so the build cache is shared between the components.
JOBS="${BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
BUILD_FLAGS=(-trimpath -p "$JOBS")

# run_step <component> <log name> <command...>: runs one step, logging to a file
# and naming the component and the log if it fails.
run_step() {
  local component="$1" log="$LOG_DIR/$2.log"; shift 2
  local start=$SECONDS
  echo "+ $*" >"$log"
  if ! "$@" >>"$log" 2>&1; then
    echo "build-k8s: error: $component failed after $((SECONDS - start))s; last lines of $log:" >&2
    tail -n 15 "$log" | sed 's/^/    /' >&2
    die "$component: see the full log at $log"
  fi
}

# module_info <module@version> <field>: one field of `go mod download -json`.
module_file() {
  local json
  json="$(go mod download -json "$1")" || { echo "$json" >&2; return 1; }
  sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\{0,1\}$/\1/p" <<<"$json"
}

# write_wrapper_module <dir> <module> <version> <twin version> <packages...>
#
# Modules like k8s.io/kubernetes and go.etcd.io/etcd/server/v3 replace some of
# their dependencies with directories of their own repository. Replace
# directives only count in the main module, so `go install` refuses them and a
# plain dependency on them resolves those modules to placeholder versions. The
# wrapper module requires the tag and replaces each such module that the tag
# requires with its published twin; the list comes from the tag's own go.mod.
write_wrapper_module() {
  local dir="$1" module="$2" version="$3" twin="$4" gomod
  shift 4
  gomod="$(module_file "$module@$version" GoMod)" || return 1
  [[ -f "$gomod" ]] || { echo "no go.mod for $module@$version" >&2; return 1; }
  mkdir -p "$dir"
  awk -v name="${dir##*/}" -v module="$module" -v version="$version" -v twin="$twin" '
    # Required modules, from both the single-line and the block form.
    /^require \(/            { in_require = 1; next }
    in_require && /^\)/      { in_require = 0; next }
    in_require && NF >= 2    { required[$1] = 1; next }
    /^require [^(]/          { required[$2] = 1; next }
    # Local-directory replacements, from both forms as well.
    /^replace \(/            { in_replace = 1; next }
    in_replace && /^\)/      { in_replace = 0; next }
    in_replace && $2 == "=>" && $3 ~ /^\.\.?\// { local_dir[$1] = 1; next }
    /^replace [^(]/ && $3 == "=>" && $4 ~ /^\.\.?\// { local_dir[$2] = 1; next }
    /^go [0-9]/              { go_line = $0 }
    /^godebug /              { godebug = godebug $0 "\n" }
    END {
      print "// Generated by hack/build-k8s.sh: builds " module " " version " from the module proxy."
      print "module bosun.dev/build/" name
      print ""
      print go_line
      if (godebug != "") printf "\n%s", godebug
      print ""
      print "require " module " " version
      print ""
      print "replace ("
      n = 0
      for (m in local_dir) if (m in required) { names[++n] = m }
      # Sorted, so the generated file is stable between runs.
      for (i = 2; i <= n; i++) { x = names[i]; for (j = i - 1; j >= 1 && names[j] > x; j--) names[j + 1] = names[j]; names[j + 1] = x }
      for (i = 1; i <= n; i++) printf "\t%s => %s %s\n", names[i], names[i], twin
      print ")"
    }' "$gomod" >"$dir/go.mod" || return 1
  # Resolve the whole build list now, so a module the proxy refuses is
  # reported here rather than in the middle of a compile.
  (cd "$dir" && GOFLAGS=-mod=mod go list -deps "$@" >/dev/null)
}

# build <component> <module dir> <ldflags> <package>
build() {
  local component="$1" dir="$2" ldflags="$3" pkg="$4" start=$SECONDS
  run_step "$component" "$component" \
    env -C "$dir" GOFLAGS=-mod=mod go build "${BUILD_FLAGS[@]}" -ldflags "-s -w $ldflags" \
      -o "$BIN_DIR/$component.tmp" "$pkg"
  mv -f "$BIN_DIR/$component.tmp" "$BIN_DIR/$component"
  say "  $component built in $((SECONDS - start))s"
}

# tag_date <module@version>: the tag's commit time from the proxy, so the
# stamped build date is the release's, and identical on every machine.
tag_date() {
  local info
  info="$(module_file "$1" Info)" && sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info"
}

total_start=$SECONDS

# --- etcd -------------------------------------------------------------------
# The server module's root package is etcd's main; its version is compiled in.
etcd_mod="$SRC_DIR/etcd"
say "  etcd $ETCD_VERSION: resolving modules"
run_step etcd etcd-modules \
  write_wrapper_module "$etcd_mod" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$ETCD_VERSION" go.etcd.io/etcd/server/v3
build etcd "$etcd_mod" "" go.etcd.io/etcd/server/v3

# --- Kubernetes ---------------------------------------------------------------
k8s_mod="$SRC_DIR/kubernetes"
k8s_minor_patch="${K8S_VERSION#v1.}"            # 36.3
staging_twin="v0.$k8s_minor_patch"              # v0.36.3
k8s_packages=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
              k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
say "  kubernetes $K8S_VERSION: resolving modules (staging modules at $staging_twin)"
run_step kubernetes kubernetes-modules \
  write_wrapper_module "$k8s_mod" k8s.io/kubernetes "$K8S_VERSION" "$staging_twin" "${k8s_packages[@]}"

k8s_date="$(tag_date "k8s.io/kubernetes@$K8S_VERSION")"
k8s_ldflags=""
# The same variables Kubernetes' own hack/lib/version.sh sets. The module
# proxy does not know the commit: gitCommit is set empty rather than left as
# the "$Format:%H$" placeholder of a source archive.
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION"
  k8s_ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=${k8s_minor_patch%%.*}"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$k8s_date -X $pkg.gitCommit="
done
for pkg in "${k8s_packages[@]}"; do
  build "${pkg##*/}" "$k8s_mod" "$k8s_ldflags" "$pkg"
done

# --- kwok -------------------------------------------------------------------
# kwok's go.mod has no local replacements, so a plain module works; a wrapper
# keeps the build list pinned in the cache like the others.
kwok_mod="$SRC_DIR/kwok"
say "  kwok $KWOK_VERSION: resolving modules"
run_step kwok kwok-modules \
  write_wrapper_module "$kwok_mod" sigs.k8s.io/kwok "$KWOK_VERSION" "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
# kwokctl's default Kubernetes version is the one we built.
kwok_ldflags="-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}"
build kwok "$kwok_mod" "$kwok_ldflags" sigs.k8s.io/kwok/cmd/kwok
build kwokctl "$kwok_mod" "$kwok_ldflags" sigs.k8s.io/kwok/cmd/kwokctl

echo "$STAMP" >"$CACHE_DIR/VERSIONS"
say "built ${#COMPONENTS[@]} components in $((SECONDS - total_start))s"
finish
