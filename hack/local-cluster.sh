#!/usr/bin/env bash
# A local Kubernetes control plane (etcd + kube-apiserver, no nodes) with the webhook wired in as the
# shipped deploy/base describes it: the CRDs it reads, its Namespace, ServiceAccount and RBAC, the
# webhook process running as that ServiceAccount (token only), and the rendered Validating/Mutating
# WebhookConfigurations pointed at it on 127.0.0.1. The end-to-end tests start the very same thing.
#
#   hack/local-cluster.sh start      # build the webhook, start everything, print the KUBECONFIG to use
#   hack/local-cluster.sh stop       # stop every process it started (by the recorded process ids)
#   hack/local-cluster.sh status
#
# Binaries: $KUBEBUILDER_ASSETS (a folder with kube-apiserver and etcd, envtest's convention); when unset,
# ../shared/envtest/setup.sh beside the repository provides it. Needs kubectl, openssl, curl, dotnet.
# State (certificates, data, logs, kubeconfigs, pids): $LOCAL_CLUSTER_DIR, default /tmp/waypoint-local-cluster.
# $WEBHOOK_DLL: a built WaypointWebhook.dll to run instead of building src/WaypointWebhook.
#
# Steps, for the tests (start = up + webhook-start + register):
#   up                 certificates, etcd, kube-apiserver, CRDs, deploy/base's Namespace/ServiceAccount/RBAC, token
#   webhook-start      run `serve` as the ServiceAccount; wait for /readyz
#   register           create the webhook configurations (url + caBundle); wait until the API server calls them
#   webhook-stop | apiserver-stop | apiserver-start
# etcd and kube-apiserver listen on 127.0.0.1 only; the webhook on every interface (serve has no
# bind-address flag); all on free ports chosen at `up`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${LOCAL_CLUSTER_DIR:-/tmp/waypoint-local-cluster}
crds="$repo/tests/WaypointWebhook.EndToEnd/data/crds"

say() { printf 'local-cluster: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# A free loopback port: nothing answers a connection to it, and it was not handed out already.
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( (RANDOM * 32768 + RANDOM) % 12000 + 20000 ))  # below Linux's ephemeral range (32768-60999)
    grep -qx "$p" "$dir/.ports" 2>/dev/null && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p" >>"$dir/.ports"; echo "$p"; return 0
    fi
  done
  die "no free port found"
}

load_env() { [ -f "$dir/env" ] || die "no cluster state in $dir (run: $0 start)"; # shellcheck disable=SC1091
  . "$dir/env"; }

alive() { local pid; pid=$(cat "$dir/$1.pid" 2>/dev/null) || return 1; kill -0 "$pid" 2>/dev/null; }

# Stops one recorded process by its id: TERM, then KILL after a bounded wait (tenths of a second).
# kube-apiserver stops listening at once on TERM but then waits for open watches for a long time:
# it gets 3 s before the KILL (the watches drop either way, as when it crashes).
stop_pid() {
  local name=$1 tenths=${2:-100} pid i
  pid=$(cat "$dir/$name.pid" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$dir/$name.pid"
}

# Waits (bounded) until a URL answers 200 while the recorded process NAME lives; extra curl arguments follow.
wait_200() {
  local what=$1 name=$2 url=$3 seconds=$4; shift 4
  local deadline=$(( $(date +%s) + seconds )) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true)
    [ "$code" = 200 ] && return 0
    alive "$name" || { tail -n 20 "$dir/$name.log" >&2; rm -f "$dir/$name.pid"; die "$what exited before it was ready (its log above: $dir/$name.log)"; }
    [ "$(date +%s)" -ge "$deadline" ] && die "$what not ready after ${seconds}s (last HTTP status $code); see $dir/*.log"
    sleep 0.2
  done
}

assets() {
  if [ -z "${KUBEBUILDER_ASSETS:-}" ]; then
    local setup="$repo/../shared/envtest/setup.sh"
    [ -x "$setup" ] || [ -f "$setup" ] || die "KUBEBUILDER_ASSETS is not set and $setup does not exist"
    KUBEBUILDER_ASSETS=$(bash "$setup") || die "$setup failed"
  fi
  [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ] ||
    die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS holds no kube-apiserver and etcd"
}

make_certs() {
  local c="$dir/pki"; mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=waypoint-local-cluster-ca" \
    -keyout "$c/ca.key" -out "$c/ca.crt" 2>/dev/null
  # leaf NAME SUBJECT [SANS] [EKU]
  leaf() {
    local ext="$c/$1.ext"
    { echo "basicConstraints=critical,CA:FALSE"; echo "keyUsage=critical,digitalSignature,keyEncipherment"
      echo "extendedKeyUsage=$4"; [ -n "$3" ] && echo "subjectAltName=$3"; } >"$ext"
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "$2" -keyout "$c/$1.key" -out "$c/$1.csr" 2>/dev/null
    openssl x509 -req -sha256 -days 30 -in "$c/$1.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial \
      -extfile "$ext" -out "$c/$1.crt" 2>/dev/null
  }
  leaf apiserver "/CN=kube-apiserver" "IP:127.0.0.1,DNS:localhost" serverAuth
  leaf admin "/O=system:masters/CN=local-admin" "" clientAuth
  leaf webhook "/CN=waypoint-webhook" "IP:127.0.0.1,DNS:localhost" serverAuth
  openssl genrsa -out "$c/sa.key" 2048 2>/dev/null
  openssl rsa -in "$c/sa.key" -pubout -out "$c/sa.pub" 2>/dev/null
}

start_etcd() {
  load_env
  alive etcd && return 0
  setsid "$KUBEBUILDER_ASSETS/etcd" --name t --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "t=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" --log-level=warn \
    </dev/null >>"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"
  wait_200 etcd etcd "http://127.0.0.1:$ETCD_PORT/health" 30
}

start_apiserver() {
  load_env
  alive apiserver && return 0
  local c="$dir/pki"
  setsid "$KUBEBUILDER_ASSETS/kube-apiserver" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port="$API_PORT" --etcd-servers="http://127.0.0.1:$ETCD_PORT" --service-cluster-ip-range=10.0.0.0/24 \
    --endpoint-reconciler-type=none --authorization-mode=RBAC \
    --client-ca-file="$c/ca.crt" --tls-cert-file="$c/apiserver.crt" --tls-private-key-file="$c/apiserver.key" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$c/sa.pub" --service-account-signing-key-file="$c/sa.key" \
    --enable-admission-plugins=NamespaceLifecycle,ServiceAccount,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
    </dev/null >>"$dir/apiserver.log" 2>&1 &
  echo $! >"$dir/apiserver.pid"
  wait_200 kube-apiserver apiserver "https://127.0.0.1:$API_PORT/readyz" 150 --cacert "$c/ca.crt" --cert "$c/admin.crt" --key "$c/admin.key"
}

kubeconfig() { # FILE USER-YAML
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $dir/pki/ca.crt
users:
- name: $2
  user:
$3
contexts:
- name: local
  context: {cluster: local, user: $2}
current-context: local
EOF
}

# deploy/base rendered by the real kustomize.
render() {
  mkdir -p "$dir/rendered"
  kubectl kustomize "$repo/deploy/base" >"$dir/rendered/base.yaml"
}

cmd_up() {
  assets
  [ -f "$dir/env" ] && alive apiserver && die "a cluster is already running from $dir (stop it first: $0 stop)"
  # A fresh state folder; only ever one this script made (or an empty one) is cleared.
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/env" ]; then
    die "$dir is not empty and not a local cluster's state folder: set LOCAL_CLUSTER_DIR elsewhere"
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  cat >"$dir/env" <<EOF
KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS
ETCD_PORT=$(free_port)
ETCD_PEER_PORT=$(free_port)
API_PORT=$(free_port)
WEBHOOK_PORT=$(free_port)
HEALTH_PORT=$(free_port)
EOF
  load_env
  make_certs
  kubeconfig "$dir/admin.kubeconfig" admin "    client-certificate: $dir/pki/admin.crt
    client-key: $dir/pki/admin.key"
  start_etcd
  start_apiserver
  export KUBECONFIG="$dir/admin.kubeconfig"
  kubectl apply -f "$crds" >/dev/null
  kubectl wait --for=condition=Established --timeout=120s -f "$crds" >/dev/null
  render
  # Only what the webhook's identity needs from the render: Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding.
  split_kinds Namespace ServiceAccount ClusterRole ClusterRoleBinding >"$dir/rendered/identity.yaml"
  kubectl create -f "$dir/rendered/identity.yaml" >/dev/null
  # No controller-manager runs: nothing creates a namespace's `default` ServiceAccount, without which the
  # ServiceAccount admission plugin refuses every Pod before any webhook sees it. Made here for `default`.
  kubectl create serviceaccount default -n default >/dev/null
  local token
  token=$(kubectl create token waypoint-webhook -n waypoint-system --duration=24h)
  kubeconfig "$dir/webhook.kubeconfig" waypoint-webhook "    token: $token"
  say "control plane up: kube-apiserver https://127.0.0.1:$API_PORT, etcd http://127.0.0.1:$ETCD_PORT"
}

# The rendered objects of the given kinds, as a YAML stream.
split_kinds() {
  awk -v kinds=" $* " '
    function flush() { if (doc != "" && index(kinds, " " kind " ") > 0) printf "---\n%s", doc; doc = ""; kind = "" }
    /^---/ { flush(); next }
    /^kind: / { kind = $2 }
    { doc = doc $0 "\n" }
    END { flush() }' "$dir/rendered/base.yaml"
}

webhook_dll() {
  if [ -n "${WEBHOOK_DLL:-}" ]; then echo "$WEBHOOK_DLL"; return; fi
  say "building src/WaypointWebhook"
  dotnet build "$repo/src/WaypointWebhook/WaypointWebhook.csproj" -nologo -v q -o "$dir/bin" >"$dir/build.log" 2>&1 ||
    { cat "$dir/build.log" >&2; die "dotnet build failed"; }
  echo "$dir/bin/WaypointWebhook.dll"
}

cmd_webhook_start() {
  load_env
  alive webhook && return 0
  local dll; dll=$(webhook_dll)
  [ -f "$dll" ] || die "$dll does not exist"
  # As deploy/base runs it (POD_NAMESPACE, serve's flags), with a kubeconfig holding only the
  # ServiceAccount's token; no shutdown delay (no Service endpoints to drain here). Note: serve has no
  # bind-address flag and listens on every interface; the API server is told 127.0.0.1 only.
  POD_NAMESPACE=waypoint-system Webhook__ShutdownDelaySeconds=0 KUBECONFIG= \
    setsid dotnet "$dll" serve --kubeconfig "$dir/webhook.kubeconfig" --port "$WEBHOOK_PORT" --health-port "$HEALTH_PORT" \
    --tls-cert-file "$dir/pki/webhook.crt" --tls-private-key-file "$dir/pki/webhook.key" ${WEBHOOK_ARGS:-} \
    </dev/null >>"$dir/webhook.log" 2>&1 &
  echo $! >"$dir/webhook.pid"
  wait_200 "the webhook" webhook "http://127.0.0.1:$HEALTH_PORT/readyz" 120
  say "webhook ready: https://127.0.0.1:$WEBHOOK_PORT (health and /metrics on http://127.0.0.1:$HEALTH_PORT)"
}

cmd_register() {
  load_env
  export KUBECONFIG="$dir/admin.kubeconfig"
  [ -f "$dir/rendered/base.yaml" ] || render
  local ca kind file paths i patch
  ca=$(base64 -w0 <"$dir/pki/ca.crt")
  for kind in ValidatingWebhookConfiguration MutatingWebhookConfiguration; do
    file="$dir/rendered/$kind.yaml"
    split_kinds "$kind" >"$file"
    # Each webhook's service reference becomes url https://127.0.0.1:PORT<its path>, trusted by the test CA.
    paths=$(kubectl patch --local -f "$file" --type=merge -p '{}' -o jsonpath='{range .webhooks[*]}{.clientConfig.service.path}{"\n"}{end}')
    patch="["; i=0
    for p in $paths; do
      [ $i -gt 0 ] && patch+=","
      patch+="{\"op\":\"replace\",\"path\":\"/webhooks/$i/clientConfig\",\"value\":{\"url\":\"https://127.0.0.1:$WEBHOOK_PORT$p\",\"caBundle\":\"$ca\"}}"
      i=$((i + 1))
    done
    patch+="]"
    [ $i -gt 0 ] || die "no webhooks in the rendered $kind"
    kubectl patch --local -f "$file" --type=json -p "$patch" -o yaml >"$dir/rendered/$kind.local.yaml"
    kubectl apply -f "$dir/rendered/$kind.local.yaml" >/dev/null
  done
  # The API server takes a moment to start calling a new configuration: probe with a Gateway it must deny.
  local deadline=$(( $(date +%s) + 60 )) out
  while :; do
    out=$(kubectl create --dry-run=server -f - 2>&1 <<EOF || true
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: local-cluster-probe, namespace: default, labels: {istio.io/waypoint-for: bogus}}
spec: {gatewayClassName: istio-waypoint, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
EOF
)
    case $out in *InvalidTrafficType*) break ;; esac
    [ "$(date +%s)" -ge "$deadline" ] && die "the API server does not call the webhook after 60s: $out"
    sleep 0.2
  done
  say "webhook configurations registered; the API server calls the webhook"
}

cmd_start() {
  cmd_up
  cmd_webhook_start
  cmd_register
  cat <<EOF

The local cluster is running (state and logs in $dir). Use it with:

  export KUBECONFIG=$dir/admin.kubeconfig
  kubectl apply -f $repo/deploy/examples/cluster/namespaces.yaml   # namespaces first
  kubectl apply -f $repo/deploy/examples/cluster/                  # the waypoint classes and Gateways
  kubectl apply -f $repo/deploy/examples/manifests/                # see the denials and warnings
  tail -f $dir/webhook.log
  curl http://127.0.0.1:$HEALTH_PORT/unbound                       # consumers a waypoint change left unbound

No controller-manager, scheduler or istiod runs: Pods stay Pending, a Gateway gets no status.addresses
(so references to it warn [WaypointIsNotReady] "not programmed"; set one with
kubectl patch gateway -n default waypoint --subresource=status --type=merge -p '{"status":{"addresses":[{"type":"IPAddress","value":"10.0.0.20"}]}}'),
and a new namespace has no default ServiceAccount (before creating Pods there:
kubectl create serviceaccount default -n NAMESPACE).

Stop it with: ${LOCAL_CLUSTER_DIR:+LOCAL_CLUSTER_DIR=$dir }$0 stop
EOF
}

cmd_stop() {
  [ -d "$dir" ] || { say "nothing to stop in $dir"; return 0; }
  stop_pid webhook
  stop_pid apiserver 30
  stop_pid etcd
  say "stopped (state left in $dir)"
}

cmd_status() {
  load_env
  local n
  for n in etcd apiserver webhook; do
    if alive "$n"; then echo "$n: running (pid $(cat "$dir/$n.pid"))"; else echo "$n: stopped"; fi
  done
  echo "export KUBECONFIG=$dir/admin.kubeconfig"
}

# A start that fails half-way stops what it started.
on_failure() { local rc=$?; [ "$rc" -eq 0 ] || [ ! -f "$dir/env" ] || { say "failed; stopping what was started"; cmd_stop; }; exit "$rc"; }

case "${1:-}" in
  start) trap on_failure EXIT; cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  up) trap on_failure EXIT; cmd_up ;;
  webhook-start) cmd_webhook_start ;;
  webhook-stop) stop_pid webhook ;;
  register) cmd_register ;;
  apiserver-stop) stop_pid apiserver 30 ;;
  apiserver-start) start_apiserver ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
