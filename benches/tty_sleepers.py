#!/usr/bin/env python3
"""N idle sleepers that share this process's controlling terminal.

The shared harness's workload calls setsid(), so its sleepers have no
terminal; whytop treats terminal processes differently (their foreground
group can change without them running), so it is measured on these too.
Run it inside a pseudo-terminal (a tmux pane, or `script`), then measure with
`monitor-overhead.sh --procs 0`. SIGTERM/SIGHUP/SIGINT kill and reap the
sleepers by pid; each also ends on its own after --lifetime seconds.
"""
import argparse
import os
import signal
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, required=True)
    ap.add_argument("--lifetime", type=int, default=1800)
    ap.add_argument("--ready-file", required=True)
    args = ap.parse_args()
    children = []

    def stop(*_):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        os._exit(0)

    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, stop)
    for _ in range(args.procs):
        children.append(os.posix_spawn("/bin/sleep", ["tty-idle", str(args.lifetime)], {}))
    with open(args.ready_file + ".tmp", "w") as f:
        f.write(f"{os.getpid()} {len(children)} {os.ttyname(0) if os.isatty(0) else '-'}\n")
    os.rename(args.ready_file + ".tmp", args.ready_file)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(args.lifetime)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
