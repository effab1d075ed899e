#!/usr/bin/env bash
# Regenerates images/<image>/classes.lst for the agent, operator and router images from their last
# build (images/<image>/target: the class path and the training), then rebuilds nothing: the next
# `./mvnw package -pl images/agent,images/operator,images/router -am` dumps the archives from them.
#   ./mvnw -B -ntp package -pl images/agent,images/operator,images/router -am -DskipTests && images/update-class-lists.sh
set -euo pipefail
images="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for image in agent operator router; do
  target="$images/$image/target"
  [[ -f "$target/classpath.txt" && -f "$target/image/training.txt" ]] ||
    { echo "update-class-lists: $target has no build; build the images first" >&2; exit 1; }
  mapfile -t training <"$target/image/training.txt"
  "$images/src/build/class-list.sh" "$image" "$target/classpath.txt" "$images/base/target" \
    "$images/$image/classes.lst" "${training[@]}"
done
