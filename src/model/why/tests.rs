//! The classifier on recorded evidence, with the syscall numbers of both
//! architectures: the same wait must classify the same on either.

use super::*;
use crate::model::ProcState;
use crate::model::syscalls::Arch::{self, Aarch64, X86_64};

/// Evidence of pid 100 on pts/3, in the foreground unless changed.
fn ev(state: ProcState) -> Evidence {
    Evidence {
        pid: 100,
        comm: Some("prog".into()),
        ppid: Some(50),
        state: Some(state),
        kernel_thread: Some(false),
        threads: Some(1),
        tty: Some("pts/3".into()),
        pgrp: Some(100),
        tpgid: Some(100),
        children: Some(vec![]),
        ..Default::default()
    }
}

/// Sleeping in syscall `nr` (as recorded on `arch`) with `args`.
fn in_call(arch: Arch, nr: i64, args: &[u64]) -> Evidence {
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    let mut e = ev(ProcState::Sleeping);
    e.syscall = Some(SyscallState::In(Syscall::decoded(arch, nr, a)));
    e
}

fn fd(fd: i32, role: FdRole, target: FdTarget) -> FdEvidence {
    FdEvidence { fd, role, target }
}

fn tty(path: &str) -> FdTarget {
    FdTarget::Terminal { path: path.into() }
}

fn sock(listening: bool, peer: Option<&str>) -> FdTarget {
    let info = SocketInfo {
        proto: "tcp".into(),
        listening,
        local: Some("127.0.0.1:8080".into()),
        peer: peer.map(Into::into),
        state: None,
    };
    FdTarget::Socket {
        inode: 77,
        info: Some(info),
    }
}

#[test]
fn select_on_foreground_terminal_is_input() {
    // x86_64 select = 23 and aarch64 pselect6 = 72, both on fd 0 of 1024.
    for (arch, nr) in [(X86_64, 23), (X86_64, 270), (Aarch64, 72)] {
        let mut e = in_call(arch, nr, &[1024, 0x7ffd_0000, 0, 0, 0]);
        e.fds = vec![fd(0, FdRole::WatchRead, tty("/dev/pts/3"))];
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Input, "{arch:?} {nr}: {}", v.detail);
        assert!(v.ready_for_input && !v.weak);
        assert!(v.detail.contains("/dev/pts/3"), "{}", v.detail);

        // The same in the background of its terminal: not input.
        e.tpgid = Some(200);
        let v = classify(&e);
        assert_ne!(v.reason, WaitReason::Input, "{}", v.detail);
        assert!(!v.ready_for_input);
        assert!(v.detail.contains("background"), "{}", v.detail);
    }
}

#[test]
fn read_of_terminal() {
    for (arch, nr) in [(X86_64, 0), (Aarch64, 63)] {
        let mut e = in_call(arch, nr, &[0, 0x5555_0000, 1024]);
        e.fds = vec![fd(0, FdRole::Read, tty("/dev/pts/3"))];
        let v = classify(&e);
        assert_eq!(
            (v.reason, v.ready_for_input),
            (WaitReason::Input, true),
            "{}",
            v.detail
        );
        // Another terminal than its own: input, but not ready for this user.
        e.fds = vec![fd(0, FdRole::Read, tty("/dev/pts/9"))];
        let v = classify(&e);
        assert_eq!(
            (v.reason, v.ready_for_input),
            (WaitReason::Input, false),
            "{}",
            v.detail
        );
    }
}

#[test]
fn sleeps_are_timers() {
    for (arch, nr) in [(X86_64, 35), (X86_64, 230), (Aarch64, 101), (Aarch64, 115)] {
        let v = classify(&in_call(arch, nr, &[0, 0, 0x7ffc_0000]));
        assert_eq!(v.reason, WaitReason::Timer, "{arch:?} {nr}");
    }
    // poll on no fds is a sleep too.
    let v = classify(&in_call(X86_64, 7, &[0, 0, 1000]));
    assert_eq!(v.reason, WaitReason::Timer);
}

#[test]
fn wait_names_the_child() {
    for (arch, nr) in [(X86_64, 61), (Aarch64, 260)] {
        let mut e = in_call(arch, nr, &[u64::MAX, 0x7ffc_0000, 0, 0]);
        e.children = Some(vec![
            ChildRef {
                pid: 101,
                comm: Some("sleep".into()),
                state: Some(ProcState::Sleeping),
            },
            ChildRef {
                pid: 102,
                comm: Some("old".into()),
                state: Some(ProcState::Zombie),
            },
        ]);
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Child);
        assert_eq!(v.child, Some(101));
        assert!(v.detail.contains("101 (sleep)"), "{}", v.detail);
    }
    // waitid(P_PID, 555).
    for (arch, nr) in [(X86_64, 247), (Aarch64, 95)] {
        let v = classify(&in_call(arch, nr, &[1, 555, 0, 4]));
        assert_eq!((v.reason, v.child), (WaitReason::Child, Some(555)));
    }
}

#[test]
fn pipes_and_sockets() {
    for (arch, read_nr, accept_nr, recv_nr) in [(X86_64, 0, 288, 45), (Aarch64, 63, 242, 207)] {
        let mut e = in_call(arch, read_nr, &[0, 0, 4096]);
        e.fds = vec![fd(0, FdRole::Read, FdTarget::Pipe { inode: 5 })];
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Pipe);
        assert!(v.detail.contains("pipe:[5]"), "{}", v.detail);

        let mut e = in_call(arch, accept_nr, &[3, 0, 0, 0x80000]);
        e.fds = vec![fd(3, FdRole::Read, sock(true, None))];
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Socket);
        assert!(
            v.detail.contains("connection") && v.detail.contains("8080"),
            "{}",
            v.detail
        );

        let mut e = in_call(arch, recv_nr, &[3, 0, 100]);
        e.fds = vec![fd(3, FdRole::Read, sock(false, Some("10.0.0.1:443")))];
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Socket);
        assert!(v.detail.contains("peer 10.0.0.1:443"), "{}", v.detail);
    }
}

#[test]
fn locks() {
    // FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, as glibc's sem_clockwait issues it.
    for (arch, nr) in [(X86_64, 202), (Aarch64, 98)] {
        let v = classify(&in_call(
            arch,
            nr,
            &[0x7f00_1000, 0x89, 0, 0, 0, u64::from(u32::MAX)],
        ));
        assert_eq!(v.reason, WaitReason::Lock, "{}", v.detail);
    }
    for (arch, nr) in [(X86_64, 73), (Aarch64, 32)] {
        let mut e = in_call(arch, nr, &[3, 2]);
        e.fds = vec![fd(
            3,
            FdRole::Other,
            FdTarget::File {
                path: "/tmp/lock".into(),
            },
        )];
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::Lock);
        assert!(v.detail.contains("/tmp/lock"), "{}", v.detail);
    }
    // fcntl(F_SETLKW) is a lock; fcntl(F_GETFL) is not known to wait.
    assert_eq!(
        classify(&in_call(X86_64, 72, &[3, 7])).reason,
        WaitReason::Lock
    );
    assert_eq!(
        classify(&in_call(Aarch64, 25, &[3, 38])).reason,
        WaitReason::Lock
    );
    assert_eq!(
        classify(&in_call(X86_64, 72, &[3, 3])).reason,
        WaitReason::Unknown
    );
}

#[test]
fn event_loop_over_several_fds() {
    for (arch, nr) in [(X86_64, 232), (X86_64, 281), (Aarch64, 22)] {
        let mut e = in_call(arch, nr, &[4, 0, 64, u64::MAX]);
        e.tpgid = Some(1); // a daemon-like background
        e.fds = vec![
            fd(
                4,
                FdRole::Epoll,
                FdTarget::Anon {
                    kind: "anon_inode:[eventpoll]".into(),
                },
            ),
            fd(5, FdRole::WatchRead, sock(true, None)),
            fd(6, FdRole::WatchRead, sock(false, Some("1.2.3.4:5"))),
            fd(
                7,
                FdRole::WatchRead,
                FdTarget::Anon {
                    kind: "anon_inode:[eventfd]".into(),
                },
            ),
        ];
        let v = classify(&e);
        assert_eq!(v.reason, WaitReason::EventLoop, "{}", v.detail);
        assert!(
            v.detail.contains("2 sockets") && v.detail.contains("eventfd"),
            "{}",
            v.detail
        );
    }
    // An unreadable fd set is said to be unreadable.
    let mut e = in_call(X86_64, 7, &[0x7ffc_0000, 3, u64::MAX]);
    e.unreadable.push(Unreadable {
        what: "fd set".into(),
        why: UnreadableWhy::PermissionDenied,
    });
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::EventLoop);
    assert!(
        v.weak && v.detail.contains("permission denied"),
        "{}",
        v.detail
    );
}

#[test]
fn states_decide_first() {
    assert_eq!(
        classify(&ev(ProcState::Running)).reason,
        WaitReason::Running
    );
    assert_eq!(
        classify(&ev(ProcState::Stopped)).reason,
        WaitReason::Stopped
    );
    assert_eq!(classify(&ev(ProcState::Traced)).reason, WaitReason::Traced);
    let z = classify(&ev(ProcState::Zombie));
    assert_eq!(z.reason, WaitReason::Zombie);
    assert!(z.detail.contains("parent 50"), "{}", z.detail);
    let mut k = ev(ProcState::Sleeping);
    k.kernel_thread = Some(true);
    k.wchan = Some("kthreadd".into());
    assert_eq!(classify(&k).reason, WaitReason::Idle);
    let mut d = in_call(X86_64, 74, &[3]);
    d.state = Some(ProcState::DiskSleep);
    d.wchan = Some("jbd2_log_wait_commit".into());
    let v = classify(&d);
    assert_eq!(v.reason, WaitReason::Disk);
    assert!(
        v.detail.contains("fsync") && v.detail.contains("jbd2"),
        "{}",
        v.detail
    );
}

#[test]
fn stopped_background_reader_says_sigttin() {
    let mut e = in_call(X86_64, 0, &[0, 0, 1]);
    e.state = Some(ProcState::Stopped);
    e.tpgid = Some(99);
    e.fds = vec![fd(0, FdRole::Read, tty("/dev/pts/3"))];
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Stopped);
    assert!(v.detail.contains("SIGTTIN"), "{}", v.detail);
}

#[test]
fn missing_evidence_is_unknown_with_the_reason() {
    let mut e = ev(ProcState::Sleeping);
    e.unreadable.push(Unreadable {
        what: "syscall".into(),
        why: UnreadableWhy::PermissionDenied,
    });
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Unknown);
    assert!(
        v.weak
            && v.detail.contains(&format!(
                "permission denied ({})",
                super::denied_hint_for(false)
            )),
        "{}",
        v.detail
    );
    // Root refused (pid 1 here): not told to run as root.
    let mut root = e.clone();
    root.unreadable[0].why = UnreadableWhy::DeniedToRoot;
    let v = classify(&root);
    assert!(v.detail.contains("even to root"), "{}", v.detail);
    assert!(!v.detail.contains("run as root"), "{}", v.detail);
    assert!(v.detail.contains("foreground job of pts/3"), "{}", v.detail);

    // What a macOS backend can fill: state, terminal, groups, children. No syscall, no wchan.
    let mac = Evidence {
        pid: 7,
        state: Some(ProcState::Sleeping),
        tty: Some("ttys001".into()),
        pgrp: Some(7),
        tpgid: Some(7),
        ..Default::default()
    };
    let v = classify(&mac);
    assert_eq!(v.reason, WaitReason::Unknown);
    assert!(
        v.detail.contains("no syscall or wait-channel evidence"),
        "{}",
        v.detail
    );

    // Nothing at all.
    assert_eq!(classify(&Evidence::default()).reason, WaitReason::Unknown);
}

#[test]
fn wait_channel_is_a_weak_fallback() {
    let mut e = ev(ProcState::Sleeping);
    e.wchan = Some("do_wait".into());
    e.unreadable.push(Unreadable {
        what: "syscall".into(),
        why: UnreadableWhy::PermissionDenied,
    });
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Child);
    assert!(
        v.weak && v.detail.contains("wait channel do_wait"),
        "{}",
        v.detail
    );
}

#[test]
fn unknown_syscall_numbers_are_said_so() {
    let v = classify(&in_call(X86_64, 400, &[]));
    assert_eq!(v.reason, WaitReason::Unknown);
    assert!(v.detail.contains("400"), "{}", v.detail);
}

#[test]
fn signal_waits_with_children_suggest_child() {
    // zsh-like: rt_sigsuspend with a live child.
    for (arch, nr) in [(X86_64, 130), (Aarch64, 133)] {
        let mut e = in_call(arch, nr, &[0x7ffc_0000, 8]);
        assert_eq!(classify(&e).reason, WaitReason::Signal);
        e.children = Some(vec![ChildRef {
            pid: 9,
            comm: Some("make".into()),
            state: Some(ProcState::Running),
        }]);
        let v = classify(&e);
        assert_eq!(
            (v.reason, v.weak, v.child),
            (WaitReason::Child, true, Some(9))
        );
    }
}

#[test]
fn threads_each_get_a_verdict() {
    let mut main = in_call(X86_64, 202, &[0x1000, 0x80]);
    main.threads = Some(2);
    let mut worker = in_call(X86_64, 0, &[5]);
    worker.tid = Some(101);
    worker.fds = vec![fd(5, FdRole::Read, FdTarget::Pipe { inode: 1 })];
    let p = classify_process(&main, &[worker]);
    // The main thread waits on a futex, the worker on a pipe: the pipe is the
    // process's reason, and the detail names the worker.
    assert_eq!(p.main.reason, WaitReason::Pipe);
    assert_eq!(p.main_thread, Some(WaitReason::Lock));
    assert!(p.main.detail.contains("thread 101"), "{}", p.main.detail);
    assert_eq!(p.threads[0].reason, WaitReason::Pipe);
    assert_eq!(
        p.thread_counts(),
        vec![(WaitReason::Lock, 1), (WaitReason::Pipe, 1)]
    );
}

#[test]
fn labels_parse_and_serialize() {
    for r in WaitReason::ALL {
        assert_eq!(r.label().parse::<WaitReason>().unwrap(), r);
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            format!("\"{}\"", r.label())
        );
    }
    assert_eq!(
        "Event_Loop".parse::<WaitReason>().unwrap(),
        WaitReason::EventLoop
    );
    assert!(
        "nap"
            .parse::<WaitReason>()
            .unwrap_err()
            .to_string()
            .contains("event-loop")
    );
}

#[test]
fn verdicts_round_trip_through_json() {
    let mut e = in_call(Aarch64, 73, &[0x1, 2, 0]);
    e.fds = vec![
        fd(0, FdRole::WatchRead, tty("/dev/pts/3")),
        fd(5, FdRole::WatchRead, sock(false, None)),
    ];
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Input);
    let back: Verdict = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}

#[test]
fn filter_terms_and_summaries() {
    assert_eq!(
        WaitReason::parse_filter("why:input"),
        Some(Ok(WaitReason::Input))
    );
    assert_eq!(
        WaitReason::parse_filter("why:event-loop"),
        Some(Ok(WaitReason::EventLoop))
    );
    assert!(matches!(WaitReason::parse_filter("why:nope"), Some(Err(_))));
    assert_eq!(WaitReason::parse_filter("python"), None);
}

#[test]
fn the_per_pass_tag_is_the_verdicts_tag() {
    let mut reading = in_call(X86_64, 0, &[0, 0x5555_0000, 1024]);
    reading.fds = vec![fd(0, FdRole::Read, tty("/dev/pts/3"))];
    let mut background = reading.clone();
    background.tpgid = Some(200);
    for e in [
        reading,
        background,
        in_call(Aarch64, 101, &[0x7ffd_0000, 0]),
        ev(ProcState::Zombie),
        ev(ProcState::Stopped),
        ev(ProcState::Sleeping),
    ] {
        assert_eq!(classify_tag(&e), WhyTag::from(&classify(&e)), "{e:?}");
    }
}

/// A threaded process in the foreground of pts/3 whose main thread joins a
/// worker (futex) while the worker (tid 101) reads the terminal.
fn joined_reader() -> (Evidence, Evidence) {
    let mut main = in_call(X86_64, 202, &[0x1000, 0x80]);
    main.threads = Some(2);
    main.comm = Some("python3".into());
    let mut worker = in_call(X86_64, 0, &[0, 0x5555_0000, 1024]);
    worker.tid = Some(101);
    worker.threads = Some(2);
    worker.comm = Some("python3".into());
    worker.fds = vec![fd(0, FdRole::Read, tty("/dev/pts/3"))];
    (main, worker)
}

#[test]
fn a_thread_reading_the_foreground_terminal_makes_the_process_input() {
    let (main, worker) = joined_reader();
    let p = classify_process(&main, std::slice::from_ref(&worker));
    let v = &p.main;
    assert_eq!(v.reason, WaitReason::Input, "{}", v.detail);
    assert!(v.ready_for_input && !v.weak);
    assert_eq!(
        v.detail,
        "thread 101 (python3) reads /dev/pts/3; the main thread waits on a lock (futex)"
    );
    assert!(
        v.decided_by
            .iter()
            .any(|b| b.contains("101") && b.contains("fd 0 -> /dev/pts/3")),
        "{:?}",
        v.decided_by
    );
    assert!(
        v.decided_by
            .iter()
            .any(|b| b.starts_with("main thread: syscall futex")),
        "{:?}",
        v.decided_by
    );
    assert_eq!(v.evidence, main, "the evidence stays the main thread's");
    assert_eq!(p.threads[0].reason, WaitReason::Input);
    // The tag path agrees.
    let t =
        thread_input::combine_tag(&main, classify_tag(&main), &[classify_tag(&worker)]).unwrap();
    assert_eq!(
        (t.reason, t.ready, t.weak),
        (WaitReason::Input, true, false)
    );
}

#[test]
fn a_polling_thread_and_a_waiting_parent_are_named() {
    let (mut main, mut worker) = joined_reader();
    // The main thread waits for child 9 (wait4(9)), the worker selects on the terminal.
    main.syscall = in_call(X86_64, 61, &[9]).syscall;
    main.children = Some(vec![ChildRef {
        pid: 9,
        comm: Some("make".into()),
        state: Some(ProcState::Sleeping),
    }]);
    worker.syscall = in_call(X86_64, 23, &[1, 0x7ffd_0000, 0, 0, 0]).syscall;
    worker.fds = vec![fd(0, FdRole::WatchRead, tty("/dev/pts/3"))];
    let v = classify_process(&main, &[worker]).main;
    assert_eq!(v.reason, WaitReason::Input, "{}", v.detail);
    assert_eq!(
        v.detail,
        "thread 101 (python3) polls /dev/pts/3; the main thread waits for its child 9 (wait4)"
    );
    assert_eq!(v.child, None);
}

#[test]
fn a_thread_reading_the_terminal_does_not_override_when_it_should_not() {
    // In the background: the reader is not ready, the main verdict stands.
    let (mut main, mut worker) = joined_reader();
    main.tpgid = Some(200);
    worker.tpgid = Some(200);
    let v = classify_process(&main, std::slice::from_ref(&worker)).main;
    assert_eq!(v.reason, WaitReason::Lock, "{}", v.detail);
    assert!(!v.ready_for_input);
    assert!(
        thread_input::combine_tag(&main, classify_tag(&main), &[classify_tag(&worker)]).is_none()
    );

    // A running main thread is busy: running says more.
    let (mut main, worker) = joined_reader();
    main.state = Some(ProcState::Running);
    assert_eq!(
        classify_process(&main, std::slice::from_ref(&worker))
            .main
            .reason,
        WaitReason::Running
    );

    // Already input from the main thread: its own verdict, unchanged.
    let (mut main, worker) = joined_reader();
    main.syscall = worker.syscall.clone();
    main.fds = worker.fds.clone();
    let v = classify_process(&main, std::slice::from_ref(&worker)).main;
    assert_eq!(v.reason, WaitReason::Input);
    assert!(!v.detail.contains("thread 101"), "{}", v.detail);

    // Not a terminal the worker reads (a pipe): not input, but the worker's
    // pipe is what the joining main thread waits for.
    let (main, mut worker) = joined_reader();
    worker.fds = vec![fd(0, FdRole::Read, FdTarget::Pipe { inode: 1 })];
    let v = classify_process(&main, &[worker]).main;
    assert_eq!((v.reason, v.ready_for_input), (WaitReason::Pipe, false));

    // Not worth a look: single-threaded, or no terminal.
    let (mut main, _) = joined_reader();
    assert!(thread_input::worth_a_look(&main, WaitReason::Lock));
    assert!(!thread_input::worth_a_look(&main, WaitReason::Input));
    assert!(!thread_input::worth_a_look(&main, WaitReason::Stopped));
    main.threads = Some(1);
    assert!(!thread_input::worth_a_look(&main, WaitReason::Lock));
    main.threads = Some(2);
    main.tty = None;
    assert!(!thread_input::worth_a_look(&main, WaitReason::Lock));
}

/// Ruby 3.1's `sleep` and `TCPServer#accept`, as whytop read them: ppoll on the
/// interpreter's wake-up eventfd (with a timeout for the sleep), plus the
/// listening socket for the accept. The eventfd is how another thread cuts the
/// wait short, not what the process waits for.
#[test]
fn a_wake_up_eventfd_beside_the_real_wait_does_not_make_it_an_event_loop() {
    let eventfd = || FdTarget::Anon {
        kind: "anon_inode:[eventfd]".into(),
    };
    // ppoll(fds, 1, &timeout, ...) on the eventfd alone: a sleep.
    let mut e = in_call(X86_64, 271, &[0x7ffd_1e65_6258, 1, 0x7ffd_1e65_6200, 0, 8]);
    e.fds = vec![fd(3, FdRole::WatchRead, eventfd())];
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Timer, "{}", v.detail);
    assert!(v.detail.contains("cut short"), "{}", v.detail);
    // The same with no timeout: only another thread ends it.
    let mut e = in_call(X86_64, 271, &[0x7ffd_1e65_6258, 1, 0, 0, 8]);
    e.fds = vec![fd(3, FdRole::WatchRead, eventfd())];
    assert_eq!(classify(&e).reason, WaitReason::EventLoop);
    // ppoll(fds, 2, NULL, ...) on a listening socket and the eventfd: an accept.
    let mut e = in_call(X86_64, 271, &[0x7ffe_25f9_0b10, 2, 0, 0, 8]);
    e.fds = vec![
        fd(5, FdRole::WatchRead, sock(true, None)),
        fd(3, FdRole::WatchRead, eventfd()),
    ];
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Socket, "{}", v.detail);
    assert!(
        v.detail.contains("fd 5") && v.detail.contains("its eventfd can cut the wait short"),
        "{}",
        v.detail
    );
    // Two real fds beside it: an event loop still.
    e.fds
        .push(fd(6, FdRole::WatchRead, sock(false, Some("1.2.3.4:5"))));
    assert_eq!(classify(&e).reason, WaitReason::EventLoop);
}
