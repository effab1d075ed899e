# Sourced by the hack/build-*.sh scripts, which build the local cluster's Go
# components from their modules: logging, one logged step, one binary.
#
# The sourcing script sets TOOL (the prefix of its messages) before sourcing,
# then calls parse_arguments, cache_layout and begin_build, having defined
# cache_complete and finish.

# Progress goes to stderr so that --print-dir keeps stdout clean.
say() { echo "$TOOL: $*" >&2; }
die() { echo "$TOOL: error: $*" >&2; exit 1; }

# run_step <component> <log name> <command...>: runs one step, logging to a file
# and naming the component and the log if it fails.
run_step() {
  local component="$1" log="$LOG_DIR/$2.log"; shift 2
  local start=$SECONDS
  echo "+ $*" >"$log"
  if ! "$@" >>"$log" 2>&1; then
    echo "$TOOL: error: $component failed after $((SECONDS - start))s; last lines of $log:" >&2
    tail -n 15 "$log" | sed 's/^/    /' >&2
    die "$component: see the full log at $log"
  fi
}

# module_file <module@version> <field>: one field of `go mod download -json`.
module_file() {
  local json
  json="$(go mod download -json "$1")" || { echo "$json" >&2; return 1; }
  sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\{0,1\}$/\1/p" <<<"$json"
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


# parse_arguments <last line of the script's help comment> "$@": the options
# every build script takes, into print_dir and force.
parse_arguments() {
  local help_end="$1" arg
  shift
  print_dir=false
  force=false
  for arg in "$@"; do
    case "$arg" in
      --print-dir) print_dir=true ;;
      --force) force=true ;;
      -h|--help) sed -n "2,${help_end}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) echo "$TOOL: unknown argument: $arg" >&2; exit 2 ;;
    esac
  done
}

# cache_layout <cache dir>: CACHE_DIR and its bin, logs and src (the wrapper modules).
cache_layout() {
  CACHE_DIR="$1"
  BIN_DIR="$CACHE_DIR/bin"
  LOG_DIR="$CACHE_DIR/logs"
  SRC_DIR="$CACHE_DIR/src"
}

# hold_build_lock: one build of a cache at a time. hack/test.sh builds the tools in the background
# while the tests run; a test that needs one first runs this script too, waits here for that
# build, and then finds the cache complete. The lock is released when the (sub)shell exits.
hold_build_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$CACHE_DIR"
  exec {build_lock}>"$CACHE_DIR/.lock"
  if ! flock -n "$build_lock"; then
    say "waiting for another build of $STAMP in $CACHE_DIR"
    flock "$build_lock"
  fi
}

# begin_build <stamp file> <what, for the message when Go is missing>: ends the
# script when the cache is complete (unless --force); else makes sure Go is
# there, prepares the cache and removes the stamp, which is written last.
begin_build() {
  local stamp_file="$1" what="$2"
  hold_build_lock
  if ! $force && cache_complete; then
    say "cached: $STAMP in $CACHE_DIR"
    finish
    exit 0
  fi
  command -v go >/dev/null 2>&1 || die "Go toolchain not found on PATH. It is needed to build $what (Go >= 1.26, https://go.dev/dl/)."
  mkdir -p "$BIN_DIR" "$LOG_DIR" "$SRC_DIR"
  rm -f "$stamp_file"
  say "building $STAMP with $(go env GOVERSION) into $CACHE_DIR (logs in $LOG_DIR)"
  export CGO_ENABLED=0
  # Two cores are common on CI runners: let go compile packages in parallel, one
  # build at a time, so the build cache is shared between the components.
  # No DWARF from the compiler: the linker drops it anyway (-ldflags -w), and not making it takes
  # about 6 % off a cold build (helm: 148 → 138 s).
  BUILD_FLAGS=(-trimpath -p "${BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}" -gcflags=all=-dwarf=false)
}
