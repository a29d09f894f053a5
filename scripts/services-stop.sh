#!/usr/bin/env bash
# Stops the integration-test services that scripts/services-start.sh (or any services_start) recorded as started
# in $CMDIMAGE_TEST_STATE_DIR/started.list, and removes their temporary directories.
set -euo pipefail
# shellcheck source=services.sh
source "$(dirname "$0")/services.sh"
services_stop --recorded
