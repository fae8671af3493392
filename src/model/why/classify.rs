//! The classifier: pure, total, and honest about weak evidence.

use super::WaitReason::*;
use super::evidence::{Evidence, FdRole, Syscall, SyscallState, UnreadableWhy};
use super::fds::{self, Use};
use super::judgement::Judgement;
use super::{ProcessWhy, Verdict, wchan};
use crate::model::ProcState;

/// Judges one process (its main thread) or one thread.
pub fn classify(e: &Evidence) -> Verdict {
    let mut j = judge(e);
    if let Some(s) = e.state {
        j.by.insert(0, format!("state {}", s.letter()));
    }
    Verdict {
        reason: j.reason,
        detail: j.detail,
        ready_for_input: j.ready,
        weak: j.weak,
        child: j.child,
        decided_by: j.by,
        evidence: e.clone(),
    }
}

/// Only the tag of `classify(e)`, without copying the evidence into a verdict
/// (the per-pass path, for every process that ran).
pub fn classify_tag(e: &Evidence) -> super::WhyTag {
    let j = judge(e);
    super::WhyTag {
        reason: j.reason,
        ready: j.ready,
        weak: j.weak,
        ..Default::default()
    }
}

/// A process's verdict from its main thread (or, in the foreground, from a
/// thread reading its terminal: see `thread_input`; for a main thread joining
/// or waiting on a futex, from the thread it waits for: see `thread_wait`),
/// and one per other thread.
pub fn classify_process(main: &Evidence, threads: &[Evidence]) -> ProcessWhy {
    classify_process_with(main, threads, None)
}

/// The same, settled against how the process spent the last interval
/// (`usage`): busy is `running` whatever its threads wait on, runnable and
/// kept off a CPU is `starved`; and against its state letter (see `settle`).
pub fn classify_process_with(
    main: &Evidence,
    threads: &[Evidence],
    usage: Option<&super::usage::CpuUsage>,
) -> ProcessWhy {
    let mut main_v = classify(main);
    let own = main_v.reason;
    let threads: Vec<Verdict> = threads
        .iter()
        .filter(|t| t.tid != Some(main.pid))
        .map(classify)
        .collect();
    let busy = usage.is_some_and(|u| u.busy());
    if let Some(v) = super::thread_input::combine(&main_v, &threads) {
        main_v = v;
    } else if !busy && let Some(v) = super::thread_wait::combine(&main_v, &threads) {
        main_v = v;
    }
    if let Some(state) = main.state {
        super::settle::settle_verdict(&mut main_v, state, usage, &threads);
    }
    ProcessWhy {
        main_thread: (main_v.reason != own).then_some(own),
        main: main_v,
        threads,
    }
}

fn judge(e: &Evidence) -> Judgement {
    if e.kernel_thread == Some(true) {
        return kernel_thread(e);
    }
    let mut j = judge_state(e);
    // A tracer that has not stopped it (strace between calls, a debugger after
    // `continue`) still slows and can stop it: worth a word wherever it waits.
    if let Some(t) = tracer(e)
        && !matches!(e.state, Some(ProcState::Stopped | ProcState::Traced))
    {
        j.detail.push_str(&format!("; traced by {t}"));
        j.by.push(format!("tracer {t}"));
    }
    j
}

/// `1234 (strace)`: the tracer's pid and, when read, its name.
fn tracer(e: &Evidence) -> Option<String> {
    let t = e.tracer.filter(|t| *t > 0)?;
    Some(match &e.tracer_comm {
        Some(c) => format!("{t} ({c})"),
        None => t.to_string(),
    })
}

fn judge_state(e: &Evidence) -> Judgement {
    match e.state {
        Some(ProcState::Zombie) => zombie(e),
        Some(ProcState::Dead) => Judgement::new(Zombie, "exiting (dead)"),
        Some(ProcState::Stopped) => stopped(e),
        Some(ProcState::Traced) => traced(e),
        Some(ProcState::Running) => {
            Judgement::new(Running, "on a CPU, or runnable and waiting for one")
        }
        Some(ProcState::DiskSleep) => disk(e),
        Some(ProcState::Idle) => Judgement::new(Idle, "idle kernel task"),
        Some(ProcState::Sleeping) | Some(ProcState::Unknown) | None => sleeping(e),
    }
}

fn kernel_thread(e: &Evidence) -> Judgement {
    if e.state == Some(ProcState::Running) {
        return Judgement::new(Running, "kernel thread, running").by("kernel thread");
    }
    let mut j = Judgement::new(Idle, "kernel thread waiting for work").by("kernel thread");
    if let Some(w) = e.wchan.as_deref().filter(|w| !w.is_empty() && *w != "0") {
        j.detail.push_str(&format!(" (in {w})"));
        j.by.push(format!("wchan {w}"));
    }
    if e.state == Some(ProcState::DiskSleep) {
        j.detail.push_str("; in uninterruptible wait");
    }
    j
}

fn zombie(e: &Evidence) -> Judgement {
    let parent = e
        .ppid
        .map(|p| format!("its parent {p}"))
        .unwrap_or_else(|| "its parent".into());
    match e.threads {
        Some(n) if n > 1 => Judgement::weak(
            Zombie,
            format!(
                "the main thread exited but {} other threads still run (see the threads)",
                n - 1
            ),
        ),
        _ => Judgement::new(
            Zombie,
            format!("exited; {parent} has not collected its status (wait)"),
        ),
    }
}

fn stopped(e: &Evidence) -> Judgement {
    if let Some(t) = tracer(e) {
        return Judgement::new(
            Traced,
            format!("stopped under tracer {t} (a debugger or strace)"),
        )
        .by(format!("tracer {t}"));
    }
    let mut j = Judgement::new(
        Stopped,
        "stopped by a signal (SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU): fg or kill -CONT resumes it",
    );
    if let Some(SyscallState::In(sc)) = &e.syscall
        && is_read(sc.name())
        && e.foreground() == Some(false)
        && let Some(f) = e.fds.iter().find(|f| f.fd == sc.int_arg(0))
        && let super::FdTarget::Terminal { path } = &f.target
        && e.is_own_tty(path)
    {
        j.detail = format!(
            "stopped reading its terminal {path} from the background (SIGTTIN): fg brings it forward"
        );
        j.by.push(format!("syscall {}", call(sc)));
        j.by.push(fds::fg_phrase(e));
    }
    j
}

fn traced(e: &Evidence) -> Judgement {
    match tracer(e) {
        Some(t) => Judgement::new(
            Traced,
            format!("stopped by its tracer {t} (a debugger or strace)"),
        )
        .by(format!("tracer {t}")),
        None => Judgement::new(Traced, "stopped by its tracer (a debugger or strace)"),
    }
}

fn disk(e: &Evidence) -> Judgement {
    let mut j = match &e.syscall {
        Some(SyscallState::In(sc)) => {
            let mut j = Judgement::new(Disk, format!("uninterruptible wait in {}", call(sc)));
            if let Some(f) = e
                .fds
                .iter()
                .find(|f| !f.role.watched() && f.role != FdRole::Epoll)
            {
                j.detail
                    .push_str(&format!(" on fd {} -> {}", f.fd, f.target.describe()));
            }
            j.by(format!("syscall {}", sc.name()))
        }
        Some(SyscallState::NotInSyscall { .. }) => Judgement::new(
            Disk,
            "uninterruptible wait outside a syscall: a page fault (a file mapped from disk, or swap)",
        ),
        _ => Judgement::new(
            Disk,
            "uninterruptible wait (usually disk or network filesystem I/O)",
        ),
    };
    if let Some(w) = wchan_of(e) {
        j.detail.push_str(&format!(" in kernel {w}"));
        j.by.push(format!("wchan {w}"));
    }
    j
}

fn sleeping(e: &Evidence) -> Judgement {
    match &e.syscall {
        Some(SyscallState::In(sc)) if sc.name() == "restart_syscall" => restarted(e, sc),
        Some(SyscallState::In(sc)) => match by_syscall(e, sc) {
            Some(j) => j.by(format!("syscall {}", call(sc))),
            None => from_wchan(e).unwrap_or_else(|| {
                Judgement::weak(
                    Unknown,
                    format!(
                        "sleeping in {}; whytop does not know what that waits for",
                        call(sc)
                    ),
                )
                .by(format!("syscall {}", call(sc)))
            }),
        },
        Some(SyscallState::Running) => Judgement::weak(
            Running,
            "running (it woke between reading its state and its syscall)",
        ),
        Some(SyscallState::NotInSyscall { .. }) => from_wchan(e).unwrap_or_else(|| {
            Judgement::weak(
                Unknown,
                "sleeping outside a system call (a fault or a signal stop)",
            )
        }),
        // A captured stack is what the user asked for: before the wait channel
        // (a kernel function, where it is readable at all) and the run states.
        None => super::stack_wait::judge(e)
            .or_else(|| from_wchan(e))
            .or_else(|| super::threads::judge(e))
            .unwrap_or_else(|| missing(e)),
    }
}

/// A sleep, poll or futex wait resumed after a stop or a ptrace attach: judged
/// as the call it resumed, when something tells which.
fn restarted(e: &Evidence, sc: &Syscall) -> Judgement {
    let what = "resumed after a stop or a debugger attach (restart_syscall)";
    let Some(r) = super::restart::resumed_call(e, sc) else {
        let mut gaps: Vec<String> = e
            .unreadable
            .iter()
            .filter(|u| matches!(u.what.as_str(), "stack" | "code"))
            .map(|u| format!("{}: {}", u.what, u.why))
            .collect();
        if gaps.is_empty() {
            gaps.push("its stack, wait channel and code did not tell".into());
        }
        return Judgement::weak(
            Unknown,
            format!(
                "{what}: a sleep, a poll or a futex wait, but nothing readable tells which ({})",
                gaps.join("; ")
            ),
        )
        .by(format!("syscall {}", call(sc)));
    };
    let as_if = Syscall {
        name: Some(r.call.to_string()),
        ..sc.clone()
    };
    let mut j =
        by_syscall(e, &as_if).unwrap_or_else(|| Judgement::weak(Unknown, format!("in {}", r.call)));
    j.detail = format!("{}; {what}: {}", j.detail, r.how);
    j.weak |= r.weak;
    j.by(format!("syscall {}", call(sc)))
        .by(format!("resumes {}: {}", r.call, r.how))
}

/// `read(0)`, `wait4(-1)`, `futex(0x7f..)`: the name and its first argument.
fn call(sc: &Syscall) -> String {
    match sc.name.as_deref() {
        Some(_) => sc.short_text(),
        None => format!(
            "syscall {} ({})",
            sc.nr,
            sc.arch
                .map(|a| format!("{a:?}"))
                .unwrap_or_else(|| "arch?".into())
        ),
    }
}

fn wchan_of(e: &Evidence) -> Option<&str> {
    e.wchan.as_deref().filter(|w| !w.is_empty() && *w != "0")
}

fn from_wchan(e: &Evidence) -> Option<Judgement> {
    let w = wchan_of(e)?;
    let (reason, what) = wchan::suggest(w)?;
    let why = match e.why_unreadable("syscall") {
        Some(u) => format!("its syscall is unreadable: {}", u.why),
        None if e.syscall.is_none() => "no syscall evidence".into(),
        None => "its syscall did not tell".into(),
    };
    let mut j = Judgement::weak(
        reason,
        format!("{what} (from the kernel wait channel {w} alone; {why})"),
    )
    .by(format!("wchan {w}"));
    j.ready = reason == Input && e.foreground() == Some(true);
    Some(j)
}

/// No syscall and no useful wait channel: say what is missing and what is known.
fn missing(e: &Evidence) -> Judgement {
    let mut why: Vec<String> = e
        .unreadable
        .iter()
        .filter(|u| matches!(u.what.as_str(), "syscall" | "wchan" | "stat" | "threads"))
        .map(|u| format!("{}: {}", u.what, u.why))
        .collect();
    if e.unreadable.iter().any(|u| u.why == UnreadableWhy::Gone) {
        return Judgement::weak(Unknown, "it exited while being read");
    }
    if why.is_empty() {
        why.push("this platform gives no syscall or wait-channel evidence".into());
    }
    let state = match e.state {
        Some(s) => format!("state {}", s.letter()),
        None => "state unknown".into(),
    };
    let mut detail = format!("{state}, cannot tell why: {}", why.join("; "));
    if e.foreground() == Some(true) {
        detail.push_str(&format!(
            "; it is the foreground job of {}",
            e.tty.as_deref().unwrap_or("its terminal")
        ));
    }
    if let Some(kids) = e.live_children().filter(|k| !k.is_empty()) {
        detail.push_str(&format!(
            "; it has live children: {}",
            Evidence::some_children(&kids)
        ));
    }
    Judgement::weak(Unknown, detail)
}

fn is_read(n: &str) -> bool {
    matches!(n, "read" | "readv" | "pread64" | "preadv" | "preadv2")
}

/// The judgement the current syscall gives, if whytop knows the syscall.
fn by_syscall(e: &Evidence, sc: &Syscall) -> Option<Judgement> {
    let n = sc.name.as_deref()?;
    let fd0 = sc.int_arg(0);
    Some(match n {
        _ if is_read(n) => on_fd(e, sc, fd0, Use::Read),
        "write" | "writev" | "pwrite64" | "pwritev" | "pwritev2" => on_fd(e, sc, fd0, Use::Write),
        "recvfrom" | "recvmsg" | "recvmmsg" => on_fd(e, sc, fd0, Use::Read),
        "sendto" | "sendmsg" | "sendmmsg" => on_fd(e, sc, fd0, Use::Write),
        "accept" | "accept4" => on_fd(e, sc, fd0, Use::Accept),
        "connect" => on_fd(e, sc, fd0, Use::Connect),
        "poll" | "ppoll" | "select" | "pselect6" | "epoll_wait" | "epoll_pwait"
        | "epoll_pwait2" => poll(e, sc),
        "nanosleep" | "clock_nanosleep" => Judgement::new(Timer, "sleeping for a set time"),
        "wait4" | "waitid" => super::children::wait(e, sc),
        "futex" | "futex_wait" | "futex_waitv" => futex(e, sc),
        "flock" => file_lock(e, fd0, "an flock lock"),
        "fcntl" if matches!(sc.int_arg(1), 7 | 38) => file_lock(e, fd0, "a POSIX record lock"),
        "semop" | "semtimedop" => Judgement::new(Lock, "waiting on a System V semaphore"),
        "msgrcv" | "mq_timedreceive" => {
            Judgement::new(Pipe, "waiting for a message on a message queue")
        }
        "msgsnd" | "mq_timedsend" => Judgement::new(Pipe, "message queue full: waiting to send"),
        "pause" | "rt_sigsuspend" | "rt_sigtimedwait" => signal_wait(e),
        "open" | "openat" | "openat2" | "creat" => {
            let path = e
                .path_arg
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            Judgement::weak(
                Pipe,
                format!(
                    "opening{path}: an open that sleeps usually waits for the other end of a FIFO"
                ),
            )
        }
        "fsync" | "fdatasync" | "sync" | "syncfs" | "sync_file_range" | "msync" => {
            Judgement::new(Disk, "waiting for data to reach the disk")
        }
        "io_getevents" | "io_pgetevents" => {
            Judgement::new(Disk, "waiting for asynchronous I/O to complete")
        }
        "io_uring_enter" => Judgement::new(EventLoop, "waiting for io_uring completions"),
        "splice" | "tee" | "vmsplice" | "sendfile" | "copy_file_range" => {
            on_fd(e, sc, fd0, Use::Read)
        }
        _ => return None,
    })
}

/// Blocked on one fd the syscall names.
fn on_fd(e: &Evidence, sc: &Syscall, fd: i32, how: Use) -> Judgement {
    match e.fds.iter().find(|f| f.fd == fd && !f.role.watched()) {
        Some(f) => fds::judge(e, f, how),
        None => {
            let why = e
                .why_unreadable("fd")
                .map(|u| u.why.to_string())
                .unwrap_or_else(|| "not read".into());
            let reason = match sc.name() {
                "accept" | "accept4" | "connect" | "recvfrom" | "recvmsg" | "recvmmsg"
                | "sendto" | "sendmsg" | "sendmmsg" => Socket,
                _ => Unknown,
            };
            Judgement::weak(
                reason,
                format!("{} fd {fd}, whose target is unknown ({why})", sc.name()),
            )
        }
    }
}

fn poll(e: &Evidence, sc: &Syscall) -> Judgement {
    let watched: Vec<_> = e.fds.iter().filter(|f| f.role.watched()).collect();
    let n = sc.name();
    let empty_by_args = match n {
        "poll" | "ppoll" => sc.args[1] == 0,
        "select" | "pselect6" => {
            sc.int_arg(0) == 0 || (sc.args[1] == 0 && sc.args[2] == 0 && sc.args[3] == 0)
        }
        _ => false,
    };
    if empty_by_args {
        return Judgement::new(Timer, format!("{n} on no fds: a sleep"));
    }
    if let Some(u) = e.why_unreadable("fd set") {
        return Judgement::weak(
            EventLoop,
            format!("{n} on fds whytop could not read ({})", u.why),
        );
    }
    if watched.is_empty() {
        if n.starts_with("epoll") && e.fds.iter().any(|f| f.role == FdRole::Epoll) {
            return Judgement::weak(
                Timer,
                format!("{n} on an empty epoll set: sleeping until its timeout"),
            );
        }
        return Judgement::weak(EventLoop, format!("{n}; the watched fds were not read"));
    }
    // Its own terminal, watched for input while in the foreground: ready for the user.
    if let Some(t) = watched.iter().find(|f| {
        f.role == FdRole::WatchRead
            && matches!(&f.target, super::FdTarget::Terminal { path } if e.is_own_tty(path))
            && e.foreground() == Some(true)
    }) {
        let mut j = fds::judge(e, t, Use::Poll(true));
        if watched.len() > 1 {
            j.detail
                .push_str(&format!(" (and {} other fds)", watched.len() - 1));
        }
        return j;
    }
    // An eventfd beside the fds a call really waits on is how runtimes (Ruby's
    // sleep and blocking IO among them) let another thread cut the wait short:
    // the wait is the other fd's, or the timeout's when there is no other.
    let (wakers, real): (Vec<_>, Vec<_>) = watched.iter().copied().partition(|f| is_waker(f));
    if real.is_empty() && timed(sc) {
        return Judgement::new(
            Timer,
            format!(
                "{n} with a timeout on {} alone: a sleep another thread can cut short",
                summary(&wakers)
            ),
        );
    }
    if watched.len() == 1 {
        let f = watched[0];
        return fds::judge(e, f, Use::Poll(f.role == FdRole::WatchRead));
    }
    if let [f] = real[..] {
        let mut j = fds::judge(e, f, Use::Poll(f.role == FdRole::WatchRead));
        j.detail.push_str(&format!(
            " (its {} can cut the wait short)",
            summary(&wakers)
        ));
        return j;
    }
    let mut j = Judgement::new(
        EventLoop,
        format!("{n} on {} fds: {}", watched.len(), summary(&watched)),
    );
    if let Some(t) = watched
        .iter()
        .find(|f| matches!(&f.target, super::FdTarget::Terminal { path } if e.is_own_tty(path)))
    {
        j.detail.push_str(&format!(
            "; its terminal (fd {}) is in the set but it is in the background",
            t.fd
        ));
        j.by.push(fds::fg_phrase(e));
    }
    j
}

/// An eventfd: a runtime's wake-up channel rather than what it waits for.
fn is_waker(f: &super::FdEvidence) -> bool {
    matches!(&f.target, super::FdTarget::Anon { kind } if kind.contains("eventfd"))
}

/// Whether the poll call has a timeout (it ends by itself).
fn timed(sc: &Syscall) -> bool {
    match sc.name() {
        "poll" => sc.int_arg(2) >= 0,
        "epoll_wait" | "epoll_pwait" => sc.int_arg(3) >= 0,
        "ppoll" => sc.args[2] != 0,
        "epoll_pwait2" => sc.args[3] != 0,
        "select" | "pselect6" => sc.args[4] != 0,
        _ => false,
    }
}

/// `2 sockets, 1 pipe, eventfd`.
fn summary(fds: &[&super::FdEvidence]) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for f in fds {
        let k = match &f.target {
            super::FdTarget::Terminal { path } => path.clone(),
            super::FdTarget::PtyMaster => "pty master".into(),
            super::FdTarget::Pipe { .. } => "pipe".into(),
            super::FdTarget::Socket { .. } => "socket".into(),
            super::FdTarget::File { .. } => "file".into(),
            super::FdTarget::Device { path } => path.clone(),
            super::FdTarget::Anon { kind } => kind
                .trim_start_matches("anon_inode:")
                .trim_matches(['[', ']'])
                .to_string(),
            super::FdTarget::Other { .. } => "other".into(),
            super::FdTarget::Unreadable { .. } => "unresolved".into(),
        };
        match kinds.iter_mut().find(|(n, _)| *n == k) {
            Some((_, c)) => *c += 1,
            None => kinds.push((k, 1)),
        }
    }
    let parts: Vec<String> = kinds
        .into_iter()
        .map(|(k, c)| if c == 1 { k } else { format!("{c} {k}s") })
        .collect();
    parts.join(", ")
}

fn futex(e: &Evidence, sc: &Syscall) -> Judgement {
    let what = if sc.name() == "futex" {
        match sc.int_arg(1) & !(128 | 256) {
            0 | 9 => "waiting on a futex (a mutex, condition variable, semaphore or thread join)",
            6 | 13 => "waiting for a priority-inheritance mutex",
            11 => "waiting on a condition variable (priority-inheritance)",
            _ => "in a futex operation",
        }
    } else {
        "waiting on a futex (a mutex, condition variable, semaphore or thread join)"
    };
    let mut j = Judgement::new(Lock, format!("{what} at {:#x}", sc.args[0]));
    if e.tid.is_none() && e.threads.is_some_and(|n| n > 1) {
        j.detail.push_str("; the main thread of a threaded process often waits so for its workers: see the threads");
    }
    j
}

fn file_lock(e: &Evidence, fd: i32, what: &str) -> Judgement {
    let on = e
        .fds
        .iter()
        .find(|f| f.fd == fd)
        .map(|f| format!(" on {}", f.target.describe()))
        .unwrap_or_default();
    Judgement::new(
        Lock,
        format!("waiting for {what}{on} (fd {fd}): another process holds it"),
    )
}

fn signal_wait(e: &Evidence) -> Judgement {
    if let Some(kids) = e.live_children().filter(|k| !k.is_empty()) {
        let mut j = Judgement::weak(
            Child,
            format!(
                "waiting for a signal, with live children {}: probably for one to exit (SIGCHLD)",
                Evidence::some_children(&kids)
            ),
        );
        if kids.len() == 1 {
            j.child = Some(kids[0].pid);
        }
        return j.by(format!("{} live children", kids.len()));
    }
    Judgement::new(Signal, "waiting for a signal")
}
