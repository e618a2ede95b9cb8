# What the load scripts (rtsp-load.sh, webrtc-load.sh, hls-load.sh) share: bounded child processes stopped by their
# PID, free ports, CPU ticks from /proc, and starting one relay and waiting until it is ready. Sourced, after
# scripts/lib/java.sh; sets PY, work (a temporary folder removed at exit) and pids (stopped at exit).
PY=/usr/bin/python3
work=$(mktemp -d)
pids=()
# Each process runs under `timeout`; killing `timeout` alone would orphan its child, so its children go first.
stop() { pkill -9 -P "$1" 2>/dev/null || true; kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
cleanup() { for p in "${pids[@]}"; do stop "$p"; done; rm -rf "$work"; }
trap cleanup EXIT
trap 'echo "$(basename "$0"): failed at line $LINENO" >&2' ERR
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, in clock ticks

# start_relay LOG SECONDS [PREFIX...]: ./relay (with the RELAY_* environment already exported) under `timeout SECONDS`,
# optionally behind a prefix command such as `taskset -c 1`; waits up to 2 minutes for /readyz on $base. Sets
# relay_pid (the process to stop) and jvm_pid (the relay's JVM, whose /proc/PID/stat the CPU figures read).
start_relay() {
  local log=$1 seconds=$2
  shift 2
  timeout "$seconds" "$@" ./relay > "$log" 2>&1 &
  relay_pid=$!
  pids+=("$relay_pid")
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
    kill -0 "$relay_pid" 2>/dev/null || { echo "relay exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  jvm_pid=$(pgrep -P "$relay_pid" java || echo "$relay_pid")
  [ -r "/proc/$jvm_pid/stat" ] || jvm_pid=$relay_pid
}
