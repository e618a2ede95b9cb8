#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this).
# 1. Makes sure the real peers the tests use are installed (ffmpeg, chromium, GStreamer's RTSP server, nftables,
#    iproute2): installs them with apt when run as root on Debian/Ubuntu, otherwise prints what to install and fails.
# 2. Runs ./mvnw -B verify (unit, property, interop and server tests; checkstyle; bounded jcstress run).
# 3. Runs scripts/smoke-relay.sh: the README's ./relay command, end to end, as a user would.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/java.sh
source scripts/lib/java.sh

APT_PACKAGES=(ffmpeg chromium nodejs nftables iproute2 curl openssl gstreamer1.0-tools gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-rtsp
  gir1.2-gst-rtsp-server-1.0 python3-gi python3-gst-1.0)

missing_tools() {
  local t
  for t in ffmpeg ffprobe chromium node gst-launch-1.0 nft ip curl openssl; do
    command -v "$t" >/dev/null 2>&1 || echo "$t"
  done
  # GStreamer's RTSP server through Debian's own python3 (the first python3 on the PATH may lack gi).
  /usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer' \
    >/dev/null 2>&1 || echo "python3-gi+GstRtspServer"
}

missing=$(missing_tools)
if [ -n "$missing" ]; then
  echo "Missing test tools: $(echo "$missing" | tr '\n' ' ')"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing: ${APT_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
    missing=$(missing_tools)
    if [ -n "$missing" ]; then
      echo "error: still missing after apt-get install: $missing" >&2
      exit 1
    fi
  else
    echo "error: install them first, e.g. as root on Debian/Ubuntu:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
fi

find_java
echo "Using $JAVA (JDK $JAVA_MAJOR)"
./mvnw -B verify
./scripts/smoke-relay.sh
