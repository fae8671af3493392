//! `whytop sample PID`: capture a process's stacks with the best tool present.

use crate::actions::capture::{self, Tools};
use crate::model::Pid;
use crate::platform::cancel::CancelToken;
use std::fmt::Write;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct SampleArgs {
    /// The process to capture (not with --from).
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub pid: Option<Pid>,
    /// Read a saved capture instead (macOS sample or spindump, gdb, eu-stack,
    /// py-spy, jstack/jcmd, a kernel stack), its format detected, and print it
    /// as a live capture is printed: one taken on a Mac can be read anywhere.
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
    /// With --from, a spindump of many processes: the one to show (without it
    /// they are listed).
    #[arg(long = "pid", value_name = "PID", requires = "from")]
    pub only_pid: Option<Pid>,
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
    let pid = match (&args.from, args.pid) {
        (Some(file), _) => return super::sample_file::run(file, args.only_pid, args.json),
        (None, Some(pid)) => pid,
        (None, None) => {
            errln!("whytop sample: give a PID, or --from FILE");
            return Ok(2);
        }
    };
    let named = match super::target::named("sample", pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    let p = named.sample();
    let dir = match capture::default_dir() {
        Ok(d) => d,
        Err(e) => {
            errln!("whytop sample: {e}");
            return Ok(1);
        }
    };
    let cancel = CancelToken::new();
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
    let kernel = (c.tool != "kernel").then_some(&c.kernel);
    super::stack_text::write_tree(&mut out, &c.tree, kernel)?;
    let code = super::emit_printable(&out)?;
    if failed {
        errln!(
            "whytop sample: pid {} exited before a tool could read its stacks; above is the kernel's view from just before",
            c.pid
        );
        return Ok(crate::actions::outcome::OutcomeKind::Gone.exit_code());
    }
    Ok(code)
}
