//! `whytop logs PID [--follow]`: what a process writes, as long as it lives.

use crate::actions::logtail::{self, Event};
use crate::model::Pid;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

#[derive(clap::Args, Debug)]
pub struct LogsArgs {
    pub pid: Pid,
    /// Keep following until the process exits.
    #[arg(short, long)]
    pub follow: bool,
    /// Lines of backlog to show first.
    #[arg(short = 'n', long, default_value_t = 20)]
    pub lines: usize,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &LogsArgs) -> anyhow::Result<i32> {
    let Some(named) = super::target::named("logs", args.pid)? else {
        return Ok(1);
    };
    let p = named.sample();
    let plan = logtail::plan(std::path::Path::new("/proc"), p.pid);
    let stop = Arc::new(AtomicBool::new(false));
    let mut out = std::io::stdout().lock();
    let mut broken = false;
    let json = args.json;
    logtail::tail(p.key(), &plan, args.lines, args.follow, &stop, |ev| {
        if broken {
            return;
        }
        let r = match ev {
            Event::Line(l) if json => serde_json::to_string(&l)
                .map_err(std::io::Error::other)
                .and_then(|s| writeln!(out, "{s}")),
            Event::Line(l) => writeln!(out, "[{}] {}", l.source, l.text),
            Event::Note(n) => {
                eprintln!("whytop logs: {n}");
                Ok(())
            }
            Event::Ended(why) => {
                if args.follow {
                    eprintln!("whytop logs: {why}");
                }
                Ok(())
            }
        };
        broken = r.and_then(|_| out.flush()).is_err();
        if broken {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    Ok(if plan.sources.is_empty() { 1 } else { 0 })
}
