#!/usr/bin/env bash
# Installs what the console's end-to-end browser test (ConsoleBrowserTest) drives: Debian's
# chromium and chromium-driver (Selenium talks to chromedriver; both must be the same version, which
# Debian's packages guarantee). Idempotent: does nothing when both are on PATH. Needs root (or sudo)
# and apt.
set -euo pipefail

PACKAGES=(chromium chromium-driver)

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  echo "browser test dependencies already installed ($(chromium --version 2>/dev/null | head -1))"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to apt-get install ${PACKAGES[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "installed ${PACKAGES[*]} but chromium or chromedriver is still not on PATH" >&2
  exit 1
fi
echo "browser test dependencies installed ($(chromium --version 2>/dev/null | head -1))"
