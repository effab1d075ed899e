#!/usr/bin/env bash
# One Bosun image, as an OCI image layout: the base (base-image.sh), a layer /app/lib with the
# image's jars and a layer /app/bosun.jsa, a class archive (CDS) of the classes COMMAND loads. It
# runs `bosun` with only COMMAND's classes.
#
#   app-image.sh NAME COMMAND CLASSPATH_FILE BASE_DIR OUT_DIR CLASS_LIST [TRAINING ARGUMENT...]
#
# CLASSPATH_FILE: the jars, in Maven's order (the image's class path keeps it). CLASS_LIST: the
# classes to archive (images/<image>/classes.lst, written by class-list.sh from TRAINING, which is
# only recorded here, in OUT_DIR/training.txt, for images/update-class-lists.sh). OUT_DIR/oci is
# the layout (crane push reads it), OUT_DIR/digest the manifest's digest, OUT_DIR/size the
# compressed size (layers, config, manifest).
set -euo pipefail
name=$1 command=$2 classpath_file=$3 base=$4 out=$5 class_list=$6
shift 6
training=("$@")
((${#training[@]})) || training=(--help)

# shellcheck source=jvm-options.sh
source "$(dirname "$0")/jvm-options.sh"

# A warm build: the same scripts, jars, base, class list and training made what OUT_DIR holds.
key=$(cat "$0" "$(dirname "$0")/jvm-options.sh" "$base/inputs.sha256" "$class_list" <(echo "$name $command ${training[*]}") \
  $(tr ':' ' ' <"$classpath_file") | sha256sum | cut -d' ' -f1)
if [[ -f "$out/inputs.sha256" && $(cat "$out/inputs.sha256") == "$key" ]]; then
  exit 0
fi
rm -rf "$out/root" "$out/archive" "$out/oci" "$out/inputs.sha256"
mkdir -p "$out/root/app/lib" "$out/oci/blobs/sha256"
classpath=()
while IFS= read -r jar || [[ -n "$jar" ]]; do  # the file has no final newline
  [[ -n "$jar" ]] || continue
  cp "$jar" "$out/root/app/lib/"
  classpath+=("/app/lib/$(basename "$jar")")
done < <(tr ':' '\n' <"$classpath_file")
image_classpath=$(IFS=:; echo "${classpath[*]}")
touch -d @0 "$out"/root/app/lib/*.jar

# The class archive. A static dump from a fixed class list is deterministic (the JDK's own default
# archive is made this way), given the same runtime, options, heap size and class path as written:
# the archive records the class path, so the dump reads the jars through a symlink at the same
# path on every machine (one build at a time holds it), and the image's /app/lib is a moved class
# path, which the JVM accepts because the jars keep their names, order, sizes and times (0). An AOT
# cache (-XX:AOTCacheOutput) was tried first: its bytes differ on every run, even from the same
# training, so no digest could repeat.
mkdir -p "$out/archive/app"
stable=/tmp/bosun-image-class-path
exec {dump_lock}>"$stable.lock"
flock "$dump_lock"
ln -sfn "$out/root/app" "$stable"
dump_classpath=${image_classpath//\/app\//$stable/}
if ! "$base/rootfs/opt/java/bin/java" -Xshare:dump -Xms128m -Xmx128m "${jvm_options[@]}" \
  -XX:SharedClassListFile="$class_list" -XX:SharedArchiveFile="$out/archive/app/bosun.jsa" \
  -cp "$dump_classpath" >"$out/class-archive.log" 2>&1; then
  echo "app-image: the class archive dump failed; see $out/class-archive.log" >&2
  exit 1
fi
rm -f "$stable"
flock -u "$dump_lock"
touch -d @0 "$out/archive/app/bosun.jsa" "$out/archive/app" "$out/root/app/lib" "$out/root/app"

blob() { # FILE: moves FILE into the layout as a blob; prints its digest and size
  local digest size
  digest=$(sha256sum <"$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$out/oci/blobs/sha256/$digest"
  echo "sha256:$digest $size"
}
json_strings() { # ARG...: a JSON array of strings (none of Bosun's has a quote or a backslash)
  local sep= a
  printf '['
  for a in "$@"; do printf '%s"%s"' "$sep" "$a"; sep=,; done
  printf ']'
}

app_layer() { # DIR: a layer of DIR/app; prints its diff id, digest and size
  tar -C "$1" --sort=name --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$out/layer.tar" app
  local diff="sha256:$(sha256sum <"$out/layer.tar" | cut -d' ' -f1)"
  gzip -n -6 <"$out/layer.tar" >"$out/layer.tar.gz"
  rm "$out/layer.tar"
  echo "$diff $(blob "$out/layer.tar.gz")"
}
read -r jars_diff jars_digest jars_size < <(app_layer "$out/root")
read -r archive_diff archive_digest archive_size < <(app_layer "$out/archive")

diff_ids=() layers=()
while read -r diff digest size file; do
  cp "$base/layers/$file" "$out/oci/blobs/sha256/${digest#sha256:}"
  diff_ids+=("$diff")
  layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$size}")
done <"$base/layers.txt"
for layer in "$jars_diff $jars_digest $jars_size" "$archive_diff $archive_digest $archive_size"; do
  read -r diff digest size <<<"$layer"
  diff_ids+=("$diff")
  layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$size}")
done

entrypoint=(/opt/java/bin/java -XX:SharedArchiveFile=/app/bosun.jsa "${jvm_options[@]}" -cp "$image_classpath" dev.bosun.cli.Bosun)
printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"65532:65532","Env":%s,"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/home/nonroot","Labels":{"org.opencontainers.image.title":"%s"}},"rootfs":{"type":"layers","diff_ids":%s}}' \
  "$(json_strings PATH=/opt/java/bin JAVA_HOME=/opt/java SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt)" \
  "$(json_strings "${entrypoint[@]}")" "$(json_strings "$command")" "$name" "$(json_strings "${diff_ids[@]}")" >"$out/config.json"
read -r config_digest config_size < <(blob "$out/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
  "$config_digest" "$config_size" "$(IFS=,; echo "${layers[*]}")" >"$out/manifest.json"
read -r manifest_digest manifest_size < <(blob "$out/manifest.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}\n' \
  "$manifest_digest" "$manifest_size" "$name" >"$out/oci/index.json"
printf '{"imageLayoutVersion":"1.0.0"}\n' >"$out/oci/oci-layout"
echo "$manifest_digest" >"$out/digest"
total=$config_size
for l in "${layers[@]}"; do total=$((total + $(sed 's/.*"size":\([0-9]*\)}/\1/' <<<"$l"))); done
echo $((total + manifest_size)) >"$out/size"
echo "$name $manifest_digest $((total + manifest_size)) bytes" >&2
cp "$base/debian-packages.cdx.json" "$out/"
# For a rebuild elsewhere (ReproducibleImagesIT) and for images/update-class-lists.sh: the
# training, one argument a line.
printf '%s\n' "${training[@]}" >"$out/training.txt"
echo "$key" >"$out/inputs.sha256"
