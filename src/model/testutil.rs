//! Builders for samples in unit tests.

use super::sample::{ProcInfo, ProcSample, ProcState};

pub fn sample(pid: i32, ppid: i32, comm: &str) -> ProcSample {
    ProcSample {
        pid,
        ppid,
        pgid: pid,
        sid: pid,
        tty_nr: 0,
        tpgid: -1,
        state: ProcState::Sleeping,
        priority: 20,
        nice: 0,
        threads: 1,
        start_time: 100 + pid as u64,
        cpu_ns: 0,
        run_delay_ns: 0,
        rss_bytes: 0,
        vsz_bytes: 0,
        tgid: None,
        extra: Default::default(),
        info: std::sync::Arc::new(ProcInfo {
            tty: None,
            uid: Some(1000),
            user: Some("dev".into()),
            started_at: 1_700_000_000.0,
            comm: comm.into(),
            cmdline: format!("/usr/bin/{comm} --flag").into(),
            kernel_thread: false,
        }),
    }
}

/// A recorded tool output under `tests/fixtures/stacks/`.
pub(crate) fn stack_fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/stacks/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
