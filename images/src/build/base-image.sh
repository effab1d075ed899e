#!/usr/bin/env bash
# Bosun's base image: a jlink runtime of the build's JDK with only the modules Bosun's classpath
# uses, on a root filesystem extracted from four Debian packages (libc6 and libgcc-s1, which it
# depends on; ca-certificates; tzdata). No shell, no package manager, user nonroot (65532).
#
#   base-image.sh MODULES_FILE OUT_DIR
#
# MODULES_FILE: the JDK modules, one a line (JavaModulesIT checks it against what jdeps finds in
# the images' classpaths; jdeps takes a minute, too long for every build). OUT_DIR gets:
#   rootfs/              the image's file system, for training AOT caches and for tests
#   layers.txt           per layer: diff id, digest, size, file (layers/os.tar.gz, layers/java.tar.gz)
#   java-modules.txt     the modules in the runtime, one a line
#   debian-packages.cdx.json   the Debian packages as a CycloneDX component list
# Every file in the layers has the time 0, owner root and a sorted place, so the layers, the config
# and hence the digest depend on the inputs only. The .debs are cached under
# ${XDG_CACHE_HOME:-~/.cache}/bosun/images/debs: once fetched, the build needs no network.
set -euo pipefail
modules_file=$1
out=$2
: "${JAVA_HOME:?JAVA_HOME must name the JDK whose runtime the image carries}"
packages=(libc6 libgcc-s1 ca-certificates tzdata)

debs="${XDG_CACHE_HOME:-$HOME/.cache}/bosun/images/debs"
mkdir -p "$debs"
for p in "${packages[@]}"; do
  if ! compgen -G "$debs/${p}_*.deb" >/dev/null; then
    (cd "$debs" && apt-get download -q "$p" >&2)
  fi
done

# A warm build: the same script, module list, packages and JDK made what OUT_DIR holds.
key=$(cat "$0" "$modules_file" "$JAVA_HOME/release" <(ls "$debs") | sha256sum | cut -d' ' -f1)
if [[ -f "$out/inputs.sha256" && $(cat "$out/inputs.sha256") == "$key" ]]; then
  exit 0
fi
rm -rf "$out/rootfs" "$out/layers" "$out/runtime" "$out/inputs.sha256"
mkdir -p "$out/rootfs" "$out/layers"
root="$out/rootfs"

# --- the OS layer
for p in "${packages[@]}"; do
  dpkg-deb -x "$(ls "$debs/${p}"_*.deb | sort | tail -1)" "$root"
done
# What a running JVM never reads: documentation (licences kept), locales, iconv modules, and
# ca-certificates' and tzdata's shell helpers.
find "$root/usr/share/doc" -type f ! -name copyright -delete
rm -rf "$root/usr/share/man" "$root/usr/share/lintian" "$root/usr/share/locale" "$root/usr/share/info" \
  "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/usr/sbin" "$root/usr/bin" "$root/sbin" "$root/bin" \
  "$root/usr/share/debconf" "$root/etc/ca-certificates" "$root/usr/share/ca-certificates/mozilla/../../../bin" 2>/dev/null || true
find "$root" -depth -type d -empty -delete
# update-ca-certificates would write this bundle at install; sorted, so that it is stable.
mkdir -p "$root/etc/ssl/certs"
find "$root/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat >"$root/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
# proc, dev and sys: where a container runtime mounts them (and glibc finds $ORIGIN in /proc).
mkdir -p "$root/home/nonroot" "$root/tmp" "$root/var/lib/dpkg/status.d" "$root/proc" "$root/dev" "$root/sys"
chmod 1777 "$root/tmp"
# Scanners (syft, trivy) read the packages of a distroless-style image from status.d.
for p in "${packages[@]}"; do
  dpkg-deb -f "$(ls "$debs/${p}"_*.deb | sort | tail -1)" >"$root/var/lib/dpkg/status.d/$p"
done

# --- the Java layer
modules=$(grep -v '^#' "$modules_file" | grep -v '^$' | LC_ALL=C sort -u | paste -sd,)
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$out/runtime" --strip-debug --no-header-files \
  --no-man-pages --compress=zip-0
mkdir -p "$root/opt"
mv "$out/runtime" "$root/opt/java"
tr ',' '\n' <<<"$modules" >"$out/java-modules.txt"

# --- the layers, gzipped without a name or time, and their list for app-image.sh
layer() { # NAME ENTRY...: the given top-level entries of rootfs, in a fixed order and time
  local name=$1
  shift
  tar -C "$root" --sort=name --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner \
    -cf "$out/layers/$name.tar" "$@"
  gzip -n -6 <"$out/layers/$name.tar" >"$out/layers/$name.tar.gz"
  printf 'sha256:%s sha256:%s %s %s\n' "$(sha256sum <"$out/layers/$name.tar" | cut -d' ' -f1)" \
    "$(sha256sum <"$out/layers/$name.tar.gz" | cut -d' ' -f1)" "$(stat -c %s "$out/layers/$name.tar.gz")" \
    "$name.tar.gz"
  rm "$out/layers/$name.tar"
}
mapfile -t os_entries < <(cd "$root" && ls -A | grep -v '^opt$' | LC_ALL=C sort)
{
  layer os "${os_entries[@]}"
  layer java opt
} >"$out/layers.txt"

# --- the Debian packages, for the SBOM
{
  printf '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":['
  sep=
  for p in "${packages[@]}"; do
    deb=$(ls "$debs/${p}"_*.deb | sort | tail -1)
    v=$(dpkg-deb -f "$deb" Version)
    a=$(dpkg-deb -f "$deb" Architecture)
    printf '%s{"type":"operating-system-package","name":"%s","version":"%s","purl":"pkg:deb/debian/%s@%s?arch=%s&distro=debian-12"}' \
      "$sep" "$p" "$v" "$p" "${v//+/%2B}" "$a"
    sep=,
  done
  printf ']}\n'
} >"$out/debian-packages.cdx.json"
echo "$key" >"$out/inputs.sha256"
