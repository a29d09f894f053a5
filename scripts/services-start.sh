#!/usr/bin/env bash
# Starts the integration-test services (Docker engine, registries) for humans; they keep running after this script
# exits. Stop them with scripts/services-stop.sh. Prints the variables to export in your shell.
set -euo pipefail
# shellcheck source=services.sh
source "$(dirname "$0")/services.sh"
services_start
cat <<VARS
export CMDIMAGE_TEST_DOCKER_HOST=$CMDIMAGE_TEST_DOCKER_HOST
export CMDIMAGE_TEST_REGISTRY=$CMDIMAGE_TEST_REGISTRY
export CMDIMAGE_TEST_AUTH_REGISTRY=$CMDIMAGE_TEST_AUTH_REGISTRY
export CMDIMAGE_TEST_AUTH_USER=$CMDIMAGE_TEST_AUTH_USER
export CMDIMAGE_TEST_AUTH_PASSWORD=$CMDIMAGE_TEST_AUTH_PASSWORD
VARS
