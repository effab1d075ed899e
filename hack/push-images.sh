#!/usr/bin/env bash
# Pushes the images the build made (images/*/target/image/oci) to the local cluster's registry,
# which `bosun dev up` starts, and prints each as NAME@DIGEST; the same lines go to
# <dev home>/images, for the chart's values, which name images by digest. It also writes
# <dev home>/deploy/kustomization.yaml: deploy/ with its images replaced by these, by digest
# (`kubectl apply --server-side -k <dev home>/deploy`).
#   ./mvnw -B -ntp package -pl images/agent,images/operator,images/router -am && hack/push-images.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${BOSUN_DEV_HOME:-$HOME/.bosun/dev}"
crane="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/tools/crane/0.22.1/bin/crane"
[[ -x "$crane" ]] || "$root/hack/build-tools.sh" crane >&2
[[ -s "$home/registry-address" ]] || { echo "push-images: no registry in $home: run ./bosun dev up" >&2; exit 1; }
registry=$(cat "$home/registry-address")
: >"$home/images.new"
for image in agent operator router; do
  layout="$root/images/$image/target/image/oci"
  [[ -d "$layout" ]] || { echo "push-images: $layout is missing: build the images first" >&2; exit 1; }
  ref="$registry/bosun/$image:$(cat "$root/images/$image/target/image/digest" | cut -c8-19)"
  "$crane" push --insecure "$layout" "$ref" >&2
  echo "$registry/bosun/$image@$(cat "$root/images/$image/target/image/digest")" | tee -a "$home/images.new"
done
mv "$home/images.new" "$home/images"

# deploy/ names the images by tag (bosun/agent:0.1.0, ...); the overlay pins what was just pushed.
mkdir -p "$home/deploy"
{
  echo "# Written by hack/push-images.sh: deploy/ with the images pushed to $registry, by digest."
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "  - $(realpath --relative-to="$home/deploy" "$root/deploy")"
  echo "images:"
  while read -r pushed; do
    image=${pushed%@*}
    echo "  - name: bosun/${image##*/}"
    echo "    newName: $image"
    echo "    digest: ${pushed#*@}"
  done <"$home/images"
} >"$home/deploy/kustomization.yaml"
echo "push-images: kubectl apply --server-side -k $home/deploy   # deploy/ with these images" >&2
