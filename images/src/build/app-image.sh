#!/usr/bin/env bash
# One Bosun image, as an OCI image layout: the base (base-image.sh), a layer /app/lib with the
# image's jars and a layer /app/bosun.aot, an AOT cache trained on them. It runs `bosun` with only COMMAND's classes.
#
#   app-image.sh NAME COMMAND CLASSPATH_FILE BASE_DIR OUT_DIR [TRAINING ARGUMENT...]
#
# CLASSPATH_FILE: the jars, in Maven's order (the image's class path keeps it). The AOT cache is
# trained by running `bosun COMMAND TRAINING ARGUMENT...` on the base's runtime with those jars
# (with {port} in them: until /healthz answers there); the
# JVM finds it valid in the image because the jars have the same names, order, sizes and times
# there (a moved class path is allowed). OUT_DIR/oci is the layout (crane push reads it),
# OUT_DIR/digest the manifest's digest, OUT_DIR/size the compressed size (layers, config, manifest).
set -euo pipefail
name=$1 command=$2 classpath_file=$3 base=$4 out=$5
shift 5
training=("$@")
((${#training[@]})) || training=(--help)

# The JVM options of every image's entrypoint; the training run has the same, or the JVM refuses
# the cache. Serial GC: one small heap per pod, no GC threads to size. No perf data: it would be a
# file in /tmp, which a read-only root does not have.
jvm_options=(-XX:+UseSerialGC -XX:MaxRAMPercentage=75 -XX:-UsePerfData --sun-misc-unsafe-memory-access=allow
  --enable-native-access=ALL-UNNAMED -Dbosun.commands="$command")

# A warm build: the same scripts, jars, base and training made what OUT_DIR holds.
key=$(cat "$0" "$base/inputs.sha256" <(echo "$name $command ${training[*]}") \
  $(tr ':' ' ' <"$classpath_file") | sha256sum | cut -d' ' -f1)
if [[ -f "$out/inputs.sha256" && $(cat "$out/inputs.sha256") == "$key" ]]; then
  exit 0
fi
rm -rf "$out/root" "$out/aot" "$out/oci" "$out/inputs.sha256"
mkdir -p "$out/root/app/lib" "$out/oci/blobs/sha256"
classpath=()
while IFS= read -r jar; do
  [[ -n "$jar" ]] || continue
  cp "$jar" "$out/root/app/lib/"
  classpath+=("/app/lib/$(basename "$jar")")
done < <(tr ':' '\n' <"$classpath_file")
image_classpath=$(IFS=:; echo "${classpath[*]}")
touch -d @0 "$out"/root/app/lib/*.jar

# The JDK writes a different AOT cache on every training run (its profiles and archived objects
# follow timing), so a digest could never repeat. The first cache trained on these exact jars,
# runtime, options and training is kept under ~/.cache/bosun/images/aot and reused: on one machine
# the same commit makes the same image. It is the image's last layer, so every other layer is
# equal across machines too.
aot_key=$(cat "$base/inputs.sha256" <(echo "${jvm_options[*]} $command ${training[*]}") \
  $(tr ':' ' ' <"$classpath_file") | sha256sum | cut -d' ' -f1)
aot_cache="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/images/aot/$aot_key.aot"
mkdir -p "$out/aot/app"
if [[ ! -s "$aot_cache" ]]; then
  host_classpath=${image_classpath//\/app\//$out/root/app/}
  # {port} and {state} in the training: a free port and a scratch directory, not part of the key.
  port=$((20000 + RANDOM % 20000))
  mkdir -p "$out/training-state"
  run=("${training[@]//\{port\}/$port}")
  run=("${run[@]//\{state\}/$out/training-state}")
  "$base/rootfs/opt/java/bin/java" -XX:AOTCacheOutput="$out/aot/app/bosun.aot" "${jvm_options[@]}" \
    -cp "$host_classpath" dev.bosun.cli.Bosun "$command" "${run[@]}" >"$out/aot-training.log" 2>&1 &
  trainee=$!
  # A server trains on its start: stopped (SIGTERM, on which the JVM writes the cache) once
  # /healthz answers on {port}.
  if [[ " ${training[*]} " == *"{port}"* ]]; then
    for _ in $(seq 600); do
      curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      kill -0 "$trainee" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$trainee" 2>/dev/null || true
  fi
  wait "$trainee" || true
  [[ -s "$out/aot/app/bosun.aot" ]] || { echo "app-image: no AOT cache from the training; see $out/aot-training.log" >&2; exit 1; }
  mkdir -p "$(dirname "$aot_cache")"
  mv "$out/aot/app/bosun.aot" "$aot_cache.tmp" && mv "$aot_cache.tmp" "$aot_cache"
fi
cp "$aot_cache" "$out/aot/app/bosun.aot"
touch -d @0 "$out/aot/app/bosun.aot" "$out/aot/app" "$out/root/app/lib" "$out/root/app"

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
read -r aot_diff aot_digest aot_size < <(app_layer "$out/aot")

diff_ids=() layers=()
while read -r diff digest size file; do
  cp "$base/layers/$file" "$out/oci/blobs/sha256/${digest#sha256:}"
  diff_ids+=("$diff")
  layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$size}")
done <"$base/layers.txt"
for layer in "$jars_diff $jars_digest $jars_size" "$aot_diff $aot_digest $aot_size"; do
  read -r diff digest size <<<"$layer"
  diff_ids+=("$diff")
  layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$size}")
done

entrypoint=(/opt/java/bin/java -XX:AOTCache=/app/bosun.aot "${jvm_options[@]}" -cp "$image_classpath" dev.bosun.cli.Bosun)
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
# For a rebuild elsewhere (ReproducibleImagesIT): the training, one argument a line.
printf '%s\n' "${training[@]}" >"$out/training.txt"
echo "$key" >"$out/inputs.sha256"
