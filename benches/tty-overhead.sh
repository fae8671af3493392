#!/usr/bin/env bash
# whytop's overhead with N idle sleepers on a terminal (a tmux pane of a
# private tmux server), measured by the shared harness with no workload of its
# own. Usage: benches/tty-overhead.sh N MONITOR_CMD [harness options...]
set -euo pipefail
n=$1 cmd=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
sock="whytop-ttybench-$$"
ready=$(mktemp -u /tmp/tty-sleepers.XXXXXX)
cleanup() {
  if [[ -f $ready ]]; then kill -TERM "$(cut -d' ' -f1 "$ready")" 2>/dev/null || true; fi
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -f "$ready"
}
trap cleanup EXIT INT TERM HUP
tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 30 \
  "python3 $here/tty_sleepers.py --procs $n --ready-file $ready"
for _ in $(seq 600); do [[ -f $ready ]] && break; sleep 0.2; done
[[ -f $ready ]] || { echo "sleepers not ready" >&2; exit 1; }
echo "sleepers: $(cat "$ready")" >&2
"${HARNESS:-/work/shared/bench/monitor-overhead.sh}" --name whytop-tty --monitor "$cmd" --procs 0 "$@"
