#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: unit, property, golden and integration tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source hack/java-home.sh
# The integration tests run on real Kubernetes components, built from their Go modules (about 20
# minutes the first time on 2 cores, then cached under ~/.cache/bosun/k8s).
hack/build-k8s.sh
# KEDA's operator and adapter, for the autoscaling tests (KedaIT), from its Go module the same way
# (cached under ~/.cache/bosun/keda).
hack/build-keda.sh
# Helm (the chart's tests), crane (the local registry and the image tests' client), promtool (the
# alert rules) and metrics-server (HPA on cpu), the same way (cached under ~/.cache/bosun/tools).
# The image tests also fetch four Debian packages once (apt-get download) and need root, as the
# cluster tests do (mount and chroot into the image's root file system).
hack/build-tools.sh
# The MCP server's protocol conformance suite and the Node.js 22 it runs on, from the npm registry
# (cached under ~/.cache/bosun/tools/mcp-conformance).
hack/install-mcp-conformance.sh
./mvnw -B -ntp verify
