#!/usr/bin/env bash
# LL-HLS egress load: one relay (the built-in demo camera: 640x360, 25 fps, 1 s GOP, 200 ms parts) and a load client
# in its own JVM (scripts/hls-load/LlHlsLoadClient.java: Netty, one event loop) playing N players at once, each with
# its own viewer session and connection:
# a blocking reload for the next part, then that part, as hls.js does at the live edge. Reports, per N, the time from
# a part being complete at the relay (its EXT-X-PROGRAM-DATE-TIME-dated end) to the client receiving the blocked
# reload that lists it (p50/p99/max), reloads answered per second, errors, and the relay's CPU (% of one core, from
# /proc/PID/stat over the window); and, measured by the relay itself and read from its /metrics at the start and end
# of the window (relay_hls_reload_latency_seconds), the time from the arrival of the frame that completed the awaited
# part (the frame after it: a part is closed when the next one begins) to the held response
# written to the socket (p50/p90/p99/p99.9/max): the figure the p99 < 20 ms target is judged by.
#   scripts/hls-load.sh [N ...]     default: 1 100 1000; SECONDS_MEASURED (default 10)
#   WARMUP_SECONDS (default 30): the players play this long before the window opens. A fresh relay pinned to one core
#   is still JIT-compiling its serving path for 20-40 s (perf: C2 took a third of the core 38-43 s after start at
#   N = 1000, 2 % at 40-45 s with a 33 s warm-up), and the figure is meant to be the steady state.
#   PIN=1 (default): the relay on CPU 1, the client on CPU 0 (taskset), so they do not compete for one core; PIN=0: not
# Bounded: every process runs under `timeout` and is killed by its PID at the end; traffic stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib/java.sh
source scripts/lib/java.sh
find_java
# shellcheck source=lib/load.sh
source scripts/lib/load.sh
MEASURE=${SECONDS_MEASURED:-10}
WARMUP=${WARMUP_SECONDS:-30}
PIN=${PIN:-1}
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(1 100 1000)
relay_cpu=(); client_cpu=()
if [ "$PIN" = 1 ]; then relay_cpu=(taskset -c 1); client_cpu=(taskset -c 0); fi

# Build once (./relay builds on first use or when sources changed).
RELAY_HTTP_PORT=0 timeout 600 ./relay --help > /dev/null
echo "hls-load: $(date -u +%FT%TZ), $(nproc) CPUs, pinned=$PIN, load before: $(cat /proc/loadavg)"
for n in "${counts[@]}"; do
  export RELAY_HTTP_PORT=$(free_port) RELAY_RTSP_PORT=0 RELAY_WEBRTC_PORT=0 RELAY_BIND=127.0.0.1
  export RELAY_ADMIN_KEY=hls-load-admin-key-$$ RELAY_MAX_SESSIONS_PER_CAMERA=$((n + 10))
  base="http://127.0.0.1:$RELAY_HTTP_PORT"
  start_relay "$work/relay-$n.log" $((MEASURE + 600)) "${relay_cpu[@]}"
  # shellcheck disable=SC2046
  timeout $((MEASURE + 300)) "${client_cpu[@]}" "$JAVA" $(relay_jvm_flags) -Dclk.tck="$(getconf CLK_TCK)" \
    -cp relay-server/target/relay-server.jar scripts/hls-load/LlHlsLoadClient.java \
    "$base" "$RELAY_ADMIN_KEY" demo "$n" "$MEASURE" "$jvm_pid" "$WARMUP" &
  client=$!
  pids+=("$client")
  wait "$client"
  stop "$relay_pid"
done
echo "hls-load: load after: $(cat /proc/loadavg)"
