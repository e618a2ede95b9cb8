#!/usr/bin/env bash
# End-to-end check of the README's run command, as a newcomer uses it: ./relay starts, prints the admin key and
# URLs, the demo camera goes live with its codec facts, a session is created and revoked through the API,
# /metrics shows the demo's frames rising, and SIGTERM exits with status 0 within 5 s.
# Bounded: every wait has a limit; the relay is stopped by its PID whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PY=/usr/bin/python3
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
free_udp_port() { $PY -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

export RELAY_HTTP_PORT=$(free_port) RELAY_RTSP_PORT=$(free_port) RELAY_WEBRTC_PORT=$(free_udp_port)
export RELAY_BIND=127.0.0.1 RELAY_ADMIN_KEY=smoke-admin-key-$$
base="http://127.0.0.1:$RELAY_HTTP_PORT"
log=$(mktemp)
passed=0
fail() { echo "SMOKE FAIL: $*" >&2; echo "--- relay output ---" >&2; cat "$log" >&2; kill -9 "$pid" 2>/dev/null || true; exit 1; }
ok() { passed=$((passed + 1)); echo "smoke ok: $*"; }

./relay > "$log" 2>&1 &
pid=$!
trap 'kill -9 "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || fail "relay exited before becoming ready"
  sleep 0.5
done
curl -fsS -o /dev/null "$base/readyz" || fail "not ready within 60 s"
ok "ready on $base"

grep -q "$RELAY_ADMIN_KEY" "$log" || fail "admin key not printed"
grep -q "/play/demo" "$log" || fail "demo player URL not printed"
grep -q "/dashboard" "$log" || fail "dashboard URL not printed"
ok "printed admin key, dashboard and player URLs"

auth=(-H "Authorization: Bearer $RELAY_ADMIN_KEY")
cams=$(curl -fsS "${auth[@]}" "$base/api/v1/cameras") || fail "GET /api/v1/cameras"
echo "$cams" | $PY -c '
import json, sys
cams = json.load(sys.stdin)
cams = cams.get("cameras", cams) if isinstance(cams, dict) else cams
demo = [c for c in cams if c["id"] == "demo"]
assert demo, "demo camera not listed"
d = demo[0]
assert d["state"] == "live", d
text = json.dumps(d)
assert "H264" in text.upper(), d
assert "640" in text and "360" in text, d
' || fail "demo camera not live with codec facts: $cams"
ok "demo camera live with codec facts"

# The whole scrape first, then awk: awk leaving at its first match must not break curl's pipe (pipefail).
frames() { local m; m=$(curl -fsS "$base/metrics") && awk '/^relay_camera_frames_in_total\{.*camera="demo"/ {print $NF; exit}' <<<"$m"; }
f1=$(frames); sleep 1.5; f2=$(frames)
$PY -c "import sys; sys.exit(0 if float('${f2:-0}') > float('${f1:-0}') > 0 else 1)" || fail "demo frames not rising: $f1 -> $f2"
ok "metrics show demo frames rising ($f1 -> $f2)"

created=$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' \
  -d '{"protocol":"hls","ttlSeconds":60,"viewer":"smoke"}' "$base/api/v1/cameras/demo/sessions") \
  || fail "create session"
sid=$(echo "$created" | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d["token"] and d["hlsUrl"] and d["whepUrl"]; print(d["sessionId"])') \
  || fail "session response incomplete: $created"
ok "session $sid created"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "${auth[@]}" "$base/api/v1/sessions/$sid")
[ "$code" = 204 ] || fail "revoke returned $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "${auth[@]}" "$base/api/v1/sessions/$sid")
ok "session revoked (second DELETE: $code)"

code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' "$base/api/v1/cameras")
[ "$code" = 401 ] || fail "wrong admin key gave $code"
ok "wrong admin key refused"

# --- RTSP ingest (issue 3): a camera pulled from GStreamer's RTSP server and one pushed by FFmpeg, both added
# through the API, both live in GET /api/v1/cameras with their codec facts. Each process is bounded by `timeout`
# and killed by its PID (with its child) on exit.
rtsp_pids=()
stop_rtsp() {
  for p in "${rtsp_pids[@]}"; do { pkill -9 -P "$p"; kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
  rtsp_pids=()
}
trap 'stop_rtsp; kill -9 "$pid" 2>/dev/null || true; rm -f "$log" "$log.gst" "$log.ffmpeg"' EXIT
gst_port=$(free_port)
timeout 90 $PY relay-rtsp/src/test/resources/gstreamer/rtsp_camera.py "$gst_port" cam secret > "$log.gst" 2>&1 &
rtsp_pids+=("$!")
for _ in $(seq 1 60); do grep -q ready "$log.gst" 2>/dev/null && break; sleep 0.25; done
grep -q ready "$log.gst" || fail "GStreamer RTSP camera did not start (python3-gi, gir1.2-gst-rtsp-server-1.0): $(cat "$log.gst")"
post() { curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -d "$1" "$base/api/v1/cameras" > /dev/null; }
post "{\"id\":\"smoke-pull\",\"source\":\"rtsp://cam:secret@127.0.0.1:$gst_port/cam\"}" || fail "add pull camera"
post '{"id":"smoke-push","publish":{"user":"pusher","password":"push-secret"}}' || fail "add push camera"
timeout 60 ffmpeg -nostdin -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi \
  -i sine=sample_rate=48000 -t 45 -c:v libx264 -tune zerolatency -g 25 -c:a aac \
  -f rtsp -rtsp_transport tcp "rtsp://pusher:push-secret@127.0.0.1:$RELAY_RTSP_PORT/smoke-push" > "$log.ffmpeg" 2>&1 &
rtsp_pids+=("$!")
rtsp_check='
import json, sys
cams = {c["id"]: c for c in json.load(sys.stdin)["cameras"]}
pull, push = cams["smoke-pull"], cams["smoke-push"]
assert pull["state"] == "live" and push["state"] == "live", (pull["state"], push["state"])
assert pull["codecs"] == ["H264"] and (pull["width"], pull["height"], pull["fps"]) == (320, 240, 25.0), pull
assert pull["transport"] == "udp", pull
assert push["codecs"] == ["H264", "AAC"] and (push["width"], push["height"], push["fps"]) == (640, 360, 25.0), push
assert push["profile"] == "High" and push["transport"] == "tcp", push
'
rtsp_ok=""
for _ in $(seq 1 60); do
  cams=$(curl -fsS "${auth[@]}" "$base/api/v1/cameras") || fail "GET /api/v1/cameras"
  if echo "$cams" | $PY -c "$rtsp_check" 2>/dev/null; then rtsp_ok=1; break; fi
  sleep 0.5
done
[ -n "$rtsp_ok" ] || { echo "$cams" | $PY -c "$rtsp_check" || true; fail "pull and push cameras not live with codec facts: $cams; ffmpeg: $(cat "$log.ffmpeg")"; }
ok "pulled GStreamer camera (H264 320x240@25, UDP) and FFmpeg push (H264 High 640x360@25 + AAC) live"
stop_rtsp

start=$(date +%s%N)
kill -TERM "$pid"
status=0
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "still running 6 s after SIGTERM"; fi
wait "$pid" || status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$status" = 0 ] || fail "exit status $status after SIGTERM"
[ "$ms" -le 5000 ] || fail "SIGTERM took ${ms} ms"
ok "SIGTERM: exit 0 in ${ms} ms"
echo "smoke: $passed passed, 0 failed"
