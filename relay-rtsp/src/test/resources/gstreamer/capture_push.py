#!/usr/bin/python3
"""Records what an RTSP publisher (ANNOUNCE/RECORD over TCP interleaved) sends: the SDP, then every interleaved
frame as <channel byte><2-byte length><frame>. Usage: capture_push.py PORT OUT_PREFIX SECONDS. Test tooling only: it made the captures in captures/latm (rtspclientsink with protocols=tcp, FFmpeg with
-rtsp_transport tcp -rtpflags latm)."""
import socket, sys, time

port, prefix, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(1); srv.settimeout(20)
print("ready", flush=True)
c, _ = srv.accept(); c.settimeout(5)
buf = b""; frames = open(prefix + ".frames", "wb"); end = None
def reply(cseq, extra=""):
    c.sendall(("RTSP/1.0 200 OK\r\nCSeq: %s\r\n%s\r\n" % (cseq, extra)).encode())
while end is None or time.time() < end:
    try:
        data = c.recv(65536)
    except socket.timeout:
        break
    if not data:
        break
    buf += data
    while buf:
        if buf[0] == 0x24:
            if len(buf) < 4: break
            n = int.from_bytes(buf[2:4], "big")
            if len(buf) < 4 + n: break
            frames.write(buf[1:2] + buf[2:4] + buf[4:4 + n]); buf = buf[4 + n:]; continue
        head_end = buf.find(b"\r\n\r\n")
        if head_end < 0: break
        head = buf[:head_end].decode(); lines = head.split("\r\n")
        headers = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        length = int(headers.get("content-length", "0"))
        if len(buf) < head_end + 4 + length: break
        body = buf[head_end + 4:head_end + 4 + length]; buf = buf[head_end + 4 + length:]
        method = lines[0].split(" ")[0]; cseq = headers.get("cseq", "0")
        if method == "ANNOUNCE":
            open(prefix + ".sdp", "wb").write(body); reply(cseq)
        elif method == "SETUP":
            reply(cseq, "Transport: %s\r\nSession: 12345678;timeout=60\r\n" % headers["transport"])
        elif method == "RECORD":
            reply(cseq, "Session: 12345678\r\n"); end = time.time() + seconds
        elif method == "OPTIONS":
            reply(cseq, "Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN\r\n")
        else:
            reply(cseq)
frames.close(); c.close()
