#!/usr/bin/env bash
# Makes a DEVELOPMENT certificate set for MQTTS: a CA, a broker (server) certificate signed by it
# and a gateway (client) certificate for mutual TLS. Never use these keys in production.
#
# usage: certs/make-dev-certs.sh OUT_DIR [SERVER_NAME ...]
#   OUT_DIR       created if missing; refuses to overwrite an existing ca.key
#   SERVER_NAME   host names or IP addresses the broker certificate is valid for
#                 (default: localhost 127.0.0.1 ::1)
# env: DAYS (validity, default 825), CLIENT_CN (default tinybms-gw), KEY_BITS (RSA, default 2048)
#
# Output: ca.crt ca.key server.crt server.key client.crt client.key (PEM). The broker gets
# ca.crt + server.*; the gateway gets ca.crt (and client.* for mutual TLS).
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

out=$1
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(localhost 127.0.0.1 ::1)
days=${DAYS:-825}
client_cn=${CLIENT_CN:-tinybms-gw}
bits=${KEY_BITS:-2048}

command -v openssl >/dev/null || { echo "openssl not found (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
if [ -e "$out/ca.key" ]; then
  echo "$out/ca.key exists; refusing to overwrite a CA (remove the folder first)" >&2
  exit 1
fi

# subjectAltName: IPs (v4 or v6) as IP:, everything else as DNS:.
san=""
for name in "${names[@]}"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then entry="IP:$name"; else entry="DNS:$name"; fi
  san="${san:+$san,}$entry"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" -out "$1" 2>/dev/null; }

# CA
key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" -subj "/O=TinyBMS-GW development/CN=TinyBMS-GW dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$out/ca.crt"

# sign NAME CN EXTENSIONS: a key, a request and a certificate signed by the CA
sign() {
  local name=$1 cn=$2 extensions=$3
  key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/O=TinyBMS-GW development/CN=$cn" -out "$work/$name.csr"
  printf '%s\n' "$extensions" >"$work/$name.ext"
  openssl x509 -req -in "$work/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -CAserial "$work/ca.srl" \
    -sha256 -days "$days" -extfile "$work/$name.ext" -out "$out/$name.crt" 2>/dev/null
}

sign server "${names[0]}" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san"

sign client "$client_cn" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

chmod 644 "$out"/*.crt
echo "development certificates in $out (server names: ${names[*]}; client CN: $client_cn)"
