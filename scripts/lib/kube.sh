# shellcheck shell=bash
# Kubernetes tooling for tests: helm, kube-apiserver and kubectl built from the Go module proxy
# at pinned versions and cached per machine (kube_tools_dir: ~/.cache/snf/tools by default, so
# a fresh clone, as in CI, reuses the builds; built under a lock), etcd from Debian; and an etcd + kube-apiserver pair on loopback (no kubelet, no scheduler, no
# controller-manager: objects are stored and watched, nothing reconciles them).
# Sourced by scripts/services.sh (after lib/common.sh); also runnable on its own:
#   bash scripts/lib/kube.sh tools|up|down|status|env
# See scripts/README.md ("Kubernetes API server").

HELM_VERSION=v3.21.4
KUBE_VERSION=v1.34.4
KUBE_STAGING_VERSION=v0.34.4
# The build cache is machine-level, not per clone: SNF_KUBE_TOOLS, else SNF_TOOLS_CACHE, else
# $XDG_CACHE_HOME/snf/tools (~/.cache/snf/tools).
kube_tools_dir() { printf '%s' "${SNF_KUBE_TOOLS:-${SNF_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/snf/tools}}"; }
KUBE_TOOLS=$(kube_tools_dir)
KUBE_BIN=$KUBE_TOOLS/bin
KUBE_DIR=${SNF_KUBE_DIR:-$SNF_STATE/kube}
KUBE_TIMEOUT_S=${SNF_KUBE_TIMEOUT_S:-60}

# Versioned file names, so a version bump builds afresh and an old cache is never mistaken
# for the pinned one; `helm`, `kubectl`, `kube-apiserver` links point at the pinned builds.
kube_helm_bin() { printf '%s' "$KUBE_BIN/helm-$HELM_VERSION"; }
kube_apiserver_bin() { printf '%s' "$KUBE_BIN/kube-apiserver-$KUBE_VERSION"; }
kube_kubectl_bin() { printf '%s' "$KUBE_BIN/kubectl-$KUBE_VERSION"; }

kube_need_go() {
  command -v go >/dev/null || die "kube: the Go toolchain is needed to build helm and kube-apiserver (install Go ≥ 1.24)"
}

kube_install_helm() {
  local out t0=$SECONDS
  out=$(kube_helm_bin)
  [[ -x $out ]] && return 0
  kube_need_go
  say "helm: building $HELM_VERSION with go install (first run, ~2 min)…"
  mkdir -p "$KUBE_TOOLS/gobin-helm"
  GOBIN=$KUBE_TOOLS/gobin-helm CGO_ENABLED=0 GOFLAGS=-trimpath \
    go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >"$KUBE_TOOLS/helm-build.log" 2>&1 || {
    tail -n 20 "$KUBE_TOOLS/helm-build.log" >&2
    die "helm: go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed (log: $KUBE_TOOLS/helm-build.log)"
  }
  mv "$KUBE_TOOLS/gobin-helm/helm" "$out"
  ln -sfn "helm-$HELM_VERSION" "$KUBE_BIN/helm"
  say "helm: built $HELM_VERSION in $((SECONDS - t0))s"
}

# k8s.io/kubernetes is not meant to be required as a module: its go.mod points every staging
# module (k8s.io/api, k8s.io/client-go, …) at ./staging/…, which a dependent cannot follow.
# A scratch module requires it and replaces each staging module with its published v0.x twin;
# the list is read from kubernetes' own go.mod, so it stays right when the version moves.
kube_scratch_module() {
  local dir=$KUBE_TOOLS/src/kubernetes-$KUBE_VERSION gomod staging
  mkdir -p "$dir"
  [[ -f $dir/go.mod ]] && { printf '%s' "$dir"; return 0; }
  gomod=$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f $gomod ]] || die "kube: could not download k8s.io/kubernetes@$KUBE_VERSION's go.mod"
  staging=$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._/-]*\) => \./staging/.*#\1#p' "$gomod")
  [[ -n $staging ]] || die "kube: no staging replaces found in $gomod"
  {
    printf 'module snf.local/kubetools\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes %s\n\n' "$KUBE_VERSION"
    printf 'replace (\n'
    local m
    for m in $staging; do printf '\t%s => %s %s\n' "$m" "$m" "$KUBE_STAGING_VERSION"; done
    printf ')\n'
  } >"$dir/go.mod.tmp"
  mv "$dir/go.mod.tmp" "$dir/go.mod"
  printf '%s' "$dir"
}

kube_build() { # <command name> <output path>
  local name=$1 out=$2 dir t0=$SECONDS log=$KUBE_TOOLS/$1-build.log
  [[ -x $out ]] && return 0
  kube_need_go
  mkdir -p "$KUBE_BIN"
  dir=$(kube_scratch_module)
  say "$name: building $KUBE_VERSION from the Go module proxy (first run; kube-apiserver ~5 min, 2 GB)…"
  local ld="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION"
  ld+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34"
  ld+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION"
  ld+=" -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=34"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ld" \
    -o "$out.tmp" "k8s.io/kubernetes/cmd/$name") >"$log" 2>&1 || {
    tail -n 20 "$log" >&2
    rm -f "$out.tmp"
    die "$name: go build k8s.io/kubernetes/cmd/$name@$KUBE_VERSION failed (log: $log)"
  }
  mv "$out.tmp" "$out"
  ln -sfn "$(basename "$out")" "$KUBE_BIN/$name"
  say "$name: built $KUBE_VERSION in $((SECONDS - t0))s"
}

# Everything the Kubernetes tests run; each piece only when missing. Prints the cold cost.
# The cache is shared by every clone on the machine: one build at a time (flock on fd 8; the
# lock goes with the process if a build dies).
kube_tools() {
  local t0=$SECONDS
  mkdir -p "$KUBE_BIN"
  need_cmd etcd etcd-server
  need_cmd flock util-linux
  exec 8>"$KUBE_TOOLS/.lock"
  flock 8
  kube_install_helm
  kube_build kubectl "$(kube_kubectl_bin)"
  kube_build kube-apiserver "$(kube_apiserver_bin)"
  flock -u 8
  exec 8>&-
  say "kube: tools ready in $((SECONDS - t0))s (helm $HELM_VERSION, kube-apiserver/kubectl $KUBE_VERSION, $(etcd --version 2>/dev/null | head -n 1))"
}

# ---- etcd + kube-apiserver on loopback -------------------------------------------------------
# State under $KUBE_DIR (SNF_KUBE_DIR; default .snf/kube): ports, token file, service-account
# keys, serving certs, etcd data, logs, pid files and the kubeconfig clients use. The ports are
# chosen free once and kept, so `down` then `up` brings the server back at the same address
# (clients watching it resume). Tests that need their own server pass another SNF_KUBE_DIR.

# Below the kernel's ephemeral range (ip_local_port_range, 32768 by default): a kept port in that
# range can be taken by any outgoing connection while the server is down (a restart in the e2e
# test once found etcd's port "already in use").
kube_free_port() {
  local p i lo=32768
  [[ -r /proc/sys/net/ipv4/ip_local_port_range ]] && read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
  ((lo > 12000)) || lo=32768
  for ((i = 0; i < 200; i++)); do
    p=$((10000 + RANDOM % (lo - 10000)))
    port_open 127.0.0.1 "$p" || { printf '%s' "$p"; return 0; }
  done
  die "kube: no free port found"
}

kube_load_ports() {
  if [[ -s $KUBE_DIR/ports ]]; then
    # shellcheck disable=SC1091
    source "$KUBE_DIR/ports"
  else
    KUBE_ETCD_PORT=$(kube_free_port)
    KUBE_ETCD_PEER_PORT=$(kube_free_port)
    KUBE_API_PORT=$(kube_free_port)
    printf 'KUBE_ETCD_PORT=%s\nKUBE_ETCD_PEER_PORT=%s\nKUBE_API_PORT=%s\n' \
      "$KUBE_ETCD_PORT" "$KUBE_ETCD_PEER_PORT" "$KUBE_API_PORT" >"$KUBE_DIR/ports"
  fi
}

# The token, service-account key pair and kubeconfig are made once per $KUBE_DIR.
kube_write_credentials() {
  [[ -s $KUBE_DIR/token ]] || od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$KUBE_DIR/token"
  local token
  token=$(<"$KUBE_DIR/token")
  printf '%s,snf-admin,snf-admin,"system:masters"\n' "$token" >"$KUBE_DIR/tokens.csv"
  if [[ ! -s $KUBE_DIR/sa.key ]]; then
    need_cmd openssl openssl
    openssl genrsa -out "$KUBE_DIR/sa.key" 2048 2>/dev/null
    openssl rsa -in "$KUBE_DIR/sa.key" -pubout -out "$KUBE_DIR/sa.pub" 2>/dev/null
  fi
  chmod 600 "$KUBE_DIR/token" "$KUBE_DIR/tokens.csv" "$KUBE_DIR/sa.key"
  # The API server generates a self-signed serving cert in certs/; its file carries the signing
  # CA after the leaf, so the same file verifies the server.
  cat >"$KUBE_DIR/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: snf-local
  cluster:
    server: https://127.0.0.1:$KUBE_API_PORT
    certificate-authority: $KUBE_DIR/certs/apiserver.crt
users:
- name: snf-admin
  user:
    token: $token
contexts:
- name: snf-local
  context: {cluster: snf-local, user: snf-admin, namespace: default}
current-context: snf-local
KCFG
  chmod 600 "$KUBE_DIR/kubeconfig"
}

kube_etcd_healthy() { curl -fsS -m 2 "http://127.0.0.1:$KUBE_ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
kube_api_ready() {
  [[ -s $KUBE_DIR/certs/apiserver.crt ]] || return 1
  curl -fsS -m 2 --cacert "$KUBE_DIR/certs/apiserver.crt" -H "Authorization: Bearer $(<"$KUBE_DIR/token")" \
    "https://127.0.0.1:$KUBE_API_PORT/readyz" >/dev/null 2>&1
}

kube_start_etcd() {
  local pid
  pid=$(live_pid "$KUBE_DIR/etcd.pid" etcd) && kube_etcd_healthy && return 0
  [[ -n ${pid:-} ]] && stop_pid "$pid" etcd 10
  [[ -f $KUBE_DIR/etcd.log ]] && mv -f "$KUBE_DIR/etcd.log" "$KUBE_DIR/etcd.log.1"
  # Only the API server's port must stay (clients resume their watches there); etcd's may move.
  if port_open 127.0.0.1 "$KUBE_ETCD_PORT" || port_open 127.0.0.1 "$KUBE_ETCD_PEER_PORT"; then
    KUBE_ETCD_PORT=$(kube_free_port)
    KUBE_ETCD_PEER_PORT=$(kube_free_port)
    printf 'KUBE_ETCD_PORT=%s\nKUBE_ETCD_PEER_PORT=%s\nKUBE_API_PORT=%s\n' \
      "$KUBE_ETCD_PORT" "$KUBE_ETCD_PEER_PORT" "$KUBE_API_PORT" >"$KUBE_DIR/ports"
  fi
  mkdir -p "$KUBE_DIR/etcd"
  local peer=http://127.0.0.1:$KUBE_ETCD_PEER_PORT
  setsid etcd --name snf --data-dir "$KUBE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$KUBE_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$KUBE_ETCD_PORT" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" --initial-cluster "snf=$peer" \
    --quota-backend-bytes $((512 * 1024 * 1024)) >"$KUBE_DIR/etcd.log" 2>&1 </dev/null 9>&- &
  echo $! >"$KUBE_DIR/etcd.pid"
  WAIT_S=$KUBE_TIMEOUT_S wait_until kube_etcd_healthy || {
    tail -n 20 "$KUBE_DIR/etcd.log" >&2
    die "kube: etcd not healthy on 127.0.0.1:$KUBE_ETCD_PORT within ${KUBE_TIMEOUT_S}s (log: $KUBE_DIR/etcd.log)"
  }
}

kube_start_apiserver() {
  local pid
  pid=$(live_pid "$KUBE_DIR/apiserver.pid" kube-apiserver) && kube_api_ready && return 0
  [[ -n ${pid:-} ]] && stop_pid "$pid" kube-apiserver 20
  [[ -f $KUBE_DIR/apiserver.log ]] && mv -f "$KUBE_DIR/apiserver.log" "$KUBE_DIR/apiserver.log.1"
  mkdir -p "$KUBE_DIR/certs"
  setsid "$(kube_apiserver_bin)" \
    --etcd-servers "http://127.0.0.1:$KUBE_ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$KUBE_API_PORT" \
    --cert-dir "$KUBE_DIR/certs" --token-auth-file "$KUBE_DIR/tokens.csv" \
    --authorization-mode AlwaysAllow \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$KUBE_DIR/sa.pub" --service-account-signing-key-file "$KUBE_DIR/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --enable-priority-and-fairness=false --profiling=false \
    >"$KUBE_DIR/apiserver.log" 2>&1 </dev/null 9>&- &
  echo $! >"$KUBE_DIR/apiserver.pid"
  WAIT_S=$KUBE_TIMEOUT_S wait_until kube_api_ready || {
    tail -n 30 "$KUBE_DIR/apiserver.log" >&2
    die "kube: kube-apiserver not ready on 127.0.0.1:$KUBE_API_PORT within ${KUBE_TIMEOUT_S}s (log: $KUBE_DIR/apiserver.log)"
  }
}

# Idempotent: builds the tools if missing, (re)starts whatever is not answering, prints where.
kube_up() {
  local t0=$SECONDS
  need_cmd curl curl
  kube_tools
  mkdir -p "$KUBE_DIR"
  kube_load_ports
  kube_write_credentials
  kube_start_etcd
  kube_start_apiserver
  say "kube: API server ready at https://127.0.0.1:$KUBE_API_PORT in $((SECONDS - t0))s (KUBECONFIG=$KUBE_DIR/kubeconfig)"
}

kube_down() {
  local pid
  [[ -s $KUBE_DIR/ports ]] || { say "kube: nothing started in $KUBE_DIR"; return 0; }
  if pid=$(live_pid "$KUBE_DIR/apiserver.pid" kube-apiserver); then stop_pid "$pid" kube-apiserver 20; fi
  if pid=$(live_pid "$KUBE_DIR/etcd.pid" etcd); then stop_pid "$pid" etcd 10; fi
  rm -f "$KUBE_DIR/apiserver.pid" "$KUBE_DIR/etcd.pid"
  say "kube: stopped (state kept in $KUBE_DIR)"
}

kube_status() {
  [[ -s $KUBE_DIR/ports ]] || { say "kube: not set up ($KUBE_DIR)"; return 1; }
  kube_load_ports
  if kube_api_ready; then say "kube: up at https://127.0.0.1:$KUBE_API_PORT (KUBECONFIG=$KUBE_DIR/kubeconfig)"
  else say "kube: down (https://127.0.0.1:$KUBE_API_PORT)"; return 1; fi
}

# Run on its own: `bash scripts/lib/kube.sh up|down|status|tools|env`.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  ROOT=$(cd "$SCRIPTS_DIR/.." && pwd)
  SNF_STATE=${SNF_STATE_DIR:-$ROOT/.snf}
  KUBE_DIR=${SNF_KUBE_DIR:-$SNF_STATE/kube}
  mkdir -p "$SNF_STATE"
  # shellcheck source=common.sh
  source "$SCRIPTS_DIR/lib/common.sh"
  case ${1:-status} in
    tools) kube_tools ;;
    up) kube_up ;;
    down) kube_down ;;
    status) kube_status ;;
    env) kube_load_ports; printf 'KUBECONFIG=%s\nHELM=%s\nKUBECTL=%s\n' "$KUBE_DIR/kubeconfig" "$KUBE_BIN/helm" "$KUBE_BIN/kubectl" ;;
    *) die "usage: kube.sh tools|up|down|status|env" ;;
  esac
fi
