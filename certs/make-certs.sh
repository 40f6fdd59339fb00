#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook, for local runs, tests and the plain install.
#
#   certs/make-certs.sh [--service NAME] [--namespace NS] [--out DIR] [--days N]
#
# The serving certificate names the Service the API server calls (<service>.<namespace>.svc and
# .svc.cluster.local) plus localhost and 127.0.0.1 for local use. Writes ca.crt, ca.key, tls.crt
# (leaf then CA), tls.key into DIR (default: certs/out). Needs only openssl.
set -euo pipefail

service=waypoint-webhook
namespace=waypoint-system
out="$(cd "$(dirname "$0")" && pwd)/out"
days=365

while [ $# -gt 0 ]; do
  case "$1" in
    --service) service="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
cd "$out"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
  -subj "/CN=waypoint-webhook-ca" -keyout ca.key -out ca.crt \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

cat > serving.cnf <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = ${service}.${namespace}.svc
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:${service},DNS:${service}.${namespace},DNS:${service}.${namespace}.svc,DNS:${service}.${namespace}.svc.cluster.local,DNS:localhost,IP:127.0.0.1
CNF

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out serving.csr -config serving.cnf 2>/dev/null
openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
  -extfile serving.cnf -extensions ext -out leaf.crt 2>/dev/null
cat leaf.crt ca.crt > tls.crt
rm -f serving.csr leaf.crt ca.srl serving.cnf
chmod 600 ca.key tls.key

echo "wrote $out/{ca.crt,ca.key,tls.crt,tls.key} for ${service}.${namespace}.svc, localhost, 127.0.0.1 (valid ${days} days)"
