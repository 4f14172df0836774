#!/usr/bin/env bash
# Installs what the integration tests need beyond npm: Mosquitto (MQTT tests), Chromium (web UI
# tests, driven by playwright-core), promtool (Prometheus format check), openssl (test certs),
# socat (PTY pairs for the real serial-port test).
# Idempotent; skips what is already present. Needs root (CI runs as root) or sudo.
set -euo pipefail

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto mosquitto-clients)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v socat >/dev/null 2>&1 || need+=(socat)

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${need[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian mosquitto package may start a system broker on 1883; tests use their own ports.
