//! The Linux reader on a fixture proc tree: parsing, odd names, unreadable files.

#![allow(clippy::unwrap_used)] // a test may unwrap: a panic is its failure
#![cfg(target_os = "linux")]

use whytop::model::ProcState;
use whytop::platform::linux::LinuxPlatform;
use whytop::platform::{ListOptions, Platform};

fn fixture() -> LinuxPlatform {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/proc");
    LinuxPlatform::new(root).expect("fixture root exists")
}

#[test]
fn lists_every_readable_process_sorted_by_pid() {
    let procs = fixture().list(ListOptions::default()).unwrap().procs;
    let pids: Vec<i32> = procs.iter().map(|p| p.pid).collect();
    // 99 has a directory but no stat (it vanished mid-read): skipped without an error.
    assert_eq!(pids, [1, 42, 43, 44]);
}

#[test]
fn fields_of_a_plain_process() {
    let procs = fixture().list(ListOptions::default()).unwrap().procs;
    let init = &procs[0];
    assert_eq!(&*init.comm, "init");
    assert_eq!(&*init.cmdline, "/sbin/init splash");
    assert_eq!((init.ppid, init.pgid, init.sid, init.tpgid), (0, 1, 1, -1));
    assert_eq!(init.state, ProcState::Sleeping);
    assert_eq!(init.cpu_ns, 4_000_000_000, "250 + 150 ticks at 100 Hz");
    assert_eq!(init.rss_bytes, 2560 * 4096);
    assert_eq!(init.vsz_bytes, 104857600);
    assert_eq!(init.start_time, 5);
    assert_eq!(init.started_at, 1_700_000_000.05);
    assert_eq!(init.tty, None);
    assert!(!init.kernel_thread);
    assert!(init.user.is_some(), "the owner of /proc/PID names the user");
}

#[test]
fn comm_with_spaces_parens_and_newline() {
    let procs = fixture().list(ListOptions::default()).unwrap().procs;
    let p = procs.iter().find(|p| p.pid == 42).unwrap();
    assert_eq!(&*p.comm, "my (weird)\nname");
    assert_eq!(p.state, ProcState::Running);
    assert_eq!((p.nice, p.threads), (5, 4));
    assert_eq!(p.tty.as_deref(), Some("pts/3"));
    assert_eq!(&*p.cmdline, "python3 -c import time; time.sleep(9)");
}

#[test]
fn kernel_threads_and_unreadable_files() {
    let procs = fixture().list(ListOptions::default()).unwrap().procs;
    let k = procs.iter().find(|p| p.pid == 43).unwrap();
    assert!(k.kernel_thread);
    assert_eq!(k.state, ProcState::Idle);
    assert_eq!(k.command(), "[kworker/0:1]");
    // 44's cmdline cannot be read (here: it is a directory): the row stays, the field is empty.
    let p = procs.iter().find(|p| p.pid == 44).unwrap();
    assert_eq!(&*p.cmdline, "");
    assert_eq!(p.ppid, 42);
}

#[test]
fn a_second_pass_gives_the_same_answer() {
    let mut platform = fixture();
    let a = platform.list(ListOptions::default()).unwrap().procs;
    let b = platform.list(ListOptions::default()).unwrap().procs;
    assert_eq!(a, b);
}

#[test]
fn a_missing_root_is_a_clear_error() {
    let err = LinuxPlatform::new("/nonexistent/proc").err().unwrap();
    assert!(err.to_string().contains("/nonexistent/proc"), "{err}");
}

#[test]
fn a_command_line_read_empty_mid_exec_is_read_again_once_it_runs() {
    // A copy of the fixture tree in which init's arguments are not readable yet,
    // as in the instant of an exec after the new name is set.
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/proc"));
    copy_tree(src, dir.path());
    std::fs::write(dir.path().join("1/cmdline"), b"").unwrap();
    let mut platform = LinuxPlatform::new(dir.path()).unwrap();
    let first = platform.list(ListOptions::default()).unwrap().procs;
    assert_eq!(&*first[0].cmdline, "");
    // The arguments are in place by the next refresh (and it ran: no schedstat
    // here, so every pass counts as a run).
    std::fs::write(dir.path().join("1/cmdline"), b"/sbin/init\0splash\0").unwrap();
    let second = platform.list(ListOptions::default()).unwrap().procs;
    assert_eq!(&*second[0].cmdline, "/sbin/init splash");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
