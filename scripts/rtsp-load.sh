#!/usr/bin/env bash
# RTSP ingest load: N push cameras, each an FFmpeg re-publishing a pre-encoded tagged clip in real time
# (ffmpeg -stream_loop -1 -re -i clip -c copy -f rtsp), into one relay on 127.0.0.1. Reports the relay's CPU per
# camera and per Mbit/s ingested (CPU % is of one core, from /proc/PID/stat over the window), and frames received
# per second per camera against what the clip holds (video + AAC frames over its duration: 250 + 470 in 10.02 s, so
# 71.85/s; AAC at 48 kHz is 46.875 frames/s, plus the encoder's priming frame). Over TCP nothing can be lost;
# TRANSPORT=udp shows loss as fewer frames and in relay_rtsp_rtp_packets_lost_total (over the window).
# The window is measured between two single scrapes of /metrics, each timed where it is taken (frames, bytes and
# loss come from the same scrape), so the time of the other API calls is not counted as frames/s.
#   scripts/rtsp-load.sh [N ...]      default: 10 50 100; TRANSPORT=tcp|udp (default tcp), SECONDS_MEASURED (20)
#   BREAKDOWN=1 also prints the relay's CPU per thread group (thread names without their numbers) over the window.
# Bounded: every process runs under `timeout` and is killed by its PID at the end; traffic stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/load.sh
source scripts/lib/load.sh
TRANSPORT=${TRANSPORT:-tcp}
MEASURE=${SECONDS_MEASURED:-20}
WARMUP=5
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(10 50 100)
live_count() { curl -fsS "${auth[@]}" "$base/api/v1/cameras" | { grep -o '"state":"live"' || true; } | wc -l; }
# The same for the relay's RTSP event-loop threads only (Netty threads named relay-rtsp-*): RTSP receive,
# depacketizing and publishing into the buffers, without the HLS segmenters, HTTP and the JVM's own threads.
rtsp_ticks() {
  local t comm
  for t in /proc/"$1"/task/*; do
    read -r comm < "$t/comm" 2>/dev/null || continue
    case "$comm" in relay-rtsp*) awk '{print $14 + $15}' "$t/stat" 2>/dev/null ;; esac
  done | awk '{ s += $1 } END { print s + 0 }'
}
hz=$(getconf CLK_TCK)

clip="$work/clip.mkv"
timeout 120 ffmpeg -nostdin -loglevel error -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi \
  -i sine=sample_rate=48000 -t 10 -c:v libx264 -tune zerolatency -g 25 -c:a aac \
  -bsf:v "dump_extra=freq=all,h264_metadata=sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+LOAD" "$clip"
# Frames per second the clip holds, looped: all its frames (video and audio) over its duration.
expected=$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames:format=duration -of csv=p=0 "$clip" \
  | awk 'NF { v[NR] = $1 } END { n = 0; for (i = 1; i < NR; i++) n += v[i]; printf "%.2f", n / v[NR] }')
sum_metric() { awk -v m="$1" '$0 ~ "^" m "\\{" || $0 ~ "^" m " " { s += $NF } END { printf "%d", s }' "$2"; }
# "TID group ticks" for every relay thread; the group is the thread name without digits and dashes at its end.
thread_ticks() {
  local t comm
  for t in /proc/"$1"/task/*; do
    read -r comm < "$t/comm" 2>/dev/null || continue
    echo "${t##*/} $(echo "$comm" | sed 's/[-0-9]*$//' | tr ' ' '_') $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done
}
# One scrape, timed: prints "seconds ticks" around it (their midpoint is the sample's time) into $2.
sample() {
  local a b
  a=$(date +%s.%N); curl -fsS "$base/metrics" > "$1"; b=$(date +%s.%N)
  local mid
  mid=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.6f", (a + b) / 2 }')
  echo "$mid $(ticks "$jvm_pid") $(rtsp_ticks "$jvm_pid")" > "$2"
}

printf '%-6s %-9s %-12s %-13s %-14s %-14s %-16s %-40s %s\n' cameras transport "relay CPU %" "RTSP loops %" \
  "CPU %/camera" "ingest Mbit/s" "CPU %/(Mbit/s)" "frames/s/camera (clip: $expected)" "RTP packets lost"
for n in "${counts[@]}"; do
  export RELAY_HTTP_PORT=$(free_port) RELAY_RTSP_PORT=$(free_port) RELAY_WEBRTC_PORT=0 RELAY_BIND=127.0.0.1
  export RELAY_ADMIN_KEY=rtsp-load-admin-key-$$ RELAY_DEMO=false RELAY_MAX_CAMERAS=$((n + 1))
  base="http://127.0.0.1:$RELAY_HTTP_PORT"
  auth=(-H "Authorization: Bearer $RELAY_ADMIN_KEY")
  start_relay "$work/relay-$n.log" $((MEASURE + 300))
  for i in $(seq 1 "$n"); do
    curl -fsS "${auth[@]}" -H 'Content-Type: application/json' \
      -d "{\"id\":\"load-$i\",\"publish\":{\"user\":\"u\",\"password\":\"p\"}}" "$base/api/v1/cameras" > /dev/null
  done
  for i in $(seq 1 "$n"); do
    timeout $((WARMUP + MEASURE + 30)) ffmpeg -nostdin -loglevel error -stream_loop -1 -re -i "$clip" -c copy \
      -f rtsp -rtsp_transport "$TRANSPORT" "rtsp://u:p@127.0.0.1:$RELAY_RTSP_PORT/load-$i" \
      > "$work/ffmpeg-$n-$i.log" 2>&1 &
    pids+=("$!")
  done
  # Warm-up: until every camera is live (50 FFmpegs take a while to start on 2 cores), then a few seconds more.
  for _ in $(seq 1 120); do
    [ "$(live_count)" -ge "$n" ] && break
    sleep 0.5
  done
  sleep "$WARMUP"
  live0=$(live_count)
  thread_ticks "$jvm_pid" > "$work/threads0"
  sample "$work/m0" "$work/s0"
  sleep "$MEASURE"
  sample "$work/m1" "$work/s1"
  thread_ticks "$jvm_pid" > "$work/threads1"
  live1=$(live_count)
  read -r s0 t0 r0 < "$work/s0"; read -r s1 t1 r1 < "$work/s1"
  frames0=$(sum_metric relay_camera_frames_in_total "$work/m0")
  frames1=$(sum_metric relay_camera_frames_in_total "$work/m1")
  bytes0=$(sum_metric relay_camera_bytes_in_total "$work/m0")
  bytes1=$(sum_metric relay_camera_bytes_in_total "$work/m1")
  lost0=$(sum_metric relay_rtsp_rtp_packets_lost_total "$work/m0")
  lost1=$(sum_metric relay_rtsp_rtp_packets_lost_total "$work/m1")
  awk -v n="$n" -v tr="$TRANSPORT" -v t0="$t0" -v t1="$t1" -v r0="$r0" -v r1="$r1" -v hz="$hz" \
      -v s0="$s0" -v s1="$s1" \
      -v f0="$frames0" -v f1="$frames1" -v b0="$bytes0" -v b1="$bytes1" -v l0="$live0" -v l1="$live1" \
      -v lost="$((lost1 - lost0))" 'BEGIN {
    secs = s1 - s0; cpu = 100 * (t1 - t0) / hz / secs; mbps = 8 * (b1 - b0) / secs / 1e6
    rtsp = 100 * (r1 - r0) / hz / secs
    printf "%-6d %-9s %-12.1f %-13.1f %-14.2f %-14.1f %-16.2f %-40s %s\n", n, tr, cpu, rtsp, cpu / n, mbps, \
      cpu / mbps, \
      sprintf("%.2f (live %d/%d then %d/%d)", (f1 - f0) / secs / n, l0, n, l1, n), lost
  }'
  if [ "${BREAKDOWN:-0}" = 1 ]; then
    awk -v hz="$hz" -v secs="$MEASURE" 'NR == FNR { before[$1] = $3; next }
      { g[$2] += $3 - ($1 in before ? before[$1] : 0) }
      END { for (k in g) if (g[k] > 0) printf "    %-24s %6.1f %% of a core\n", k, 100 * g[k] / hz / secs }' \
      "$work/threads0" "$work/threads1" | sort -k2 -n -r | head -12
  fi
  for p in "${pids[@]}"; do stop "$p"; done
  pids=()
  sleep 1
done
