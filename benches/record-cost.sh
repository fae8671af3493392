#!/usr/bin/env bash
# What the recorder costs at N idle processes (default 5,000) and a 1 s interval:
# CPU per sample with and without writing, and database bytes per hour.
#   benches/record-cost.sh [N] [SAMPLES] [WHYTOP]
set -euo pipefail
N=${1:-5000}
S=${2:-60}
BIN=${3:-$PWD/target/release/whytop}
work=$(mktemp -d)
python3 "$(dirname "$0")/../../shared/bench/workload.py" --procs "$N" --lifetime 900 \
  --workdir "$work" --ready-file "$work/ready" > /dev/null &
wl=$!
trap 'kill -TERM $wl 2>/dev/null; wait $wl 2>/dev/null; rm -rf "$work"' EXIT
until [ -s "$work/ready" ]; do sleep 0.5; done
cpu() { # user+system seconds of one run of the command
  /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'
}
nowrite=$(cpu "$BIN" record --interval 1 --db "$work/n.sqlite" --samples "$S" --no-write)
deltas=$(cpu "$BIN" record --interval 1 --db "$work/d.sqlite" --samples "$S")
keyframes=$(cpu "$BIN" record --interval 1 --db "$work/k.sqlite" --samples 10 --keyframe 0.1)
d=$(stat -c %s "$work/d.sqlite")
k=$(stat -c %s "$work/k.sqlite")
procs=$(sqlite3 "$work/d.sqlite" 'SELECT max(procs) FROM samples' 2>/dev/null || echo "?")
python3 - "$N" "$S" "$nowrite" "$deltas" "$keyframes" "$d" "$k" "$procs" <<'PY'
import sys
n, s, nowrite, deltas, keyf, d, k, procs = sys.argv[1:]
s = int(s); nowrite, deltas, keyf = float(nowrite), float(deltas), float(keyf)
d, k = int(d), int(k)
per_key = k / 10                      # every sample a keyframe
per_delta = max(d - per_key, 0) / (s - 1)  # the first sample is a keyframe
hour = 12 * per_key + (3600 - 12) * per_delta
print(f"idle processes: {n} (procs seen {procs}), {s} samples at 1 s")
print(f"CPU per sample, sampling only:      {nowrite / s * 1000:.1f} ms")
print(f"CPU per sample, sampling + writing: {deltas / s * 1000:.1f} ms  (writing: {(deltas - nowrite) / s * 1000:.1f} ms)")
print(f"CPU per keyframe sample:            {keyf / 10 * 1000:.1f} ms")
print(f"bytes: keyframe {per_key / 1024:.0f} KiB, delta sample {per_delta / 1024:.1f} KiB")
print(f"database growth: {hour / 1e6:.1f} MB per hour (a keyframe every 5 minutes)")
PY
