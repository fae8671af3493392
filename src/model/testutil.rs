//! Builders for samples in unit tests.

use super::sample::{ProcSample, ProcState};

pub fn sample(pid: i32, ppid: i32, comm: &str) -> ProcSample {
    ProcSample {
        pid,
        ppid,
        pgid: pid,
        sid: pid,
        tty_nr: 0,
        tty: None,
        tpgid: -1,
        state: ProcState::Sleeping,
        uid: Some(1000),
        user: Some("dev".into()),
        priority: 20,
        nice: 0,
        threads: 1,
        start_time: 100 + pid as u64,
        started_at: 1_700_000_000.0,
        cpu_ns: 0,
        rss_bytes: 0,
        vsz_bytes: 0,
        comm: comm.into(),
        cmdline: format!("/usr/bin/{comm} --flag").into(),
        kernel_thread: false,
        tgid: None,
    }
}
