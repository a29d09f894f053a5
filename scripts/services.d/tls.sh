# shellcheck shell=bash
# TLS test services (sourced by scripts/services.sh; services_start calls svc_start_tls): a throwaway CA and
# certificates made with openssl, two docker-registry instances speaking TLS, and a second private dockerd that
# listens only on a loopback TCP port with --tlsverify. All on loopback.
#
#   CMDIMAGE_TEST_TLS_DIR          [$CMDIMAGE_TEST_STATE_DIR/tls]  the certificates (made once, reused while valid):
#                                  ca.pem/ca-key.pem, server.pem/server-key.pem (RSA; SAN IP:127.0.0.1, DNS:localhost),
#                                  client.pem/client-key.pem (EC P-256, PKCS#8), docker-client/{ca,cert,key}.pem
#   CMDIMAGE_TEST_TLS_REGISTRY     [127.0.0.1:5443]  docker-registry over TLS, anonymous
#   CMDIMAGE_TEST_MTLS_REGISTRY    [127.0.0.1:5444]  docker-registry over TLS requiring a client certificate signed by
#                                  the CA (http.tls.clientcas)
#   CMDIMAGE_TEST_TLS_CA, CMDIMAGE_TEST_TLS_CLIENT_CERT, CMDIMAGE_TEST_TLS_CLIENT_KEY  the files above
#   CMDIMAGE_TEST_TLS_DOCKER_HOST  [tcp://127.0.0.1:2376]  dockerd --tlsverify (own data-root, exec-root, pidfile,
#                                  containerd namespace; no bridge, no iptables)
#   CMDIMAGE_TEST_TLS_DOCKER_CERT_PATH  [$CMDIMAGE_TEST_TLS_DIR/docker-client]  DOCKER_CERT_PATH for that engine

: "${CMDIMAGE_TEST_TLS_DIR:=$CMDIMAGE_TEST_STATE_DIR/tls}"
: "${CMDIMAGE_TEST_TLS_REGISTRY:=127.0.0.1:5443}"
: "${CMDIMAGE_TEST_MTLS_REGISTRY:=127.0.0.1:5444}"
: "${CMDIMAGE_TEST_TLS_DOCKER_HOST:=tcp://127.0.0.1:2376}"
CMDIMAGE_TEST_TLS_CA="$CMDIMAGE_TEST_TLS_DIR/ca.pem"
CMDIMAGE_TEST_TLS_CLIENT_CERT="$CMDIMAGE_TEST_TLS_DIR/client.pem"
CMDIMAGE_TEST_TLS_CLIENT_KEY="$CMDIMAGE_TEST_TLS_DIR/client-key.pem"
CMDIMAGE_TEST_TLS_DOCKER_CERT_PATH="$CMDIMAGE_TEST_TLS_DIR/docker-client"
export CMDIMAGE_TEST_TLS_DIR CMDIMAGE_TEST_TLS_REGISTRY CMDIMAGE_TEST_MTLS_REGISTRY CMDIMAGE_TEST_TLS_DOCKER_HOST \
  CMDIMAGE_TEST_TLS_CA CMDIMAGE_TEST_TLS_CLIENT_CERT CMDIMAGE_TEST_TLS_CLIENT_KEY CMDIMAGE_TEST_TLS_DOCKER_CERT_PATH

# Makes the CA and certificates unless they exist and stay valid for another day.
_svc_tls_certs() {
  local d=$CMDIMAGE_TEST_TLS_DIR
  if [ -s "$d/docker-client/key.pem" ] && openssl x509 -in "$d/ca.pem" -noout -checkend 86400 >/dev/null 2>&1 \
    && openssl x509 -in "$d/server.pem" -noout -checkend 86400 >/dev/null 2>&1; then
    return 0
  fi
  _svc_log "making a throwaway CA and certificates in $d"
  mkdir -p "$d/docker-client" && chmod 755 "$d" || return 1
  (
    set -e
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 30 \
      -subj "/CN=cmdimage-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 30 \
      -extfile server.ext 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client-key.pem 2>/dev/null
    openssl req -new -key client-key.pem -out client.csr -subj "/CN=cmdimage-test-client" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client.pem -days 30 \
      -extfile client.ext 2>/dev/null
    cp ca.pem docker-client/ca.pem
    cp client.pem docker-client/cert.pem
    cp client-key.pem docker-client/key.pem
    rm -f server.csr client.csr server.ext client.ext ca.srl
    chmod 644 ./*.pem docker-client/*.pem
  ) || { _svc_log "openssl failed making the test certificates in $d"; return 1; }
}

# 0 when https://host:port/v2/ answers (HTTP 200) with the test CA (and, for mtls, the client certificate).
_svc_tls_registry_up() {
  local hostport=$1 mtls=${2:-} extra=()
  [ -n "$mtls" ] && extra=(--cert "$CMDIMAGE_TEST_TLS_CLIENT_CERT" --key "$CMDIMAGE_TEST_TLS_CLIENT_KEY")
  [ "$(curl -sS --max-time 3 -o /dev/null -w '%{http_code}' --cacert "$CMDIMAGE_TEST_TLS_CA" "${extra[@]}" \
    "https://$hostport/v2/" 2>/dev/null)" = 200 ]
}

# _svc_tls_registry name host:port [mtls]
_svc_tls_registry() {
  local name=$1 hostport=$2 mtls=${3:-}
  if _svc_tls_registry_up "$hostport" "$mtls"; then _svc_log "registry $name already answering at $hostport"; return 0; fi
  case "$hostport" in
    127.*:*|localhost:*) ;;
    *) _svc_log "$name: $hostport is not a loopback address; refusing to start a registry there"; return 1 ;;
  esac
  if curl -sk --max-time 3 -o /dev/null "https://$hostport/" 2>/dev/null || curl -s --max-time 3 -o /dev/null "http://$hostport/" 2>/dev/null; then
    _svc_log "something that is not $name (with the test CA in $CMDIMAGE_TEST_TLS_DIR) answers at $hostport; $name needs that port"
    return 1
  fi
  local data d=$CMDIMAGE_TEST_TLS_DIR tls
  data=$(mktemp -d "${TMPDIR:-/tmp}/cmdimage-test-$name.XXXXXX")
  tls="  tls:
    certificate: $d/server.pem
    key: $d/server-key.pem"
  [ -n "$mtls" ] && tls="$tls
    clientcas:
      - $d/ca.pem"
  _svc_run_registry "$name" "$hostport" "https://$hostport" "$data" "$tls" "" _svc_tls_registry_up "$hostport" "$mtls"
}

_svc_tls_docker_up() {
  local c=$CMDIMAGE_TEST_TLS_DOCKER_CERT_PATH
  [ "$(curl -sS --max-time 3 --cacert "$c/ca.pem" --cert "$c/cert.pem" --key "$c/key.pem" \
    "https://${CMDIMAGE_TEST_TLS_DOCKER_HOST#tcp://}/_ping" 2>/dev/null)" = OK ]
}

_svc_tls_docker() {
  if _svc_tls_docker_up; then _svc_log "TLS docker engine already answering at $CMDIMAGE_TEST_TLS_DOCKER_HOST"; return 0; fi
  local hostport=${CMDIMAGE_TEST_TLS_DOCKER_HOST#tcp://}
  case "$hostport" in
    127.*:*|localhost:*) ;;
    *) _svc_log "$CMDIMAGE_TEST_TLS_DOCKER_HOST is not a loopback tcp:// address; refusing to start dockerd there"; return 1 ;;
  esac
  local state="$CMDIMAGE_TEST_STATE_DIR/tls-docker" d=$CMDIMAGE_TEST_TLS_DIR
  local pidfile="$state/dockerd.pid"
  mkdir -p "$state"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    _svc_log "dockerd $(cat "$pidfile") from $pidfile exists but does not answer at $CMDIMAGE_TEST_TLS_DOCKER_HOST"
    _svc_tail "$state/dockerd.log"; return 1
  fi
  rm -f "$pidfile"
  local data pid waited=0
  data=$(mktemp -d "${TMPDIR:-/tmp}/cmdimage-test-tls-docker.XXXXXX")
  echo '{}' >"$state/daemon.json"
  _svc_log "starting dockerd with --tlsverify at $CMDIMAGE_TEST_TLS_DOCKER_HOST (data-root $data)"
  pid=$(_svc_spawn "$state/service.pid" "$state/dockerd.log" dockerd \
    --config-file "$state/daemon.json" \
    --host "$CMDIMAGE_TEST_TLS_DOCKER_HOST" \
    --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/server.pem" --tlskey "$d/server-key.pem" \
    --data-root "$data" \
    --exec-root "$state/exec" \
    --pidfile "$pidfile" \
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --userland-proxy=false \
    --containerd-namespace cmdimage-test-tls --containerd-plugins-namespace cmdimage-test-tls-plugins) || return 1
  _svc_record tls-docker "$pid" "$data"
  until _svc_tls_docker_up; do
    if ! kill -0 "$pid" 2>/dev/null; then
      _svc_log "TLS dockerd exited while starting (see $state/dockerd.log)"; _svc_tail "$state/dockerd.log"; return 1
    fi
    if [ $waited -ge "$CMDIMAGE_SERVICES_DOCKER_WAIT" ]; then
      _svc_log "TLS dockerd did not answer at $CMDIMAGE_TEST_TLS_DOCKER_HOST within ${CMDIMAGE_SERVICES_DOCKER_WAIT}s"
      _svc_tail "$state/dockerd.log"; return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  _svc_log "TLS docker engine up at $CMDIMAGE_TEST_TLS_DOCKER_HOST (pid $pid)"
}

svc_start_tls() {
  command -v openssl >/dev/null 2>&1 || { _svc_log "tls: openssl is missing"; return 1; }
  _svc_tls_certs || return 1
  _svc_tls_registry tls-registry "$CMDIMAGE_TEST_TLS_REGISTRY" || return 1
  _svc_tls_registry mtls-registry "$CMDIMAGE_TEST_MTLS_REGISTRY" mtls || return 1
  _svc_tls_docker || return 1
}

# After the recorded TLS dockerd is gone: unmount what is left under its data-root, remove its exec-root and pidfile.
svc_stop_tls_docker() {
  local dir=$2 m
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    for m in $(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts 2>/dev/null | sort -r); do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || _svc_log "could not unmount $m"
    done
  fi
  rm -rf "$CMDIMAGE_TEST_STATE_DIR/tls-docker/exec" "$CMDIMAGE_TEST_STATE_DIR/tls-docker/dockerd.pid"
}
