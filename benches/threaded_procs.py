#!/usr/bin/env python3
"""P processes of T threads each, for measuring a monitor on threaded programs.

Each process's main thread joins its workers (a futex wait, as most threaded
programs sit). `--mode idle`: every worker sleeps. `--mode busy`: every worker
wakes every 100 ms and spins for 0.1 ms, so every process uses a little CPU
every refresh (about 2 % of a core each; 50 of them are one core) but stays
under whytop's 10 % busy threshold, the case where its threads are read.
Writes "READY pids..." to --ready-file; SIGTERM/SIGHUP/SIGINT kill and reap
the children by pid; each also ends on its own after --lifetime seconds.
"""
import argparse
import os
import signal
import sys
import threading
import time


def worker(mode: str, lifetime: float) -> None:
    end = time.time() + lifetime
    while time.time() < end:
        if mode == "busy":
            t = time.perf_counter()
            while time.perf_counter() - t < 0.0001:
                pass
            time.sleep(0.1)
        else:
            time.sleep(min(60.0, max(0.0, end - time.time())))


def child(threads: int, mode: str, lifetime: float) -> None:
    ts = [threading.Thread(target=worker, args=(mode, lifetime), daemon=True)
          for _ in range(threads - 1)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    os._exit(0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, default=50)
    ap.add_argument("--threads", type=int, default=20)
    ap.add_argument("--mode", choices=["idle", "busy"], default="idle")
    ap.add_argument("--lifetime", type=float, default=1800)
    ap.add_argument("--ready-file", required=True)
    args = ap.parse_args()
    children = []

    def stop(*_):
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
        sys.exit(0)

    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, stop)
    for _ in range(args.procs):
        pid = os.fork()
        if pid == 0:
            child(args.threads, args.mode, args.lifetime)
        children.append(pid)
    time.sleep(1)
    with open(args.ready_file, "w") as f:
        f.write(f"{os.getpid()} {' '.join(map(str, children))}\n")
    signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
