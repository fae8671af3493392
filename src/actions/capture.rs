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

/// How long macOS `sample` and `spindump` sample for.
pub const SAMPLE_SECONDS: u64 = 3;

fn attempts(p: &ProcSample) -> Vec<Attempt> {
    let pid = p.pid.to_string();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut v = Vec::new();
    if cfg!(target_os = "macos") {
        let secs = SAMPLE_SECONDS.to_string();
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

/// Captures `p`'s stacks into a new file in `save_dir`. `timeout` bounds each
/// external tool.
#[allow(clippy::too_many_arguments)]
pub fn capture(
    p: &ProcSample,
    root: &Path,
    tools: &Tools,
    save_dir: &Path,
    timeout: Duration,
    cancel: &AtomicBool,
    mut progress: impl FnMut(Progress),
) -> Capture {
    let mut notes = Vec::new();
    let mut raw = String::new();
    let mut chosen: Option<(&'static str, CallTree)> = None;
    for a in attempts(p) {
        if cancel.load(Ordering::Relaxed) {
            notes.push("cancelled".into());
            break;
        }
        let Some(exe) = tools.find(a.name) else {
            notes.push(format!("{} is not installed", a.name));
            continue;
        };
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
            Ok(stdout) => match read_report(&a, stdout)
                .and_then(|out| stackfmt::parse(a.format, &out).map(|t| (out, t)))
            {
                Ok((out, tree)) => {
                    raw.push_str(&format!("=== {} ===\n{out}\n", a.name));
                    chosen = Some((a.name, tree));
                    break;
                }
                Err(e) => notes.push(format!("{}: {e}", a.name)),
            },
            Err(RunError::Cancelled) => {
                notes.push(format!("{}: cancelled", a.name));
                break;
            }
            Err(e) => notes.push(format!("{}: {e}", a.name)),
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
