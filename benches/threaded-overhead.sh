#!/usr/bin/env bash
# whytop's overhead with P processes of T threads each (idle, or each using a
# little CPU every refresh), measured by the shared harness with no workload of
# its own. Usage: benches/threaded-overhead.sh idle|busy MONITOR_CMD [harness options...]
# PROCS and THREADS set the shape (50 and 20 by default).
set -euo pipefail
mode=$1 cmd=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
ready=$(mktemp -u /tmp/threaded-procs.XXXXXX)
python3 "$here/threaded_procs.py" --procs "${PROCS:-50}" --threads "${THREADS:-20}" \
  --mode "$mode" --ready-file "$ready" &
workload=$!
cleanup() {
  kill -TERM "$workload" 2>/dev/null || true
  wait "$workload" 2>/dev/null || true
  rm -f "$ready"
}
trap cleanup EXIT INT TERM HUP
for _ in $(seq 600); do [[ -f $ready ]] && break; sleep 0.2; done
[[ -f $ready ]] || { echo "workload not ready" >&2; exit 1; }
"${HARNESS:-/work/shared/bench/monitor-overhead.sh}" --name "whytop-threads-$mode" \
  --monitor "$cmd" --procs 0 "$@"
