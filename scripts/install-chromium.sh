#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives it; no test tool ever
# downloads a browser of its own). Idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "install-chromium: $(chromium --version 2>/dev/null | head -n1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
echo "install-chromium: $(chromium --version 2>/dev/null | head -n1)"
