#!/usr/bin/env python3
"""Records what an RTSP publisher (FFmpeg) sends, as seeds for the fuzz tests (docs/fuzzing.md).

Usage: capture-rtsp-push.py OUT_FILE PORT   then, within 20 s:
       ffmpeg -re ... -f rtsp -rtsp_transport tcp rtsp://127.0.0.1:PORT/x
Answers OPTIONS/ANNOUNCE/SETUP/RECORD with 200 OK on 127.0.0.1 only, and writes every byte received for 4 s
(at most 200 kB) to OUT_FILE. A capture tool, not a server: no auth, no validation.
"""
import socket, sys, re, time
out = open(sys.argv[1], 'wb')
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[2]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); c.settimeout(5)
buf = b''; total = 0; t0 = time.time()
while time.time() - t0 < 4 and total < 200000:
    try:
        d = c.recv(65536)
    except socket.timeout:
        break
    if not d: break
    out.write(d); total += len(d); buf += d
    while True:
        m = re.search(rb'^(OPTIONS|ANNOUNCE|SETUP|RECORD|TEARDOWN|GET_PARAMETER)[^\r\n]*\r\n(.*?)\r\n\r\n', buf, re.S | re.M)
        if not m: break
        head = m.group(0)
        cl = re.search(rb'Content-Length:\s*(\d+)', head, re.I)
        end = m.end() + (int(cl.group(1)) if cl else 0)
        if len(buf) < end: break
        cseq = re.search(rb'CSeq:\s*(\d+)', head, re.I).group(1)
        extra = b''
        if m.group(1) == b'SETUP':
            tr = re.search(rb'Transport:\s*([^\r\n]+)', head, re.I).group(1)
            extra = b'Transport: ' + tr + b'\r\nSession: 12345678\r\n'
        elif m.group(1) in (b'RECORD',):
            extra = b'Session: 12345678\r\n'
        elif m.group(1) == b'OPTIONS':
            extra = b'Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN\r\n'
        c.sendall(b'RTSP/1.0 200 OK\r\nCSeq: ' + cseq + b'\r\n' + extra + b'\r\n')
        buf = buf[end:]
c.close(); out.close()
