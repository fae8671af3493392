//! Stack capture: the best tool present, always with the kernel's own view as a
//! floor that needs no tool; off the UI task, with a deadline on every command,
//! cancellable, and the raw output saved where it cannot overwrite anything.

use super::save::{safe_name, save_unique, stamp};
use crate::model::ProcSample;
use crate::model::callstack::CallTree;
use crate::platform::external::{RunError, run_with};
use crate::platform::stackfmt::{self, Format};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// A tool started; it has `left` before its deadline.
    Running { tool: String, left: Duration },
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
    /// The tools' own text, as saved.
    #[serde(skip)]
    pub raw: String,
}

struct Attempt {
    name: &'static str,
    format: Format,
    args: Vec<String>,
    /// The tool writes its report here instead of stdout (macOS sample, spindump).
    out_file: Option<PathBuf>,
}

/// The tools to try, best first. `seconds`: how long macOS `sample` and
/// `spindump` sample for.
fn attempts(p: &ProcSample, seconds: u64) -> Vec<Attempt> {
    let pid = p.pid.to_string();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut v = Vec::new();
    if cfg!(target_os = "macos") {
        let secs = seconds.max(1).to_string();
        let tmp = |tool: &str| {
            std::env::temp_dir().join(format!("whytop-{tool}-{}-{pid}.txt", std::process::id()))
        };
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } == 0 {
            let f = tmp("spindump");
            let args = strings(&[&pid, &secs, "-o", &f.display().to_string()]);
            v.push(Attempt {
                name: "spindump",
                format: Format::Spindump,
                args,
                out_file: Some(f),
            });
        }
        let f = tmp("sample");
        let args = strings(&[&pid, &secs, "-file", &f.display().to_string()]);
        v.push(Attempt {
            name: "sample",
            format: Format::SampleMacos,
            args,
            out_file: Some(f),
        });
        return v;
    }
    if crate::collectors::runtime::is_python(p) {
        v.push(Attempt {
            name: "py-spy",
            format: Format::PySpy,
            args: strings(&["dump", "--pid", &pid]),
            out_file: None,
        });
    }
    v.push(Attempt {
        name: "eu-stack",
        format: Format::EuStack,
        args: strings(&["-p", &pid]),
        out_file: None,
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
    });
    v
}

/// One run of one tool, parsed. `Err(None)`: cancelled.
fn run_attempt(
    a: &Attempt,
    exe: &Path,
    timeout: Duration,
    cancel: &AtomicBool,
    progress: &mut impl FnMut(Progress),
) -> Result<(String, CallTree), Option<String>> {
    progress(Progress::Running {
        tool: a.name.into(),
        left: timeout,
    });
    let mut cmd = Command::new(exe);
    cmd.args(&a.args);
    let name = a.name;
    match run_with(cmd, timeout, Some(cancel), |left| {
        progress(Progress::Running {
            tool: name.into(),
            left,
        })
    }) {
        Ok(stdout) => read_report(a, stdout)
            .and_then(|out| stackfmt::parse(a.format, &out).map(|t| (out, t)))
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
    cancel: &AtomicBool,
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
    let end = std::time::Instant::now() + Duration::from_secs(opts.seconds.saturating_sub(1));
    while std::time::Instant::now() < end && alive() {
        let next = std::time::Instant::now() + Duration::from_secs(1);
        while std::time::Instant::now() < next.min(end) {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            progress(Progress::Running {
                tool: format!("{} (sampling)", a.name),
                left: end.saturating_duration_since(std::time::Instant::now()),
            });
            std::thread::sleep(Duration::from_millis(100));
        }
        if cancel.load(Ordering::Relaxed) || !alive() {
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
fn read_report(a: &Attempt, stdout: String) -> Result<String, String> {
    let Some(f) = &a.out_file else {
        return Ok(stdout);
    };
    let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()));
    let _ = std::fs::remove_file(f);
    text
}

/// How long any one tool may run for a capture from the TUI.
pub const TUI_TIMEOUT: Duration = Duration::from_secs(30);

/// Where captures go: `<data dir>/captures`.
pub fn default_dir() -> Result<PathBuf, String> {
    Ok(super::datadir::data_dir()?.join("captures"))
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
    save_dir: &Path,
    opts: CaptureOptions,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress),
) -> Capture {
    let mut notes = Vec::new();
    let mut raw = String::new();
    let mut chosen: Option<(&'static str, CallTree)> = None;
    for a in attempts(p, opts.seconds) {
        if cancel.load(Ordering::Relaxed) {
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
    let floor = kernel_floor(root, p.pid);
    raw.push_str(&format!("=== kernel ===\n{floor}"));
    let kernel = stackfmt::kernel::parse(&floor);
    if !alive(root, p) {
        notes.push(format!("pid {} exited during the capture", p.pid));
    }
    let (tool, tree) = match chosen {
        Some((name, tree)) => (name.to_string(), tree),
        None => ("kernel".to_string(), kernel.clone()),
    };
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
        raw,
    }
}

/// Still the same process, and not a zombie.
fn alive(_root: &Path, p: &ProcSample) -> bool {
    crate::platform::handle::open(p.key()).is_ok_and(|h| !h.exited())
}

/// Every thread's kernel stack (root only), wchan and syscall line, in the
/// `== TID name ==` form `stackfmt::kernel` reads.
pub fn kernel_floor(root: &Path, pid: i32) -> String {
    let task_dir = root.join(pid.to_string()).join("task");
    let Ok(rd) = std::fs::read_dir(&task_dir) else {
        return format!("(pid {pid}: no /proc entry; it exited)\n");
    };
    let mut tids: Vec<i32> = rd
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    let mut out = String::new();
    for tid in tids {
        let dir = task_dir.join(tid.to_string());
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).map(|s| s.trim_end().to_string());
        let comm = read("comm").unwrap_or_default();
        out.push_str(&format!("== {tid} {comm} ==\n"));
        match read("stack") {
            Ok(s) if !s.is_empty() => {
                out.push_str(&s);
                out.push('\n');
            }
            Ok(_) => out.push_str("# kernel stack empty (running in user space)\n"),
            Err(e) => out.push_str(&format!("# kernel stack unreadable: {e} (needs root)\n")),
        }
        if let Ok(w) = read("wchan") {
            out.push_str(&format!("# wchan {w}\n"));
        }
        if let Ok(s) = read("syscall") {
            out.push_str(&format!("# syscall {s}\n"));
        }
    }
    out
}
