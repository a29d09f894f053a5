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

# install, not only verify: examples/testing below is a project of its own that resolves cmdimage's artifacts from
# the local repository (~/.m2, or wherever -Dmaven.repo.local points)
mvn -B -ntp install -DskipITs=false "$@"

# A consumer project outside the reactor, depending on cmdimage-testing with test scope: its tests run on the
# module path and on the class path (two surefire executions in its pom). Only a local-repository option given to
# this script is passed on (other options, such as -Dtest, are meant for cmdimage's own build).
example_opts=()
for opt in "$@"; do
  case $opt in -Dmaven.repo.local=*) example_opts+=("$opt") ;; esac
done
mvn -B -ntp -f examples/testing/pom.xml verify "${example_opts[@]+"${example_opts[@]}"}"

# The codec again under the oldest supported Jackson and SnakeYAML (README, "Embedding"): only its test classes.
mvn -B -ntp -pl cmdimage-core -am test -Pjackson-oldest -Dtest='*Codec*,*Yaml*' -Dsurefire.failIfNoSpecifiedTests=false
