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

frames() { curl -fsS "$base/metrics" | awk '/^relay_camera_frames_in_total\{.*camera="demo"/ {print $NF; exit}'; }
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
