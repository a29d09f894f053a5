#!/bin/sh
# Builds graph-app FROM the image cmdimage built for graph-base, which it passes in TILT_IMAGE_0.
set -eu
echo "building $EXPECTED_REF on top of $TILT_IMAGE_MAP_0 = $TILT_IMAGE_0"
if [ -n "${EXPECTED_OCI_LAYOUT:-}" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  skopeo copy --quiet "oci:$EXPECTED_OCI_LAYOUT:$TILT_IMAGE_0" "oci:$work/oci:build"
  umoci insert --image "$work/oci:build" app.txt /app.txt
  skopeo copy --quiet "oci:$work/oci:build" "oci:$EXPECTED_OCI_LAYOUT:$EXPECTED_REF"
else
  docker build --build-arg "BASE=$TILT_IMAGE_0" --tag "$EXPECTED_REF" .
fi
