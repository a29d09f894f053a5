# shellcheck shell=bash
# Test services for cmdimage's integration tests: a real Docker engine and two real registries, all on loopback.
#
#   source scripts/services.sh
#   services_start     # installs what is missing (Debian, root), starts what is not already answering
#   ...                # run the integration tests; the CMDIMAGE_TEST_* variables are exported
#   services_stop      # stops only what services_start in THIS shell started, removes its temporary directories
#
# What services_start provides (each address can be overridden by setting the variable before calling it):
#   CMDIMAGE_TEST_DOCKER_HOST    [unix:///run/cmdimage-test/docker.sock]  a private dockerd: no bridge, no iptables,
#                                its own data-root, exec-root, pidfile, (empty) config file and containerd
#                                namespace; the system's /var/run/docker.sock and /etc/docker/daemon.json are never
#                                used or touched.
#   CMDIMAGE_TEST_REGISTRY       [127.0.0.1:5000]  docker-registry, plain HTTP, anonymous, deletes enabled
#   CMDIMAGE_TEST_AUTH_REGISTRY  [127.0.0.1:5001]  docker-registry, plain HTTP, htpasswd (bcrypt) Basic auth
#   CMDIMAGE_TEST_AUTH_USER      [cmdimage]
#   CMDIMAGE_TEST_AUTH_PASSWORD  [cmdimage-test-password]
#
# Bookkeeping lives in CMDIMAGE_TEST_STATE_DIR [/run/cmdimage-test]: logs, pid files, the dockerd exec-root and
# "started.list" (one "<name> <pid> <tempdir>" line per service a services_start started). services_stop stops the
# services this shell's services_start started (CMDIMAGE_SERVICES_STARTED); `services_stop --recorded` stops every
# service recorded in started.list (what scripts/services-stop.sh does, for services started by
# scripts/services-start.sh in another shell). A service that was already answering is never stopped.
#
# Everything binds to loopback only. Nothing is pulled from the internet. Tested with Debian 12's docker.io
# 20.10.24 (API 1.41) and docker-registry 2.8.2 (github.com/docker/distribution); dockerd needs root.

: "${CMDIMAGE_TEST_DOCKER_HOST:=unix:///run/cmdimage-test/docker.sock}"
: "${CMDIMAGE_TEST_REGISTRY:=127.0.0.1:5000}"
: "${CMDIMAGE_TEST_AUTH_REGISTRY:=127.0.0.1:5001}"
: "${CMDIMAGE_TEST_AUTH_USER:=cmdimage}"
: "${CMDIMAGE_TEST_AUTH_PASSWORD:=cmdimage-test-password}"
: "${CMDIMAGE_TEST_STATE_DIR:=/run/cmdimage-test}"
export CMDIMAGE_TEST_DOCKER_HOST CMDIMAGE_TEST_REGISTRY CMDIMAGE_TEST_AUTH_REGISTRY \
  CMDIMAGE_TEST_AUTH_USER CMDIMAGE_TEST_AUTH_PASSWORD CMDIMAGE_TEST_STATE_DIR

# Bounded waits, in seconds.
: "${CMDIMAGE_SERVICES_DOCKER_WAIT:=90}"
: "${CMDIMAGE_SERVICES_REGISTRY_WAIT:=30}"

_svc_log() { echo "services: $*" >&2; }

_svc_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    _svc_log "need root to run: $*"; return 1; fi
}

# Installs the Debian packages providing any missing tool. apt-get update runs at most once per shell.
# Package postinst scripts are prevented from starting the system's own dockerd/registry (policy-rc.d),
# so that a freshly installed docker-registry does not grab port 5000.
_svc_install_missing() {
  local missing=() pkg
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  command -v buildah >/dev/null 2>&1 || missing+=(buildah)
  command -v umoci >/dev/null 2>&1 || missing+=(umoci)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  [ ${#missing[@]} -eq 0 ] && return 0
  # de-duplicate
  local uniq=()
  for pkg in "${missing[@]}"; do [[ " ${uniq[*]} " == *" $pkg "* ]] || uniq+=("$pkg"); done
  if ! command -v apt-get >/dev/null 2>&1; then
    _svc_log "missing ${uniq[*]} and this is not a Debian-like system (no apt-get); install them by hand"
    return 1
  fi
  _svc_log "installing ${uniq[*]}"
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    _svc_sudo sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d' && made_policy=1
  fi
  local rc=0
  if [ -z "${_CMDIMAGE_SERVICES_APT_UPDATED:-}" ]; then
    _svc_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
    _CMDIMAGE_SERVICES_APT_UPDATED=1
  fi
  if [ $rc -eq 0 ]; then
    _svc_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${uniq[@]}" || rc=$?
  fi
  [ $made_policy -eq 1 ] && _svc_sudo rm -f /usr/sbin/policy-rc.d
  if [ $rc -ne 0 ]; then _svc_log "apt-get failed (exit $rc) installing ${uniq[*]}"; return 1; fi
}

_svc_docker_socket() {
  case "$CMDIMAGE_TEST_DOCKER_HOST" in
    unix://*) echo "${CMDIMAGE_TEST_DOCKER_HOST#unix://}" ;;
    *) return 1 ;;
  esac
}

# 0 when the engine at CMDIMAGE_TEST_DOCKER_HOST answers /_ping with OK.
_svc_docker_up() {
  local sock out
  if sock=$(_svc_docker_socket); then
    [ -S "$sock" ] || return 1
    out=$(curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping 2>/dev/null) || return 1
  else
    out=$(curl -fsS --max-time 3 "http://${CMDIMAGE_TEST_DOCKER_HOST#tcp://}/_ping" 2>/dev/null) || return 1
  fi
  [ "$out" = "OK" ]
}

# Prints the HTTP status of GET /v2/ on host:port if it is a Docker registry, fails otherwise.
_svc_registry_status() {
  local hostport=$1 headers
  headers=$(curl -sS --max-time 3 -o /dev/null -D - "http://$hostport/v2/" 2>/dev/null) || return 1
  grep -qi '^docker-distribution-api-version: registry/2.0' <<<"$headers" || return 2
  awk 'NR==1 {print $2}' <<<"$headers"
}

_svc_tail() { [ -f "$1" ] && { echo "---- last lines of $1:" >&2; tail -n 25 "$1" >&2; echo "----" >&2; }; }

# _svc_spawn pidfile logfile command...: starts command in its own session (so that a terminal's Ctrl-C or the
# caller's process group being killed leaves it alone), detached from stdin, output to logfile; waits (bounded)
# for its pid to be written to pidfile and prints it. setsid may fork, so $! is not the service's pid.
_svc_spawn() {
  local pidfile=$1 logfile=$2 i; shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016
  setsid sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >"$logfile" 2>&1 </dev/null &
  for i in $(seq 1 50); do
    if [ -s "$pidfile" ]; then cat "$pidfile"; return 0; fi
    sleep 0.1
  done
  _svc_log "could not start $1 (no pid in $pidfile after 5s)"; return 1
}

_svc_record() { # name pid tempdir
  echo "$1 $2 $3" >>"$CMDIMAGE_TEST_STATE_DIR/started.list"
  CMDIMAGE_SERVICES_STARTED="${CMDIMAGE_SERVICES_STARTED:+$CMDIMAGE_SERVICES_STARTED;}$1 $2 $3"
  export CMDIMAGE_SERVICES_STARTED
}

_svc_start_docker() {
  if _svc_docker_up; then _svc_log "docker engine already answering at $CMDIMAGE_TEST_DOCKER_HOST"; return 0; fi
  local sock
  if ! sock=$(_svc_docker_socket); then
    _svc_log "docker engine at $CMDIMAGE_TEST_DOCKER_HOST does not answer, and only a unix:// address can be started here"
    return 1
  fi
  local state="$CMDIMAGE_TEST_STATE_DIR/docker" pidfile="$CMDIMAGE_TEST_STATE_DIR/docker/dockerd.pid"
  mkdir -p "$state" "$(dirname "$sock")"
  # A dockerd left over from an earlier run on the same pidfile (not answering) would make the new one refuse to start.
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    _svc_log "dockerd $(cat "$pidfile") from $pidfile exists but does not answer at $CMDIMAGE_TEST_DOCKER_HOST"
    _svc_tail "$state/dockerd.log"
    return 1
  fi
  rm -f "$sock" "$pidfile"
  local data
  data=$(mktemp -d "${TMPDIR:-/tmp}/cmdimage-test-docker.XXXXXX")
  echo '{}' >"$state/daemon.json"   # never read the system's /etc/docker/daemon.json
  _svc_log "starting dockerd at $CMDIMAGE_TEST_DOCKER_HOST (data-root $data)"
  local pid
  pid=$(_svc_spawn "$state/service.pid" "$state/dockerd.log" dockerd \
    --config-file "$state/daemon.json" \
    --host "unix://$sock" \
    --data-root "$data" \
    --exec-root "$state/exec" \
    --pidfile "$pidfile" \
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --userland-proxy=false \
    --containerd-namespace cmdimage-test --containerd-plugins-namespace cmdimage-test-plugins) || return 1
  _svc_record dockerd "$pid" "$data"
  local waited=0
  until _svc_docker_up; do
    if ! kill -0 "$pid" 2>/dev/null; then
      _svc_log "dockerd exited while starting (see $state/dockerd.log)"; _svc_tail "$state/dockerd.log"; return 1
    fi
    if [ $waited -ge "$CMDIMAGE_SERVICES_DOCKER_WAIT" ]; then
      _svc_log "dockerd did not answer at $CMDIMAGE_TEST_DOCKER_HOST within ${CMDIMAGE_SERVICES_DOCKER_WAIT}s"
      _svc_tail "$state/dockerd.log"; return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  _svc_log "docker engine up at $CMDIMAGE_TEST_DOCKER_HOST (pid $pid, API $(curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/version 2>/dev/null | sed -n 's/.*"ApiVersion":"\([^"]*\)".*/\1/p'))"
}

# _svc_start_registry name host:port [auth]
_svc_start_registry() {
  local name=$1 hostport=$2 auth=${3:-} status expected=200
  [ -n "$auth" ] && expected=401
  case "$hostport" in
    127.*:*|localhost:*) ;;
    *) _svc_log "$name: $hostport is not a loopback address; refusing to start a registry there"; return 1 ;;
  esac
  if status=$(_svc_registry_status "$hostport"); then
    if [ "$status" = "$expected" ]; then _svc_log "registry $name already answering at $hostport"; return 0; fi
    _svc_log "a registry at $hostport answers /v2/ with HTTP $status, expected $expected for $name"
    return 1
  elif [ $? -eq 2 ]; then
    _svc_log "something that is not a Docker registry answers at $hostport; $name needs that port"
    return 1
  fi
  local data
  data=$(mktemp -d "${TMPDIR:-/tmp}/cmdimage-test-$name.XXXXXX")
  local authblock=""
  if [ -n "$auth" ]; then
    htpasswd -Bbc "$data/htpasswd" "$CMDIMAGE_TEST_AUTH_USER" "$CMDIMAGE_TEST_AUTH_PASSWORD" >/dev/null 2>&1 || {
      _svc_log "htpasswd failed for $name"; return 1; }
    authblock="auth:
  htpasswd:
    realm: cmdimage-test
    path: $data/htpasswd"
  fi
  _svc_run_registry "$name" "$hostport" "http://$hostport" "$data" "" "$authblock" \
    _svc_registry_answers "$hostport" "$expected"
}

# 0 when http://host:port/v2/ answers with the expected HTTP status.
_svc_registry_answers() {
  local status
  status=$(_svc_registry_status "$1") && [ "$status" = "$2" ]
}

# _svc_run_registry name host:port url datadir http-extra auth-block probe [probe args...]
# Writes a docker-registry config (storage in datadir; http-extra: more lines of its http: section, e.g. tls:; the
# auth: block), starts it, records it, and waits (bounded) until the probe command succeeds.
_svc_run_registry() {
  local name=$1 hostport=$2 url=$3 data=$4 httpextra=$5 authblock=$6
  shift 6
  local state="$CMDIMAGE_TEST_STATE_DIR/$name"
  mkdir -p "$state"
  cat >"$data/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $data/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $hostport
  secret: cmdimage-test-$name-$RANDOM$RANDOM
$httpextra
$authblock
EOF
  _svc_log "starting registry $name at $url (storage $data/storage)"
  local pid waited=0
  pid=$(_svc_spawn "$state/service.pid" "$state/registry.log" /usr/bin/docker-registry serve "$data/config.yml") || return 1
  _svc_record "$name" "$pid" "$data"
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      _svc_log "registry $name exited while starting (see $state/registry.log)"; _svc_tail "$state/registry.log"; return 1
    fi
    if [ $waited -ge $((2 * CMDIMAGE_SERVICES_REGISTRY_WAIT)) ]; then
      _svc_log "registry $name did not answer at $url/v2/ within ${CMDIMAGE_SERVICES_REGISTRY_WAIT}s"
      _svc_tail "$state/registry.log"; return 1
    fi
    sleep 0.5; waited=$((waited + 1))
  done
  _svc_log "registry $name up at $url (pid $pid)"
}

# Starts the engine and both registries unless they already answer. Returns non-zero, after printing why and the
# tail of the failing service's log, when one cannot be started.
# A failed services_start stops what this shell's services_start calls started, so that nothing is left behind
# even when the caller exits before it could install a trap.
services_start() {
  _svc_install_missing || return 1
  mkdir -p "$CMDIMAGE_TEST_STATE_DIR" || return 1
  if ! _svc_start_docker || ! _svc_start_registry registry "$CMDIMAGE_TEST_REGISTRY" \
    || ! _svc_start_registry auth-registry "$CMDIMAGE_TEST_AUTH_REGISTRY" auth; then
    _svc_log "could not start the test services; stopping what was started"
    services_stop
    return 1
  fi
  # More services, one file each: scripts/services.d/NAME.sh defines svc_start_NAME (it starts NAME unless it
  # already answers, records what it started with _svc_record, exports its CMDIMAGE_TEST_* variables) and may
  # define svc_stop_NAME (extra clean-up after the recorded process is gone: sockets, mounts).
  local name
  for name in "${_SVC_EXTENSIONS[@]}"; do
    if ! "svc_start_${name//-/_}"; then
      _svc_log "could not start $name; stopping what was started"
      services_stop
      return 1
    fi
  done
  export CMDIMAGE_TEST_DOCKER_HOST CMDIMAGE_TEST_REGISTRY CMDIMAGE_TEST_AUTH_REGISTRY \
    CMDIMAGE_TEST_AUTH_USER CMDIMAGE_TEST_AUTH_PASSWORD
  return 0
}

# Stops one recorded service: TERM, a bounded wait, then KILL; removes its temporary directory.
_svc_stop_one() {
  local name=$1 pid=$2 dir=$3 i
  if kill -0 "$pid" 2>/dev/null; then
    _svc_log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then _svc_log "$name (pid $pid) ignored TERM for 30s; killing it"; kill -KILL "$pid" 2>/dev/null; sleep 0.5; fi
  fi
  if [ "$name" = dockerd ]; then
    # dockerd's data-root may hold mounts (overlay layers) until the daemon is gone; unmount what is left.
    if [ -n "$dir" ] && [ -d "$dir" ]; then
      local m
      for m in $(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts 2>/dev/null | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || _svc_log "could not unmount $m"
      done
    fi
    local sock
    if sock=$(_svc_docker_socket); then rm -f "$sock"; fi
    rm -rf "$CMDIMAGE_TEST_STATE_DIR/docker/exec" "$CMDIMAGE_TEST_STATE_DIR/docker/dockerd.pid"
  fi
  if declare -F "svc_stop_${name//-/_}" >/dev/null; then "svc_stop_${name//-/_}" "$pid" "$dir"; fi
  case "$dir" in
    */cmdimage-test-*.??????) rm -rf "$dir" ;;
  esac
}

# Stops what this shell's services_start started (or, with --recorded, everything in started.list).
services_stop() {
  local entries="" line name pid dir list="$CMDIMAGE_TEST_STATE_DIR/started.list"
  if [ "${1:-}" = "--recorded" ]; then
    [ -f "$list" ] && entries=$(tr '\n' ';' <"$list")
  else
    entries="${CMDIMAGE_SERVICES_STARTED:-}"
  fi
  # stop in reverse order of starting
  local reversed=() items=()
  IFS=';' read -r -a items <<<"$entries"
  for line in "${items[@]}"; do [ -n "$line" ] && reversed=("$line" "${reversed[@]}"); done
  for line in "${reversed[@]}"; do
    read -r name pid dir <<<"$line"
    _svc_stop_one "$name" "$pid" "$dir"
    if [ -f "$list" ]; then
      grep -vxF "$name $pid $dir" "$list" >"$list.tmp" || true
      mv "$list.tmp" "$list"
    fi
  done
  unset CMDIMAGE_SERVICES_STARTED
  return 0
}

# The extensions in scripts/services.d (see services_start), loaded when this file is sourced.
_SVC_EXTENSIONS=()
for _svc_ext in "$(dirname "${BASH_SOURCE[0]}")"/services.d/*.sh; do
  [ -f "$_svc_ext" ] || continue
  # shellcheck source=/dev/null
  source "$_svc_ext"
  _SVC_EXTENSIONS+=("$(basename "$_svc_ext" .sh)")
done
unset _svc_ext
