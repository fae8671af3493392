//! `whytop sample PID`: capture a process's stacks with the best tool present.

use crate::actions::capture::{self, Tools};
use crate::model::Pid;
use std::fmt::Write;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct SampleArgs {
    pub pid: Pid,
    /// Sample for this many seconds: one snapshot a second on Linux (counts show
    /// how often each frame was seen); the sampling time of macOS `sample`.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// The longest any one tool run may take, in seconds (on top of the sampling
    /// time for macOS `sample` and `spindump`).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Print the capture as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &SampleArgs) -> anyhow::Result<i32> {
    let Some(named) = super::target::named("sample", args.pid)? else {
        return Ok(1);
    };
    let p = named.sample();
    let dir = match capture::default_dir() {
        Ok(d) => d,
        Err(e) => {
            errln!("whytop sample: {e}");
            return Ok(1);
        }
    };
    let cancel = AtomicBool::new(false);
    let mut announced = String::new();
    let c = capture::capture(
        p,
        std::path::Path::new(crate::platform::PROC_ROOT),
        &Tools::from_env(),
        &dir,
        capture::CaptureOptions {
            timeout: Duration::from_secs(args.timeout),
            seconds: args.seconds,
        },
        &cancel,
        |ev| {
            let capture::Progress::Running { tool, .. } = ev;
            if tool != announced && !args.json {
                errln!("whytop sample: running {tool}…");
                announced = tool;
            }
        },
    );
    for n in &c.notes {
        errln!("whytop sample: {n}");
    }
    // No stacks is a failure, not an empty tree; and a process that exited
    // before any tool read it has only the kernel's view from before.
    let empty = c.tree.threads.iter().all(|t| t.frames.is_empty());
    let tool_failed = c.tool == "kernel" || c.tool == "none";
    let failed = empty || (c.exited && tool_failed);
    if args.json {
        let code = super::emit(&(serde_json::to_string_pretty(&c)? + "\n"))?;
        return Ok(if failed { 1 } else { code });
    }
    if empty {
        match c.exited {
            true => errln!(
                "whytop sample: pid {} exited before its stacks could be read",
                c.pid
            ),
            false => errln!("whytop sample: no stacks could be read for pid {}", c.pid),
        }
        return Ok(1);
    }
    let mut out = String::new();
    writeln!(out, "pid {} stacks by {}", c.pid, c.tool)?;
    if let Some(path) = &c.saved {
        writeln!(out, "raw output saved: {}", path.display())?;
    }
    for t in &c.tree.threads {
        writeln!(
            out,
            "\nthread {} {}",
            t.id.map(|i| i.to_string()).unwrap_or_default(),
            t.name.as_deref().unwrap_or("")
        )?;
        for f in t.frames.iter().take(12) {
            writeln!(
                out,
                "  {}{}",
                f.function,
                f.location
                    .as_deref()
                    .map(|l| format!("  ({l})"))
                    .unwrap_or_default()
            )?;
        }
        if t.frames.len() > 12 {
            writeln!(out, "  … {} more", t.frames.len() - 12)?;
        }
        if c.tool != "kernel"
            && let Some(k) = c.kernel.summary_of(t.id)
        {
            writeln!(out, "  kernel: {k}")?;
        }
    }
    writeln!(out, "\nhottest:")?;
    for (f, n) in c.tree.hottest(10) {
        writeln!(out, "  {n:>4}  {f}")?;
    }
    let code = super::emit(&out)?;
    if failed {
        errln!(
            "whytop sample: pid {} exited before a tool could read its stacks; above is the kernel's view from just before",
            c.pid
        );
        return Ok(1);
    }
    Ok(code)
}
