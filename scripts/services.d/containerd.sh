# shellcheck shell=bash
# Test service: a private containerd for the cluster-load integration tests (sourced by scripts/services.sh).
#
#   CMDIMAGE_TEST_CONTAINERD_ADDRESS  [/run/cmdimage-test/containerd/containerd.sock]  its gRPC socket
#
# Its own root, state, socket and config under a temporary directory and CMDIMAGE_TEST_STATE_DIR; the CRI plugin
# is disabled (no network, no kubelet here), and so is the system's /etc/containerd/config.toml (never read). It is
# separate from the containerd that the test dockerd runs for itself. Debian's containerd package (installed with
# docker.io) provides containerd and ctr.

: "${CMDIMAGE_TEST_CONTAINERD_ADDRESS:=$CMDIMAGE_TEST_STATE_DIR/containerd/containerd.sock}"
export CMDIMAGE_TEST_CONTAINERD_ADDRESS
: "${CMDIMAGE_SERVICES_CONTAINERD_WAIT:=30}"

# 0 when the containerd at CMDIMAGE_TEST_CONTAINERD_ADDRESS answers.
_svc_containerd_up() {
  [ -S "$CMDIMAGE_TEST_CONTAINERD_ADDRESS" ] || return 1
  timeout 5 ctr --address "$CMDIMAGE_TEST_CONTAINERD_ADDRESS" version >/dev/null 2>&1
}

svc_start_containerd() {
  if _svc_containerd_up; then
    _svc_log "containerd already answering at $CMDIMAGE_TEST_CONTAINERD_ADDRESS"; return 0
  fi
  if ! command -v containerd >/dev/null 2>&1 || ! command -v ctr >/dev/null 2>&1; then
    _svc_log "containerd and ctr are missing (Debian: apt-get install containerd, which docker.io brings)"; return 1
  fi
  local state="$CMDIMAGE_TEST_STATE_DIR/containerd" data pid
  mkdir -p "$state" "$(dirname "$CMDIMAGE_TEST_CONTAINERD_ADDRESS")"
  rm -f "$CMDIMAGE_TEST_CONTAINERD_ADDRESS"
  data=$(mktemp -d "${TMPDIR:-/tmp}/cmdimage-test-containerd.XXXXXX")
  cat >"$data/config.toml" <<CONF
version = 2
root = "$data/root"
state = "$state/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CMDIMAGE_TEST_CONTAINERD_ADDRESS"

[ttrpc]
  address = "$CMDIMAGE_TEST_CONTAINERD_ADDRESS.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""
CONF
  _svc_log "starting containerd at $CMDIMAGE_TEST_CONTAINERD_ADDRESS (root $data/root)"
  pid=$(_svc_spawn "$state/service.pid" "$state/containerd.log" containerd --config "$data/config.toml") || return 1
  _svc_record containerd "$pid" "$data"
  local waited=0
  until _svc_containerd_up; do
    if ! kill -0 "$pid" 2>/dev/null; then
      _svc_log "containerd exited while starting (see $state/containerd.log)"; _svc_tail "$state/containerd.log"; return 1
    fi
    if [ $waited -ge $((2 * CMDIMAGE_SERVICES_CONTAINERD_WAIT)) ]; then
      _svc_log "containerd did not answer at $CMDIMAGE_TEST_CONTAINERD_ADDRESS within ${CMDIMAGE_SERVICES_CONTAINERD_WAIT}s"
      _svc_tail "$state/containerd.log"; return 1
    fi
    sleep 0.5; waited=$((waited + 1))
  done
  _svc_log "containerd up at $CMDIMAGE_TEST_CONTAINERD_ADDRESS (pid $pid)"
}

# After the recorded containerd is gone: its socket and state (mounts of its snapshotter under its root first).
svc_stop_containerd() {
  local dir=$2 m
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    for m in $(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts 2>/dev/null | sort -r); do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || _svc_log "could not unmount $m"
    done
  fi
  rm -f "$CMDIMAGE_TEST_CONTAINERD_ADDRESS" "$CMDIMAGE_TEST_CONTAINERD_ADDRESS.ttrpc"
  rm -rf "$CMDIMAGE_TEST_STATE_DIR/containerd/state"
}
