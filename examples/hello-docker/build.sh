#!/bin/sh
# Builds the image the way you would by hand; cmdimage only asks that it be tagged $EXPECTED_REF.
set -eu
docker build --tag "$EXPECTED_REF" .
