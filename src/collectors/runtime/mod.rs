//! Language runtimes that can say more than the kernel: which frame a process
//! waits in. One handler per runtime; each is asked only about the selected
//! process, never on every refresh, and degrades to "not available" quietly.

mod jvm;
mod python;
mod ruby;
pub(crate) mod worker;

pub use crate::model::RuntimeHint;
use crate::model::{ProcSample, ProcState};
use std::time::Duration;

/// What asks a process's runtime where it waits (`probe`, or a stand-in in tests).
pub(crate) type Prober = fn(&ProcSample, Duration) -> Option<RuntimeHint>;

/// A runtime handler. To add one (Node, PHP...), implement this and list it
/// in `HANDLERS`.
pub(crate) trait RuntimeHandler: Sync {
    fn name(&self) -> &'static str;
    /// The tool it runs (`py-spy`).
    fn tool(&self) -> &'static str;
    /// Whether this process runs this runtime (from its name and command line).
    fn applies(&self, p: &ProcSample) -> bool;
    /// The shortest deadline its tool can answer in on a loaded machine; a
    /// caller's shorter one is raised to it.
    fn min_timeout(&self) -> Duration {
        Duration::ZERO
    }
    fn probe(&self, pid: i32, timeout: Duration) -> RuntimeHint;
}

static HANDLERS: &[&dyn RuntimeHandler] = &[&python::Python, &jvm::Jvm, &ruby::Ruby];

/// The file name of the program `p`'s command line starts with: `python3` for
/// `/usr/bin/python3 app.py`.
fn program_name(p: &ProcSample) -> Option<&str> {
    let argv0 = p.cmdline.split(' ').next()?;
    argv0.rsplit('/').next().filter(|n| !n.is_empty())
}

/// Whether `p` runs Python (the capture prefers py-spy for it).
pub(crate) fn is_python(p: &ProcSample) -> bool {
    python::Python.applies(p)
}

/// Whether `p` runs a JVM (the capture asks jcmd for its Java threads).
pub(crate) fn is_jvm(p: &ProcSample) -> bool {
    jvm::Jvm.applies(p)
}

/// Whether some handler knows `p`'s runtime.
pub(crate) fn recognised(p: &ProcSample) -> bool {
    HANDLERS.iter().any(|h| h.applies(p))
}

/// Asks the first handler that applies; None when no runtime is recognised.
/// A stopped or dead process is not probed: the tool would attach to a process
/// that cannot answer (and hang until its timeout), or to nothing.
pub fn probe(p: &ProcSample, timeout: Duration) -> Option<RuntimeHint> {
    let h = HANDLERS.iter().find(|h| h.applies(p))?;
    let state = match p.state {
        ProcState::Stopped => Some("it is stopped"),
        ProcState::Traced => Some("it is stopped by its tracer"),
        ProcState::Zombie | ProcState::Dead => Some("it has exited"),
        _ => None,
    };
    Some(match state {
        Some(why) => RuntimeHint {
            runtime: h.name().into(),
            tool: h.tool().into(),
            note: Some(format!("not asked: {why}")),
            ..Default::default()
        },
        None => h.probe(p.pid, timeout.max(h.min_timeout())),
    })
}

/// `func (path.py:12)` (py-spy's shape, and rbspy's as `ruby::frames` puts it)
/// plus `: <that source line>` when the file is readable.
fn with_source_line(frame: &str) -> String {
    let loc = frame
        .rsplit_once(" (")
        .map(|(_, l)| l.trim_end_matches(')'));
    let Some((path, line)) = loc.and_then(|l| l.rsplit_once(':')) else {
        return frame.to_string();
    };
    let Ok(n) = line.parse::<usize>() else {
        return frame.to_string();
    };
    match std::fs::read_to_string(path).ok().and_then(|t| {
        t.lines()
            .nth(n.saturating_sub(1))
            .map(str::trim)
            .map(str::to_string)
    }) {
        Some(src) if !src.is_empty() => format!("{frame}: {src}"),
        _ => frame.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProcInfo;
    use std::sync::Arc;

    /// A sample of a process named `comm` running `cmdline`.
    pub(super) fn sample(comm: &str, cmdline: &str, state: ProcState) -> ProcSample {
        ProcSample {
            pid: i32::MAX,
            ppid: 1,
            pgid: 0,
            sid: 0,
            tty_nr: 0,
            tpgid: -1,
            state,
            priority: 20,
            nice: 0,
            threads: 1,
            start_time: 1,
            cpu_ns: 0,
            run_delay_ns: 0,
            rss_bytes: 0,
            vsz_bytes: 0,
            tgid: None,
            extra: Default::default(),
            info: Arc::new(ProcInfo {
                comm: Arc::from(comm),
                cmdline: Arc::from(cmdline),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn stopped_and_dead_processes_are_not_probed() {
        let runtimes = [
            ("python3", "python3 app.py", "python"),
            ("java", "java -jar app.jar", "jvm"),
            ("ruby", "ruby app.rb", "ruby"),
        ];
        for (comm, cmdline, runtime) in runtimes {
            for (state, word) in [
                (ProcState::Stopped, "stopped"),
                (ProcState::Traced, "tracer"),
                (ProcState::Zombie, "exited"),
            ] {
                let h = probe(&sample(comm, cmdline, state), Duration::from_secs(1)).unwrap();
                assert_eq!(h.runtime, runtime);
                let note = h.note.unwrap();
                assert!(
                    note.starts_with("not asked") && note.contains(word),
                    "{note}"
                );
                assert!(h.frames.is_empty());
            }
        }
    }
}
