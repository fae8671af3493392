//! The evidence reader on a recorded proc tree (`tests/fixtures/why-proc`),
//! including a syscall file recorded on aarch64, classified here on any machine.
#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

use std::path::Path;
use whytop::model::syscalls::Arch;
use whytop::model::why::{FdRole, FdTarget, UnreadableWhy, WaitReason, classify};
use whytop::platform::PlatformError;
use whytop::platform::linux::evidence::{EvidenceOptions, proc_key, read_evidence_for};

fn root() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/why-proc"
    ))
}

fn read(pid: i32, arch: Arch) -> whytop::model::why::Evidence {
    let opts = EvidenceOptions {
        arch: Some(arch),
        ..EvidenceOptions::for_root(root())
    };
    assert!(
        !opts.read_memory,
        "a fixture tree's pids are not live processes"
    );
    read_evidence_for(root(), proc_key(root(), pid).unwrap(), None, opts).unwrap()
}

#[test]
fn aarch64_read_of_the_foreground_terminal() {
    let e = read(300, Arch::Aarch64);
    assert_eq!(e.tty.as_deref(), Some("pts/3"));
    assert_eq!(
        e.fds[0].target,
        FdTarget::Terminal {
            path: "/dev/pts/3".into()
        }
    );
    let v = classify(&e);
    assert_eq!(
        (v.reason, v.ready_for_input),
        (WaitReason::Input, true),
        "{v:#?}"
    );
}

#[test]
fn epoll_interest_list_from_fdinfo_and_socket_table() {
    let e = read(301, Arch::X86_64);
    let roles: Vec<(i32, FdRole)> = e.fds.iter().map(|f| (f.fd, f.role)).collect();
    assert_eq!(
        roles,
        [
            (4, FdRole::Epoll),
            (5, FdRole::WatchRead),
            (6, FdRole::WatchRead)
        ]
    );
    match &e.fds[1].target {
        FdTarget::Socket {
            inode: 1234,
            info: Some(i),
        } => {
            assert!(i.listening);
            assert_eq!(i.local.as_deref(), Some("127.0.0.1:8080"));
        }
        other => panic!("{other:?}"),
    }
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::EventLoop);
    assert!(
        v.detail.contains("socket") && v.detail.contains("pipe"),
        "{}",
        v.detail
    );
}

#[test]
fn wait4_names_the_child_from_the_children_file() {
    let v = classify(&read(302, Arch::X86_64));
    assert_eq!((v.reason, v.child), (WaitReason::Child, Some(303)));
    assert!(v.detail.contains("303 (sleep)"), "{}", v.detail);
    assert_eq!(classify(&read(303, Arch::X86_64)).reason, WaitReason::Timer);
}

#[test]
fn missing_syscall_file_is_unknown_and_says_so() {
    let e = read(304, Arch::X86_64);
    assert_eq!(
        e.why_unreadable("syscall").unwrap().why,
        UnreadableWhy::NotAvailable
    );
    let v = classify(&e);
    assert_eq!(v.reason, WaitReason::Unknown);
    assert!(
        v.detail.contains("not available") && v.detail.contains("foreground"),
        "{}",
        v.detail
    );
}

#[test]
fn a_reused_or_vanished_pid_is_no_such_process() {
    let mut key = proc_key(root(), 303).unwrap();
    key.start_time += 1;
    let opts = EvidenceOptions::for_root(root());
    assert!(matches!(
        read_evidence_for(root(), key, None, opts),
        Err(PlatformError::NoSuchProcess { pid: 303 })
    ));
    assert!(matches!(
        proc_key(root(), 999),
        Err(PlatformError::NoSuchProcess { pid: 999 })
    ));
}
