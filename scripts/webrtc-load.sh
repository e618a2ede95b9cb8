#!/usr/bin/env bash
# WebRTC egress load (issue 5 §8): one 2 Mbit/s push camera (FFmpeg re-publishing a pre-encoded, tagged 1280x720
# H.264 clip in real time with -c copy, so no encoder runs during the measurement) to N WHEP viewers, each a real
# Java WHEP peer (ICE, DTLS-SRTP, H.264 reassembly, SEI tag check) in a load JVM of its own (WhepLoadClient), so it
# shares neither heap nor threads with the relay. Per N it reports the relay's CPU (% of one core, /proc/PID/stat over
# the window) and per viewer, the relay-internal latency from /metrics (frame published by ingest -> its last packet
# handed to the UDP loop; HdrHistogram, the window's interval), the viewers' frames, losses, foreign/broken frames and
# first-frame times (WHEP answer -> first whole access unit, handshakes included).
#   scripts/webrtc-load.sh [N ...]      default: 1 10 50 100; SECONDS_MEASURED (default 20), WARMUP_SECONDS (15)
# Bounded: every process runs under `timeout` and is killed by its PID at the end; traffic stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
find_java
# shellcheck source=lib/load.sh
source scripts/lib/load.sh
MEASURE=${SECONDS_MEASURED:-20}
WARMUP=${WARMUP_SECONDS:-15}  # after the viewers are up: the relay JIT-compiles its send path first
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(1 10 50 100)
hz=$(getconf CLK_TCK)
metric() { curl -fsS "$base/metrics" | awk -v m="$1" 'index($0, m) == 1 && !done {print $NF; done = 1}'; }

echo "building the relay and the load client..." >&2
# One invocation, so the reactor's own modules resolve to what this build packaged.
./mvnw -B -q -pl relay-server -am package org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -DskipTests -Dcheckstyle.skip -Djcstress.skip -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2
cp="relay-server/target/test-classes:relay-server/target/classes:$(cat "$work/cp.txt")"

clip="$work/clip.mkv"
timeout 300 ffmpeg -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=25 -t 20 \
  -c:v libx264 -preset veryfast -tune zerolatency -g 50 -b:v 2M -maxrate 2M -bufsize 2M \
  -bsf:v "dump_extra=freq=all,h264_metadata=sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+LOAD-CAM" "$clip"

echo "load average at start: $(cat /proc/loadavg)"
printf '%-7s %-8s %-10s %-13s %-10s %-10s %-10s %-10s %-12s %-22s %-26s %s\n' viewers "CPU %" "CPU %/view" \
  "egress Mbit/s" "lat p50" "lat p99" "lat p99.9" "lat max" "frames/s/v" "lost/broken/foreign" "first frame p50/p95/max" "send dropped"
for n in "${counts[@]}"; do
  export RELAY_HTTP_PORT=$(free_port) RELAY_RTSP_PORT=$(free_port) RELAY_WEBRTC_PORT=0 RELAY_BIND=127.0.0.1
  export RELAY_ADMIN_KEY=webrtc-load-admin-key-$$ RELAY_DEMO=false RELAY_MAX_SESSIONS_PER_CAMERA=$((n + 10))
  base="http://127.0.0.1:$RELAY_HTTP_PORT"
  auth=(-H "Authorization: Bearer $RELAY_ADMIN_KEY")
  start_relay "$work/relay-$n.log" $((MEASURE + 300))
  curl -fsS "${auth[@]}" -H 'Content-Type: application/json' \
    -d '{"id":"load-cam","publish":{"user":"u","password":"p"}}' "$base/api/v1/cameras" > /dev/null
  timeout $((MEASURE + 240)) ffmpeg -nostdin -loglevel error -stream_loop -1 -re -i "$clip" -c copy \
    -f rtsp -rtsp_transport tcp "rtsp://u:p@127.0.0.1:$RELAY_RTSP_PORT/load-cam" > "$work/ffmpeg-$n.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 60); do
    curl -fsS "${auth[@]}" "$base/api/v1/cameras/load-cam" | grep -c '"state":"live"' > /dev/null && break
    sleep 0.5
  done
  timeout $((MEASURE + 300)) "$JAVA" $(relay_jvm_flags) -Xmx1g -cp "$cp" dev.camrelay.server.webrtc.WhepLoadClient \
    "$base" "$RELAY_ADMIN_KEY" load-cam LOAD-CAM "$n" $((WARMUP + MEASURE + 2)) > "$work/load-$n.log" 2>&1 &
  load_pid=$!
  pids+=("$load_pid")
  for _ in $(seq 1 240); do
    grep -q '^CONNECTED' "$work/load-$n.log" && break
    kill -0 "$load_pid" 2>/dev/null || { echo "load client exited:" >&2; cat "$work/load-$n.log" >&2; exit 1; }
    sleep 0.5
  done
  sleep "$WARMUP"
  # Every scrape starts a new latency interval: exactly one at the start and one at the end of the window.
  bytes0=$(metric relay_whep_bytes_sent_total)
  t0=$(ticks "$jvm_pid"); s0=$(date +%s.%N)
  sleep "$MEASURE"
  t1=$(ticks "$jvm_pid"); s1=$(date +%s.%N)
  curl -fsS "$base/metrics" > "$work/metrics-$n.txt"
  bytes1=$(awk 'index($0, "relay_whep_bytes_sent_total ") == 1 {print $NF; exit}' "$work/metrics-$n.txt")
  dropped=$(awk 'index($0, "relay_whep_send_dropped_total ") == 1 {printf "%d", $NF; exit}' "$work/metrics-$n.txt")
  q() { awk -v m="relay_whep_frame_latency_seconds{quantile=\"$1\",window=\"interval\"}" \
      'index($0, m) == 1 {printf "%.2f", $NF * 1000; exit}' "$work/metrics-$n.txt"; }
  p50=$(q 0.5); p99=$(q 0.99); p999=$(q 0.999); pmax=$(q 1.0)
  for _ in $(seq 1 120); do
    grep -q '^RESULT' "$work/load-$n.log" && break
    sleep 0.5
  done
  result=$(grep '^RESULT' "$work/load-$n.log" | sed 's/^RESULT //')
  [ -n "$result" ] || { echo "no result from the load client:" >&2; tail -20 "$work/load-$n.log" >&2; exit 1; }
  echo "$result" > "$work/result-$n.json"
  $PY - "$n" "$t0" "$t1" "$hz" "$s0" "$s1" "$bytes0" "$bytes1" "$p50" "$p99" "$p999" "$pmax" "$work/result-$n.json" \
    "$dropped" <<'EOF'
import json, sys
n, t0, t1, hz, s0, s1, b0, b1 = int(sys.argv[1]), *map(float, sys.argv[2:9])
p50, p99, p999, pmax = sys.argv[9:13]
r = json.load(open(sys.argv[13]))
secs = s1 - s0
cpu = 100 * (t1 - t0) / hz / secs
mbps = 8 * (b1 - b0) / secs / 1e6
fps = r["framesPerViewerMin"] / r["seconds"]
print(f'{n:<7} {cpu:<8.1f} {cpu / n:<10.2f} {mbps:<13.1f} {p50:<10} {p99:<10} {p999:<10} {pmax:<10} '
      f'{fps:<12.1f} {r["lostPackets"]}/{r["brokenFrames"]}/{r["foreignFrames"]:<16} '
      f'{r["firstFrameMillisMedian"]:.0f}/{r["firstFrameMillisP95"]:.0f}/{r["firstFrameMillisMax"]:.0f} ms'
      f'   {sys.argv[14]}')
EOF
  for p in "${pids[@]}"; do stop "$p"; done
  pids=()
  sleep 1
done
echo "load average at end: $(cat /proc/loadavg)"
echo "(latency in ms; frames/s/v: the slowest viewer's, after all were connected; first frame: WHEP answer to the"
echo " first whole access unit, ICE and DTLS included; lost/broken/foreign and send dropped: over the whole run)"
