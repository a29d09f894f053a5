#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests (*IT) against a real Docker engine and real registries,
# which scripts/services.sh installs (when missing, on Debian) and starts, and stops again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f scripts/services.sh ]; then
  # shellcheck source=services.sh
  source scripts/services.sh
  services_start
  trap services_stop EXIT
fi

mvn -B -ntp verify -DskipITs=false "$@"

# The codec again under the oldest supported Jackson and SnakeYAML (README, "Embedding"): only its test classes.
mvn -B -ntp -pl cmdimage-core -am test -Pjackson-oldest -Dtest='*Codec*,*Yaml*' -Dsurefire.failIfNoSpecifiedTests=false
