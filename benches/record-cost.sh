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
# The first pass is cold (every process read in full): measured alone and taken off.
cold=$(cpu "$BIN" record --interval 1 --db "$work/c.sqlite" --samples 1 --no-write)
nowrite=$(cpu "$BIN" record --interval 1 --db "$work/n.sqlite" --samples "$S" --no-write)
deltas=$(cpu "$BIN" record --interval 1 --db "$work/d.sqlite" --samples "$S")
keyframes=$(cpu "$BIN" record --interval 1 --db "$work/k.sqlite" --samples 10 --keyframe 0.1)
q() { sqlite3 "$work/d.sqlite" "$1"; }
procs=$(q 'SELECT max(procs) FROM samples')
rows=$(q 'SELECT count(*) FROM proc_samples')
key_rows=$(q 'SELECT count(*) FROM proc_samples r JOIN samples s ON s.id = r.sample_id WHERE s.keyframe = 1')
row_bytes=$(q "SELECT sum(pgsize) FROM dbstat WHERE name IN ('proc_samples', 'proc_samples_sample')")
sample_bytes=$(q "SELECT sum(pgsize) FROM dbstat WHERE name IN ('samples', 'samples_taken_at')")
changed=$(q "SELECT group_concat(what || ' ' || n, ', ') FROM (SELECT CASE
  WHEN b.why != a.why THEN 'why' WHEN b.state != a.state THEN 'state'
  WHEN b.cpu_time_s != a.cpu_time_s THEN 'cpu time' WHEN b.cpu_percent != a.cpu_percent THEN 'cpu %'
  WHEN b.rss != a.rss THEN 'rss' ELSE 'other or keyframe' END AS what, count(*) AS n
  FROM proc_samples b JOIN proc_samples a ON a.proc_id = b.proc_id AND a.sample_id =
  (SELECT max(sample_id) FROM proc_samples WHERE proc_id = b.proc_id AND sample_id < b.sample_id)
  GROUP BY what)")
python3 - "$N" "$S" "$cold" "$nowrite" "$deltas" "$keyframes" "$procs" "$rows" "$key_rows" "$row_bytes" "$sample_bytes" "$changed" <<'PY'
import sys
n, s, cold, nowrite, deltas, keyf, procs, rows, key_rows, row_bytes, sample_bytes, changed = sys.argv[1:]
s = int(s); cold, nowrite, deltas, keyf = float(cold), float(nowrite), float(deltas), float(keyf)
warm = lambda total, k: (total - cold) / (k - 1) * 1000
procs, rows, key_rows, row_bytes, sample_bytes = map(int, (procs, rows, key_rows, row_bytes, sample_bytes))
per_row = row_bytes / rows
delta_rows = (rows - key_rows) / (s - 1)
hour = (12 * procs + (3600 - 12) * delta_rows) * per_row + 3600 * sample_bytes / s
print(f"idle processes: {n} (processes seen {procs}), {s} samples at 1 s")
print(f"CPU, the cold first pass:           {cold * 1000:.0f} ms")
print(f"CPU per warm sample, sampling only: {warm(nowrite, s):.1f} ms")
print(f"CPU per warm sample, with writing:  {warm(deltas, s):.1f} ms  (writing: {warm(deltas, s) - warm(nowrite, s):.1f} ms)")
print(f"CPU per keyframe sample:            {warm(keyf, 10):.1f} ms")
print(f"rows: {per_row:.0f} bytes each, {delta_rows:.0f} changed a sample ({changed})")
print(f"database growth: {hour / 1e6:.1f} MB per hour (a keyframe every 5 minutes)")
PY
