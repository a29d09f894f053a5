#!/bin/sh
# Builds graph-base as $EXPECTED_REF into whichever image store cmdimage uses.
set -eu
if [ -n "${EXPECTED_OCI_LAYOUT:-}" ]; then
  # OCI image layout store: build in a scratch layout with umoci, then copy into the store named $EXPECTED_REF.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:build"
  umoci insert --image "$work/oci:build" base.txt /etc/graph-base.txt
  skopeo copy --quiet "oci:$work/oci:build" "oci:$EXPECTED_OCI_LAYOUT:$EXPECTED_REF"
else
  docker build --tag "$EXPECTED_REF" .
fi
