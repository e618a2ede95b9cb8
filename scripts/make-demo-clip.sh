#!/usr/bin/env bash
# Makes the demo camera's clip (relay-server/src/main/resources/demo/demo.h264), once; the result is committed.
# 4 s of 640x360 at 25 fps, Constrained Baseline (plays in every browser, also over WebRTC), one IDR per second,
# every frame tagged with the SEI camera tag "DEMO" (test-rig.md), SPS/PPS repeated before every frame.
#
# FFmpeg 5.1's h264_metadata appends the tag SEI *after* the slices of IDR pictures (it looks for type-1 slices
# only), which is not a conforming access unit (H.264 7.4.1.2.3: SEI precedes the first VCL NAL unit). So the
# filter also inserts access unit delimiters, and the short Python step below moves each SEI in front of its
# picture's first slice and drops the delimiters again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/relay-server/src/main/resources/demo/demo.h264"
tmp=$(mktemp --suffix=.h264)
trap 'rm -f "$tmp"' EXIT
timeout 60 ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=640x360:rate=25 -t 4 \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryfast -tune zerolatency \
  -g 25 -keyint_min 25 -sc_threshold 0 -b:v 600k -maxrate 800k -bufsize 600k -x264-params nal-hrd=none \
  -flags +global_header \
  -bsf:v "dump_extra=freq=all,h264_metadata=aud=insert:sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+DEMO" \
  -f h264 "$tmp"
/usr/bin/python3 - "$tmp" "$out" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
starts = [m.start() for m in re.finditer(b'\x00\x00\x01', data)]
nals = [data[s + 3:(starts[i + 1] if i + 1 < len(starts) else len(data))].rstrip(b'\x00')
        for i, s in enumerate(starts)]
units, unit = [], []
for nal in nals:
    if nal[0] & 0x1f == 9:  # access unit delimiter: a new access unit begins
        if unit:
            units.append(unit)
        unit = []
    else:
        unit.append(nal)
units.append(unit)
with open(sys.argv[2], 'wb') as f:
    for unit in units:
        slices = [n for n in unit if 1 <= n[0] & 0x1f <= 5]
        others = [n for n in unit if not 1 <= n[0] & 0x1f <= 5]
        for nal in others + slices:  # SPS, PPS, SEI, then the picture's slices
            f.write(b'\x00\x00\x00\x01' + nal)
PY
echo "wrote $out ($(stat -c %s "$out") bytes)"
