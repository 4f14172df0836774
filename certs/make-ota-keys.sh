#!/usr/bin/env bash
# Makes a DEVELOPMENT key pair for signed OTA images. The private key signs images
# (npm run sign); the gateway holds only the public key. Never ship a development key.
#
# usage: certs/make-ota-keys.sh [OUT_DIR] [rsa2048|rsa4096|p256]
#   OUT_DIR   created if missing (default .data/ota-keys, which git ignores);
#             refuses to overwrite an existing ota-private.pem
#   type      rsa2048 (default: fastest check on the ESP32), rsa4096, or p256 (ECDSA P-256)
#
# Output: OUT_DIR/ota-private.pem (mode 600) and OUT_DIR/ota-public.pem. To make a gateway
# accept images signed with it, give it ota-public.pem (the Node host reads
# certs/ota-public.pem; copy it there) and sign with: npm run sign -- IMAGE --key OUT_DIR/ota-private.pem
set -euo pipefail

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

out=${1:-.data/ota-keys}
type=${2:-rsa2048}

command -v openssl >/dev/null || { echo "openssl not found (apt-get install openssl)" >&2; exit 1; }
case $type in
  rsa2048) args=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
  rsa4096) args=(-algorithm RSA -pkeyopt rsa_keygen_bits:4096) ;;
  p256) args=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve) ;;
  *) echo "unknown key type '$type' (rsa2048, rsa4096 or p256)" >&2; exit 2 ;;
esac

mkdir -p "$out"
if [ -e "$out/ota-private.pem" ]; then
  echo "$out/ota-private.pem exists; refusing to overwrite a signing key (remove it first)" >&2
  exit 1
fi

(umask 077 && openssl genpkey "${args[@]}" -out "$out/ota-private.pem" 2>/dev/null)
openssl pkey -in "$out/ota-private.pem" -pubout -out "$out/ota-public.pem"
echo "made $type key pair: $out/ota-private.pem (keep it secret) and $out/ota-public.pem"
