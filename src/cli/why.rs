//! `whytop why PID`: what one process waits for, with the evidence, as text or JSON.

use crate::collectors::why::process_why;
use crate::model::{Pid, ProcKey};
use crate::ui::{format, why_text};
use serde::Serialize;
use std::fmt::Write;

#[derive(clap::Args, Debug)]
pub struct WhyArgs {
    /// The process to explain.
    pub pid: Pid,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct WhyReport<'a> {
    pid: Pid,
    start_time: u64,
    command: &'a str,
    user: Option<&'a str>,
    why: &'a crate::model::why::Verdict,
    threads: &'a [crate::model::why::Verdict],
    /// What a runtime's own tool (py-spy) saw, for processes of a known runtime.
    runtime: Option<&'a crate::model::RuntimeHint>,
}

pub fn run(args: &WhyArgs) -> anyhow::Result<i32> {
    let Some(mut named) = super::target::named("why", args.pid)? else {
        return Ok(1);
    };
    let (procs, p) = (std::sync::Arc::clone(&named.procs), named.sample().clone());
    let p = &p;
    let key: ProcKey = p.key();
    let Some(w) = process_why(named.platform.as_mut(), p, &procs, None) else {
        eprintln!("whytop why: pid {} exited while being read", key.pid);
        return Ok(1);
    };
    let command = p.command();
    let runtime = crate::collectors::runtime::probe(p, std::time::Duration::from_secs(5));
    let mut out = String::new();
    if args.json {
        let report = WhyReport {
            pid: p.pid,
            start_time: p.start_time,
            command: &command,
            user: p.user.as_deref(),
            why: &w.main,
            threads: &w.threads,
            runtime: runtime.as_ref(),
        };
        return super::emit(&(serde_json::to_string_pretty(&report)? + "\n"));
    }
    writeln!(
        out,
        "pid {} ({}) user {} state {}",
        p.pid,
        format::printable(&command),
        p.user.as_deref().unwrap_or("?"),
        p.state.letter()
    )?;
    writeln!(out, "why: {}", why_text::verdict_line(&w.main))?;
    if w.main.ready_for_input {
        writeln!(
            out,
            "ready for input: it waits for you to type at its terminal"
        )?;
    }
    if !w.main.decided_by.is_empty() {
        writeln!(out, "because: {}", w.main.decided_by.join("; "))?;
    }
    if let Some(h) = &runtime {
        match (&h.waiting_in, &h.note) {
            (Some(wait), _) => writeln!(out, "{}: waiting in {wait} ({})", h.runtime, h.tool)?,
            (None, Some(note)) => writeln!(out, "{}: {note}", h.runtime)?,
            (None, None) => {}
        }
    }
    writeln!(out, "evidence:")?;
    for line in why_text::evidence_lines(&w.main.evidence) {
        writeln!(out, "  {line}")?;
    }
    if !w.threads.is_empty() {
        writeln!(out, "{}", why_text::thread_summary(&w))?;
        for t in &w.threads {
            let tid = t.evidence.tid.unwrap_or(0);
            let comm = t.evidence.comm.as_deref().unwrap_or("");
            writeln!(
                out,
                "  {tid:>7} {:<16} {}",
                format::printable(comm),
                why_text::verdict_line(t)
            )?;
        }
    }
    super::emit(&out)
}
