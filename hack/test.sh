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
# helm, crane, promtool and metrics-server (for the HPA-on-cpu test in WorkloadScalingIT), from their
# Go modules the same way (cached under ~/.cache/bosun/tools).
hack/build-tools.sh
./mvnw -B -ntp verify
