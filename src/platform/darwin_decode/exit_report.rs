//! What kqueue's `NOTE_EXIT` and a crash report say of a process's end, as
//! the exit the Linux connector reports (`cn_proc::Exit`), so one path in the
//! collector takes both.

use super::crash_report::CrashReport;
use crate::model::Pid;
use crate::model::ending::Crash;
use crate::platform::cn_proc::{Exit, decode_status};

/// A `NOTE_EXIT|NOTE_EXITSTATUS` event's `data` (the wait status, laid out as
/// on Linux: signal in the low 7 bits, 0x80 a core, the code in bits 8..16),
/// at `at_ns` nanoseconds since the Unix epoch.
pub(crate) fn exit_of_status(pid: Pid, status: i64, at_ns: u64) -> Exit {
    let (code, signal, core_dumped) = decode_status(status as u32);
    Exit {
        pid,
        tgid: pid,
        code,
        signal,
        core_dumped,
        parent_tgid: None,
        timestamp_ns: at_ns,
    }
}

/// The exit a crash report tells of (the signal it names; its capture time),
/// and the crash itself, named by the report's file.
pub(crate) fn exit_of_crash(r: &CrashReport, file_name: &str) -> (Exit, Crash) {
    let exit = Exit {
        pid: r.pid,
        tgid: r.pid,
        code: None,
        signal: r.signal_number,
        core_dumped: false,
        parent_tgid: None,
        timestamp_ns: (r.at.max(0.0) * 1e9) as u64,
    };
    let crash = Crash {
        exception: r.exception_words(),
        report: file_name.to_owned(),
    };
    (exit, crash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_statuses_as_macos_reports_them() {
        // exit(3); killed by SIGKILL; SIGSEGV with a core; SIGABRT without.
        let x = exit_of_status(42, 0x300, 7);
        assert_eq!((x.code, x.signal, x.core_dumped), (Some(3), None, false));
        assert_eq!((x.pid, x.tgid, x.timestamp_ns), (42, 42, 7));
        let x = exit_of_status(42, 9, 0);
        assert_eq!((x.code, x.signal, x.core_dumped), (None, Some(9), false));
        let x = exit_of_status(42, 0x8b, 0);
        assert_eq!((x.code, x.signal, x.core_dumped), (None, Some(11), true));
        let x = exit_of_status(42, 6, 0);
        assert_eq!((x.code, x.signal), (None, Some(6)));
        assert_eq!(exit_of_status(1, 0, 0).code, Some(0));
    }

    #[test]
    fn a_crash_report_as_an_exit() {
        let r = CrashReport {
            pid: 28566,
            at: 1_751_016_935.5,
            exception: Some("EXC_BAD_ACCESS".into()),
            signal: Some("SIGSEGV".into()),
            signal_number: Some(11),
            ..Default::default()
        };
        let (x, c) = exit_of_crash(&r, "Python-2025-06-27-123536.ips");
        assert_eq!((x.pid, x.signal, x.code), (28566, Some(11), None));
        assert_eq!(x.timestamp_ns, 1_751_016_935_500_000_000);
        assert_eq!(c.exception, "EXC_BAD_ACCESS (SIGSEGV)");
        assert_eq!(c.report, "Python-2025-06-27-123536.ips");
    }
}
