#!/bin/sh
# Writes a one-layer image (hello.txt at /hello.txt) into the OCI image layout $EXPECTED_OCI_LAYOUT and names it
# $EXPECTED_REF in the layout's index.json, using only sh, tar, gzip, sha256sum, wc, sed and printf.
# The output is reproducible: fixed file times and owners, gzip without a timestamp, "created" is the epoch.
set -eu

die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

[ -n "${EXPECTED_REF:-}" ] || die "EXPECTED_REF is not set: cmdimage sets it to the ref this build must produce"

# With the Docker engine as image store (--image-store docker, or auto when an engine answers) cmdimage gives
# DOCKER_HOST instead of EXPECTED_OCI_LAYOUT: build the same one-file image there.
if [ -z "${EXPECTED_OCI_LAYOUT:-}" ] && [ -n "${DOCKER_HOST:-}" ]; then
  cd "$(dirname "$0")"
  printf 'FROM scratch\nCOPY hello.txt /hello.txt\n' | docker build --tag "$EXPECTED_REF" --file - .
  exit 0
fi
[ -n "${EXPECTED_OCI_LAYOUT:-}" ] || die "neither EXPECTED_OCI_LAYOUT nor DOCKER_HOST is set: build this with cmdimage, which sets one of them for its image store"
case "$EXPECTED_REF" in
  *[!A-Za-z0-9._:/@-]*) die "EXPECTED_REF \"$EXPECTED_REF\" has characters this script will not put into JSON" ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
layout=$EXPECTED_OCI_LAYOUT
blobs=$layout/blobs/sha256
mkdir -p "$blobs"
[ -f "$layout/oci-layout" ] || printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the architecture cmdimage asks for (the cluster's), else this machine's, in Go's names
arch=${EXPECTED_ARCH:-}
if [ -z "$arch" ]; then
  case $(uname -m) in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    armv7l | armv6l) arch=arm ;;
    *) arch=$(uname -m) ;;
  esac
fi

# sha256:<hex> of a file; its size in bytes
digest() { printf 'sha256:%s' "$(sha256sum "$1" | cut -d' ' -f1)"; }
size() { wc -c < "$1" | tr -d ' '; }
# stores a file as a blob (write to a temporary name, then rename: readers never see half a blob)
store() {
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  if [ ! -f "$blobs/$hex" ]; then
    cp "$1" "$blobs/.$hex.tmp.$$"
    mv -f "$blobs/.$hex.tmp.$$" "$blobs/$hex"
  fi
}

# 1. the layer: a tar of the root file system, gzipped
mkdir "$work/rootfs"
cp "$here/hello.txt" "$work/rootfs/hello.txt"
chmod 0644 "$work/rootfs/hello.txt"
touch -d @0 "$work/rootfs/hello.txt" 2>/dev/null || touch -t 197001010000 "$work/rootfs/hello.txt"
if tar --version 2>/dev/null | grep -q 'GNU tar'; then
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=ustar \
    -C "$work/rootfs" -cf "$work/layer.tar" hello.txt
else
  tar -C "$work/rootfs" -cf "$work/layer.tar" hello.txt
fi
diff_id=$(digest "$work/layer.tar")
gzip -n -9 -c "$work/layer.tar" > "$work/layer.tar.gz"
layer_digest=$(digest "$work/layer.tar.gz")
layer_size=$(size "$work/layer.tar.gz")

# 2. the image config
printf '{"created":"1970-01-01T00:00:00Z","architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"examples/maven/src/main/cmdimage/build.sh"}]}' \
  "$arch" "$diff_id" > "$work/config.json"
config_digest=$(digest "$work/config.json")
config_size=$(size "$work/config.json")

# 3. the manifest
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest.json"
manifest_digest=$(digest "$work/manifest.json")
manifest_size=$(size "$work/manifest.json")

# blobs first, so the index never names a blob that is not there yet
store "$work/layer.tar.gz"
store "$work/config.json"
store "$work/manifest.json"

# 4. name it in index.json. JSON strings cannot hold raw newlines, so the index is flattened to one line and
# the new entry is inserted at the front of its one "manifests" array; anything else is refused, not guessed at.
entry=$(printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"},"platform":{"architecture":"%s","os":"linux"}}' \
  "$manifest_digest" "$manifest_size" "$EXPECTED_REF" "$arch")
if [ -s "$layout/index.json" ]; then
  index=$(tr -d '\r\n' < "$layout/index.json")
else
  index='{"schemaVersion":2,"manifests":[]}'
fi
open='"manifests"[[:space:]]*:[[:space:]]*\['
count=$(printf '%s' "$index" | grep -o "$open" | wc -l | tr -d ' ')
case $count in
  1) ;;
  0) printf '%s' "$index" | grep -q '"manifests"' && die "$layout/index.json: \"manifests\" is not an array"
     index=$(printf '%s' "$index" | sed 's/}[[:space:]]*$/,"manifests":[]}/')
     ;;
  *) die "$layout/index.json has $count \"manifests\" arrays; not merging into it" ;;
esac
if printf '%s' "$index" | grep -q "$open"'[[:space:]]*\]'; then sep=''; else sep=','; fi
printf '%s' "$index" | sed "s#$open#&$entry$sep#" > "$layout/.index.json.$$.tmp"
mv -f "$layout/.index.json.$$.tmp" "$layout/index.json"

printf 'wrote %s (manifest %s, image ID %s) into %s\n' "$EXPECTED_REF" "$manifest_digest" "$config_digest" "$layout"
