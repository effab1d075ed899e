#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: unit, property, golden and integration tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source hack/java-home.sh
./mvnw -B -ntp verify
