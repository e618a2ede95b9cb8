#!/usr/bin/env bash
# StreamBuffer benchmarks (JMH, with -prof gc): publish and fan-out read for 1, 16 and 200 KiB frames and 1, 10 and
# 100 readers, against a plain copy of the same bytes, Agrona's broadcast buffer and the LMAX Disruptor, all in one
# run. Prints a Markdown table with ratios to the plain copy (the figures of docs/benchmarks.md) and keeps the raw
# CSV in benchmarks/target/jmh-ring.csv.
#   scripts/bench-ring.sh            the documented run (2 forks x 5 x 1 s measurement)
#   FORKS=1 ITER=3 scripts/bench-ring.sh   a quicker look
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/java.sh
source scripts/lib/java.sh
find_java
if [ ! -f benchmarks/target/benchmarks.jar ] || [ -n "$(find relay-core/src benchmarks/src -newer benchmarks/target/benchmarks.jar -print -quit)" ]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests -Dcheckstyle.skip >&2
fi
csv=benchmarks/target/jmh-ring.csv
# shellcheck disable=SC2046
"$JAVA" $(relay_jvm_flags) -jar benchmarks/target/benchmarks.jar 'FanOutBenchmark|PublishBenchmark' \
  -f "${FORKS:-2}" -wi "${WARMUP:-3}" -w 1 -i "${ITER:-5}" -r 1 -prof gc -rf csv -rff "$csv" >&2
/usr/bin/python3 - "$csv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
score = {}
alloc = {}
for r in rows:
    b = r['Benchmark']
    name = b[b.index('Benchmark.') + len('Benchmark.'):]
    key = (name, r.get('Param: frameSize', ''), r.get('Param: readers', ''))
    if name.endswith(':gc.alloc.rate.norm'):
        alloc[(name.split(':')[0],) + key[1:]] = float(r['Score'])
    elif ':' not in name:
        score[key] = (float(r['Score']), float(r['Score Error (99.9%)'] or 0))
def fmt(k):
    s, e = score[k]
    return f"{s:,.0f} ± {e:,.0f}"
print("### Publish (one frame into the ring; ns/op, lower is better)\n")
print("| frame | plain copy | StreamBuffer | ratio | Agrona broadcast | Disruptor | StreamBuffer B/op |")
print("|---|---|---|---|---|---|---|")
for size in ("1024", "16384", "204800"):
    base = score[("plainCopy", size, "")][0]
    sb = score[("streamBufferPublish", size, "")][0]
    print(f"| {int(size)//1024} KiB | {fmt(('plainCopy', size, ''))} | {fmt(('streamBufferPublish', size, ''))} "
          f"| **{sb/base:.2f}x** | {fmt(('agronaBroadcastTransmit', size, ''))} | {fmt(('disruptorPublish', size, ''))} "
          f"| {alloc.get(('streamBufferPublish', size, ''), float('nan')):.3f} |")
print("\n### Fan-out (one frame published and copied out by every reader; ns/op, lower is better)\n")
print("| frame | readers | plain copy (N copies) | StreamBuffer (publish + N reads) | ratio | read ratio | "
      "Agrona broadcast | Disruptor | StreamBuffer B/op |")
print("|---|---|---|---|---|---|---|---|---|")
for size in ("1024", "16384", "204800"):
    for readers in ("1", "10", "100"):
        k = lambda n: (n, size, readers)
        base = score[k("plainCopy")][0]
        sb = score[k("streamBuffer")][0]
        reads = sb - score[("streamBufferPublish", size, "")][0]
        print(f"| {int(size)//1024} KiB | {readers} | {fmt(k('plainCopy'))} | {fmt(k('streamBuffer'))} | {sb/base:.2f}x "
              f"| **{reads/base:.2f}x** "
              f"| {fmt(k('agronaBroadcast'))} | {fmt(k('disruptor'))} | {alloc.get(k('streamBuffer'), float('nan')):.3f} |")
PY
