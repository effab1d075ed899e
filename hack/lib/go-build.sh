# Sourced by the hack/build-*.sh scripts, which build the local cluster's Go
# components from their modules: logging, one logged step, one binary.
#
# The sourcing script sets TOOL (the prefix of its messages), LOG_DIR, BIN_DIR
# and BUILD_FLAGS before calling these.

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

# Two cores are common on CI runners: let go compile packages in parallel, one
# build at a time, so the build cache is shared between the components.
build_flags() {
  BUILD_FLAGS=(-trimpath -p "${BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}")
}
