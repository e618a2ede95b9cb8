#!/usr/bin/env python3
"""Turns a capture of capture-rtsp-push.py into a depacketizer or RTCP seed for the fuzz tests (docs/fuzzing.md).

Usage: interleaved-to-seed.py CAPTURE CHANNEL OUT [MAX_PACKETS]
Writes the interleaved frames (RFC 2326 §10.12) of CHANNEL, in order, each as a 2-byte big-endian length and the
packet: the input format of RtspFuzzTest's depacketizer targets. At most MAX_PACKETS (default 200). RTSP messages
between the frames are skipped.
"""
import re, sys
data = open(sys.argv[1], 'rb').read()
channel, limit = int(sys.argv[2]), int(sys.argv[4]) if len(sys.argv) > 4 else 200
out, i, n = bytearray(), 0, 0
while i + 4 <= len(data) and n < limit:
    if data[i] == 0x24:
        length = (data[i + 2] << 8) | data[i + 3]
        if data[i + 1] == channel:
            out += length.to_bytes(2, 'big') + data[i + 4:i + 4 + length]
            n += 1
        i += 4 + length
        continue
    end = data.find(b'\r\n\r\n', i)
    if end < 0:
        break
    m = re.search(rb'Content-Length:\s*(\d+)', data[i:end], re.I)
    i = end + 4 + (int(m.group(1)) if m else 0)
open(sys.argv[3], 'wb').write(out)
print(n, 'packets of channel', channel)
