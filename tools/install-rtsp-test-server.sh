#!/usr/bin/env bash
# Installs what tools/rtsp/rtsp_loop.py (the RTSP test server of the connectors tests) needs:
# GStreamer's RTSP server with Python bindings, from Debian's packages (about 104 MB).
# Idempotent: does nothing when /usr/bin/python3 can already load the bindings and the plugins the
# server's pipeline uses (filesrc, qtdemux, h264parse, rtph264pay). Needs root (or sudo) and apt.
set -euo pipefail

PYTHON=/usr/bin/python3   # Debian's python3-gi installs for the system interpreter only
PACKAGES=(gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base
          gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-tools)

ready() {
  [ -x "$PYTHON" ] || return 1
  "$PYTHON" - <<'PY' >/dev/null 2>&1
import gi
gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer
Gst.init(None)
missing = [e for e in ('filesrc', 'qtdemux', 'h264parse', 'rtph264pay', 'queue')
           if Gst.ElementFactory.find(e) is None]
raise SystemExit(1 if missing else 0)
PY
}

if ready; then
  echo "RTSP test server dependencies already installed"
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

if ! ready; then
  echo "installed ${PACKAGES[*]} but $PYTHON still cannot load GstRtspServer and the plugins" >&2
  exit 1
fi
echo "RTSP test server dependencies installed"
