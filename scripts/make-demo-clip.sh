#!/usr/bin/env bash
# Makes the demo camera's clip (relay-server/src/main/resources/demo/demo.h264), once; the result is committed.
# 4 s of 640x360 at 25 fps, Constrained Baseline (plays in every browser, also over WebRTC), one IDR per second,
# every frame tagged with the SEI camera tag "DEMO" (test-rig.md), SPS/PPS repeated before every frame.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/relay-server/src/main/resources/demo/demo.h264"
timeout 60 ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=640x360:rate=25 -t 4 \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryfast -tune zerolatency \
  -g 25 -keyint_min 25 -sc_threshold 0 -b:v 600k -maxrate 800k -bufsize 600k -x264-params nal-hrd=none -flags +global_header \
  -bsf:v "dump_extra=freq=all,h264_metadata=sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+DEMO" \
  -f h264 "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
