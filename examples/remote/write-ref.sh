#!/bin/sh
# A real script would push and then record what it pushed, e.g. `crane digest` or `docker buildx --metadata-file`.
set -eu
mkdir -p .cmdimage
echo "would push remote-pinned and record its digest"
echo "localhost:5000/remote-pinned@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" \
  > .cmdimage/remote-pinned.ref
