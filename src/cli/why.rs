//! `whytop why PID`: what one process waits for, with the evidence, as text or JSON.

use super::target::{Found, Named};
use crate::collectors::why::{ChildIndex, process_why};
use crate::model::why::classify;
use crate::model::{Pid, ProcKey};
use crate::platform::ListOptions;
use crate::ui::{format, why_text};
use serde::Serialize;
use std::fmt::Write;

#[derive(clap::Args, Debug)]
pub struct WhyArgs {
    /// The process to explain (a thread id explains that thread).
    pub pid: Pid,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct WhyReport<'a> {
    pid: Pid,
    /// When `pid` is a thread id: the process it is a thread of.
    #[serde(skip_serializing_if = "Option::is_none")]
    thread_of: Option<Pid>,
    start_time: u64,
    command: &'a str,
    user: Option<&'a str>,
    why: &'a crate::model::why::Verdict,
    threads: &'a [crate::model::why::Verdict],
    /// What a runtime's own tool (py-spy, jcmd, rbspy) saw, for processes of a known runtime.
    runtime: Option<&'a crate::model::RuntimeHint>,
}

pub fn run(args: &WhyArgs) -> anyhow::Result<i32> {
    let mut named = match super::target::named_or_thread(args.pid)? {
        Found::Process(n) => n,
        Found::Thread(n, tid) => return thread(args, n, tid),
        Found::Nothing => {
            eprintln!("whytop why: no such process: pid {}", args.pid);
            return Ok(1);
        }
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
            thread_of: None,
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
        writeln!(out, "because: {}", why_text::because_line(&w.main))?;
    }
    if let Some(h) = &runtime
        && (h.waiting_in.is_some() || h.note.is_some())
    {
        writeln!(out, "{}: {}", h.runtime, why_text::runtime_text(h))?;
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

/// `whytop why TID`: that thread's reason, and which process it belongs to.
fn thread(args: &WhyArgs, mut named: Named, tid: Pid) -> anyhow::Result<i32> {
    let p = named.sample().clone();
    let listing = named.platform.list(ListOptions { threads: true })?;
    let Some(t) = listing
        .procs
        .iter()
        .find(|s| s.pid == tid && s.tgid == Some(p.pid))
    else {
        eprintln!("whytop why: thread {tid} of process {} exited", p.pid);
        return Ok(1);
    };
    let children = ChildIndex::new(&listing.procs).children(p.pid);
    let e = match named.platform.wait_evidence(t, children, true) {
        Ok(e) => e,
        Err(_) => {
            eprintln!("whytop why: thread {tid} exited while being read");
            return Ok(1);
        }
    };
    let v = classify(&e);
    let command = p.command();
    if args.json {
        let report = WhyReport {
            pid: tid,
            thread_of: Some(p.pid),
            start_time: p.start_time,
            command: &command,
            user: p.user.as_deref(),
            why: &v,
            threads: &[],
            runtime: None,
        };
        return super::emit(&(serde_json::to_string_pretty(&report)? + "\n"));
    }
    let mut out = String::new();
    writeln!(
        out,
        "thread {tid} ({}) of process {} ({}) user {} state {}",
        format::printable(&t.comm),
        p.pid,
        format::printable(&command),
        p.user.as_deref().unwrap_or("?"),
        t.state.letter()
    )?;
    writeln!(out, "why: {}", why_text::verdict_line(&v))?;
    if !v.decided_by.is_empty() {
        writeln!(out, "because: {}", why_text::because_line(&v))?;
    }
    writeln!(out, "evidence:")?;
    for line in why_text::evidence_lines(&v.evidence) {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "(whytop why {} explains the whole process)", p.pid)?;
    super::emit(&out)
}
