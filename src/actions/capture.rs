//! Stack capture: the best tool present, always with the kernel's own view as a
//! floor that needs no tool; off the UI task, with a deadline on every command,
//! cancellable, and the raw output saved where it cannot overwrite anything.

use super::datadir::{DataError, PrivateDir};
use super::redact::redact_text;
use super::save::{safe_name, save_unique, stamp};
use crate::model::ProcSample;
use crate::model::callstack::CallTree;
use crate::platform::cancel::CancelToken;
use crate::platform::external::{RunError, run_with};
use crate::platform::stackfmt::{self, Format};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Where tools are looked for: `$PATH` normally; a test can hide them all.
#[derive(Clone, Debug)]
pub struct Tools {
    pub dirs: Vec<PathBuf>,
}

impl Tools {
    pub fn from_env() -> Tools {
        let dirs = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        Tools { dirs }
    }

    pub fn find(&self, name: &str) -> Option<PathBuf> {
        self.dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// A tool started; it has `left` of its `total` before its deadline.
    Running {
        tool: String,
        left: Duration,
        total: Duration,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct Capture {
    pub pid: i32,
    /// The tool whose stacks are in `tree` (`kernel` when only the floor worked).
    pub tool: String,
    pub tree: CallTree,
    /// Each thread's kernel stack, wchan and syscall (empty without root).
    pub kernel: CallTree,
    pub saved: Option<PathBuf>,
    /// What happened along the way: tools missing or failing, the process exiting.
    pub notes: Vec<String>,
    /// The process was gone (or a zombie) by the end of the capture.
    pub exited: bool,
    /// The tools' own text, as saved.
    #[serde(skip)]
    pub raw: String,
    /// The WHY its stacks give (see `judge`), when judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<crate::model::why::ProcessWhy>,
}

/// Judges `p` with each thread's leaf frames from capture `c` laid on its
/// evidence, read now that the tools have let go of it: where the platform
/// gives no syscall or wait channel (macOS; a Linux process whose syscall
/// file is unreadable) the stacks name the reason.
pub(crate) fn judge(
    c: &mut Capture,
    platform: &mut dyn crate::platform::Platform,
    p: &ProcSample,
    procs: &[ProcSample],
) {
    if c.exited {
        return;
    }
    let leaves = crate::collectors::stack_why::StackLeaves::from_tree(&c.tree, &c.tool);
    c.why =
        crate::collectors::why::process_why_stacked(platform, p, procs, None, None, Some(&leaves));
}

struct Attempt {
    name: &'static str,
    format: Format,
    args: Vec<String>,
    /// The tool writes its report here instead of stdout (macOS sample, spindump).
    out_file: Option<PathBuf>,
    /// How long the tool samples for by design (macOS sample, spindump): its
    /// deadline is this plus the timeout, or `sample PID 45` could never finish.
    sampling: Duration,
}

impl Attempt {
    fn deadline(&self, timeout: Duration) -> Duration {
        self.sampling + timeout
    }
}

/// The tools to try, best first. `seconds`: how long macOS `sample` and
/// `spindump` sample for.
fn attempts(p: &ProcSample, seconds: u64) -> Vec<Attempt> {
    let pid = p.pid.to_string();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut v = Vec::new();
    if crate::platform::os::MACOS {
        let root = crate::platform::privilege::is_root();
        return mac_attempts(p.pid, seconds, root, &std::env::temp_dir());
    }
    if crate::collectors::runtime::is_python(p) {
        v.push(Attempt {
            name: "py-spy",
            format: Format::PySpy,
            args: strings(&["dump", "--pid", &pid]),
            out_file: None,
            sampling: Duration::ZERO,
        });
    }
    if crate::collectors::runtime::is_jvm(p) {
        // Java frames: eu-stack and gdb see only the JVM's C++ and `??` for
        // interpreted and compiled Java.
        v.push(Attempt {
            name: "jcmd",
            format: Format::Jstack,
            args: strings(&[&pid, "Thread.print"]),
            out_file: None,
            sampling: Duration::ZERO,
        });
    }
    v.push(Attempt {
        name: "eu-stack",
        format: Format::EuStack,
        args: strings(&["-p", &pid]),
        out_file: None,
        sampling: Duration::ZERO,
    });
    let gdb = [
        "-p",
        &pid,
        "-batch",
        "-nx",
        "-ex",
        "set pagination off",
        "-ex",
        "thread apply all bt",
    ];
    v.push(Attempt {
        name: "gdb",
        format: Format::Gdb,
        args: strings(&gdb),
        out_file: None,
        sampling: Duration::ZERO,
    });
    v
}

/// macOS: `spindump` (root only) then `sample`, each sampling for `seconds` and
/// writing its report to a file in `tmp`.
fn mac_attempts(pid: i32, seconds: u64, root: bool, tmp: &Path) -> Vec<Attempt> {
    let secs = seconds.max(1);
    let pid = pid.to_string();
    let file = |tool: &str| tmp.join(format!("whytop-{tool}-{}-{pid}.txt", std::process::id()));
    let attempt = |name: &'static str, format: Format, out_flag: &str| {
        let f = file(name);
        Attempt {
            name,
            format,
            args: vec![
                pid.clone(),
                secs.to_string(),
                out_flag.into(),
                f.display().to_string(),
            ],
            out_file: Some(f),
            sampling: Duration::from_secs(secs),
        }
    };
    let mut v = Vec::new();
    if root {
        v.push(attempt("spindump", Format::Spindump, "-o"));
    }
    v.push(attempt("sample", Format::SampleMacos, "-file"));
    v
}

/// One run of one tool, parsed. `Err(None)`: cancelled.
fn run_attempt(
    a: &Attempt,
    exe: &Path,
    timeout: Duration,
    cancel: &CancelToken,
    progress: &mut impl FnMut(Progress),
) -> Result<(String, CallTree), Option<String>> {
    let total = a.deadline(timeout);
    progress(Progress::Running {
        tool: a.name.into(),
        left: total,
        total,
    });
    let mut cmd = Command::new(exe);
    cmd.args(&a.args);
    let name = a.name;
    match run_with(cmd, total, Some(cancel), |left| {
        progress(Progress::Running {
            tool: name.into(),
            left,
            total,
        })
    }) {
        Ok(stdout) => read_report(a, stdout)
            .map_err(|e| e.to_string())
            .and_then(|out| {
                stackfmt::parse(a.format, &out)
                    .map(|t| (out, t))
                    .map_err(|e| e.to_string())
            })
            .map_err(Some),
        Err(RunError::Cancelled) => Err(None),
        Err(e) => Err(Some(e.to_string())),
    }
}

/// Repeats a snapshot tool once a second for `opts.seconds`, counting in how
/// many snapshots each function was on each thread's stack; the frames shown
/// are the last snapshot's.
#[allow(clippy::too_many_arguments)]
fn sample_over_time(
    a: &Attempt,
    exe: &Path,
    first: CallTree,
    opts: CaptureOptions,
    cancel: &CancelToken,
    progress: &mut impl FnMut(Progress),
    raw: &mut String,
    alive: impl Fn() -> bool,
) -> CallTree {
    let mut counts: std::collections::HashMap<(Option<i64>, String), u64> = Default::default();
    let mut tally = |t: &CallTree| {
        for th in &t.threads {
            let mut seen = std::collections::HashSet::new();
            for f in &th.frames {
                if seen.insert(&f.function) {
                    *counts.entry((th.id, f.function.clone())).or_default() += 1;
                }
            }
        }
    };
    tally(&first);
    let mut last = first;
    let span = Duration::from_secs(opts.seconds.saturating_sub(1));
    let end = std::time::Instant::now() + span;
    while std::time::Instant::now() < end && alive() {
        let next = std::time::Instant::now() + Duration::from_secs(1);
        while std::time::Instant::now() < next.min(end) {
            progress(Progress::Running {
                tool: format!("{} (sampling)", a.name),
                left: end.saturating_duration_since(std::time::Instant::now()),
                total: span,
            });
            if cancel.sleep_or_cancelled(Duration::from_millis(100)) {
                break;
            }
        }
        if cancel.is_cancelled() || !alive() {
            break;
        }
        match run_attempt(a, exe, opts.timeout, cancel, progress) {
            Ok((out, tree)) => {
                raw.push_str(&format!("=== {} ===\n{out}\n", a.name));
                tally(&tree);
                last = tree;
            }
            Err(_) => break,
        }
    }
    for th in &mut last.threads {
        for f in &mut th.frames {
            f.count = counts.get(&(th.id, f.function.clone())).copied();
        }
    }
    last
}

/// The report: the tool's stdout, or the file it was told to write (removed after).
fn read_report(a: &Attempt, stdout: String) -> Result<String, DataError> {
    let Some(f) = &a.out_file else {
        return Ok(stdout);
    };
    let text = std::fs::read_to_string(f).map_err(|e| DataError::io(f, e));
    let _ = std::fs::remove_file(f);
    text
}

/// How long any one tool may run for a capture from the TUI.
pub(crate) const TUI_TIMEOUT: Duration = Duration::from_secs(30);

/// Where captures go: `<data dir>/captures`.
pub(crate) fn default_dir() -> Result<PrivateDir, DataError> {
    PrivateDir::data_sub("captures")
}

/// What a capture may take: each tool's deadline, and (Linux) how many seconds
/// to sample over, one snapshot a second; macOS `sample` samples on its own.
#[derive(Clone, Copy, Debug)]
pub struct CaptureOptions {
    pub timeout: Duration,
    pub seconds: u64,
}

impl Default for CaptureOptions {
    fn default() -> Self {
        CaptureOptions {
            timeout: TUI_TIMEOUT,
            seconds: 1,
        }
    }
}

/// Captures `p`'s stacks into a new file in `save_dir`.
pub fn capture(
    p: &ProcSample,
    root: &Path,
    tools: &Tools,
    save_dir: &PrivateDir,
    opts: CaptureOptions,
    cancel: &CancelToken,
    mut progress: impl FnMut(Progress),
) -> Capture {
    let mut notes = Vec::new();
    // The floor first: a ptrace-based tool disturbs what it looks at (a sleeper
    // comes back from it in restart_syscall, its wchan do_syscall_64).
    let floor = crate::platform::kernel_floor(root, p.pid);
    let kernel = floor
        .as_deref()
        .map(stackfmt::kernel::parse)
        .unwrap_or_default();
    let mut raw = floor
        .map(|f| format!("=== kernel ===\n{f}"))
        .unwrap_or_default();
    let mut chosen: Option<(&'static str, CallTree)> = None;
    for a in attempts(p, opts.seconds) {
        if cancel.is_cancelled() {
            notes.push("cancelled".into());
            break;
        }
        let Some(exe) = tools.find(a.name) else {
            notes.push(format!("{} is not installed", a.name));
            continue;
        };
        match run_attempt(&a, &exe, opts.timeout, cancel, &mut progress) {
            Ok((out, tree)) => {
                raw.push_str(&format!("=== {} ===\n{out}\n", a.name));
                let tree = if opts.seconds > 1 && a.out_file.is_none() {
                    sample_over_time(
                        &a,
                        &exe,
                        tree,
                        opts,
                        cancel,
                        &mut progress,
                        &mut raw,
                        || alive(root, p),
                    )
                } else {
                    tree
                };
                chosen = Some((a.name, tree));
                break;
            }
            Err(Some(e)) => notes.push(format!("{}: {e}", a.name)),
            Err(None) => {
                notes.push(format!("{}: cancelled", a.name));
                break;
            }
        }
        if !alive(root, p) {
            break;
        }
    }
    let exited = !alive(root, p);
    if exited {
        notes.push(format!("pid {} exited during the capture", p.pid));
    }
    let (tool, tree) = match chosen {
        Some((name, tree)) => (name.to_string(), tree),
        None if crate::platform::os::LINUX => ("kernel".to_string(), kernel.clone()),
        None => ("none".to_string(), CallTree::default()),
    };
    // The tools print command lines too (py-spy's first line is the process's).
    let raw = redact_text(&raw);
    let stem = format!("{}-{}-{}-{tool}", stamp(), p.pid, safe_name(&p.comm));
    let saved = match save_unique(save_dir, &stem, "txt", raw.as_bytes()) {
        Ok(path) => Some(path),
        Err(e) => {
            notes.push(format!("not saved: {e}"));
            None
        }
    };
    Capture {
        pid: p.pid,
        tool,
        tree,
        kernel,
        saved,
        notes,
        exited,
        raw,
        why: None,
    }
}

/// Still the same process, and not a zombie.
fn alive(_root: &Path, p: &ProcSample) -> bool {
    crate::platform::handle::open(p.key()).is_ok_and(|h| !h.exited())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macos_sample_deadline_covers_its_sampling_time() {
        let tmp = std::path::Path::new("/tmp");
        let v = mac_attempts(42, 45, false, tmp);
        assert_eq!(v.len(), 1);
        let sample = &v[0];
        assert_eq!(sample.name, "sample");
        assert_eq!(sample.args[..3], ["42", "45", "-file"]);
        assert_eq!(
            sample.deadline(Duration::from_secs(30)),
            Duration::from_secs(75),
            "45 s of sampling plus the 30 s margin"
        );
        let root = mac_attempts(42, 45, true, tmp);
        assert_eq!(root[0].name, "spindump");
        assert_eq!(root[0].args[2], "-o");
        assert!(root[0].deadline(Duration::from_secs(30)) > Duration::from_secs(45));
    }
}
