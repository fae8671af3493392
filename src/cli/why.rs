//! `whytop why PID`: what one process waits for, with the evidence, as text or JSON.

use super::target::{Found, Named};
use crate::actions::outcome::OutcomeKind;
use crate::collectors::stack_why::StackLeaves;
use crate::collectors::why::{ChildIndex, process_why_stacked};
use crate::model::provenance::Provenance;
use crate::model::why::classify;
use crate::model::why::profile::{Profile, ProfileReport};
use crate::model::why::usage::CpuUsage;
use crate::model::{Pid, ProcSample};
use crate::platform::{ListOptions, Platform};
use crate::present::{format, provenance_text, why_text};
use serde::Serialize;
use std::fmt::Write;
use std::time::{Duration, Instant};

const GONE: i32 = OutcomeKind::Gone.exit_code();

#[derive(clap::Args, Debug)]
pub struct WhyArgs {
    /// The process to explain (a thread id explains that thread).
    pub pid: Pid,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Measure its CPU use and waiting for a CPU over this many milliseconds
    /// before judging (at least 100).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(100..))]
    pub interval: u64,
    /// Sample it for this many seconds, one judgement per interval, and print
    /// where the time went (its wait profile).
    #[arg(long, value_name = "SECONDS")]
    pub watch: Option<f64>,
    /// Answer from the recording at TIME instead: `YYYY-MM-DD HH:MM:SS`,
    /// `HH:MM:SS` (today, local time) or relative (`-5m`).
    #[arg(
        long,
        value_name = "TIME",
        conflicts_with = "watch",
        allow_hyphen_values = true
    )]
    pub at: Option<String>,
    /// Capture its stacks first (macOS `sample` or spindump, gdb or eu-stack
    /// on Linux) and, where no syscall or wait channel tells, judge from
    /// each thread's innermost frames.
    #[arg(long, conflicts_with_all = ["at", "stack_from"])]
    pub stack: bool,
    /// Judge with the stacks of a saved capture instead (macOS sample or
    /// spindump, gdb, eu-stack: one tool's output, as `whytop sample --from`
    /// reads; of a many-process spindump, the section of PID).
    #[arg(long, value_name = "FILE", conflicts_with = "at")]
    pub stack_from: Option<std::path::PathBuf>,
    /// The recording `--at` reads (default: record.sqlite in whytop's data directory).
    #[arg(long, value_name = "PATH", requires = "at")]
    pub db: Option<std::path::PathBuf>,
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
    /// CPU used and time waiting for a CPU over the measured interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<CpuUsage>,
    /// Where its time went over the interval (or `--watch`): running, waiting
    /// for a CPU, and each wait reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<ProfileReport>,
    /// launchd job, power assertions, signature and quarantine (macOS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<&'a Provenance>,
}

pub fn run(args: &WhyArgs) -> anyhow::Result<i32> {
    if let Some(at) = &args.at {
        return super::recorded::why_at(args.pid, at, args.db.as_ref(), args.json);
    }
    let mut named = match super::target::named_or_thread(args.pid)? {
        Found::Process(n) => n,
        Found::Thread(n, tid) => return thread(args, n, tid),
        Found::Nothing => {
            errln!("whytop why: no such process: pid {}", args.pid);
            return Ok(GONE);
        }
    };
    let first = named.sample().clone();
    let stacks = match (&args.stack_from, args.stack) {
        (Some(file), _) => match saved_leaves(file, first.pid) {
            Ok(s) => Some(s),
            Err(code) => return Ok(code),
        },
        (None, true) => stack_leaves(&first),
        (None, false) => None,
    };
    let Some(m) = measure(named.platform.as_mut(), &first, args, stacks.as_ref()) else {
        errln!("whytop why: pid {} exited while being read", first.pid);
        return Ok(GONE);
    };
    let (p, w, usage, profile) = (&m.sample, m.why, m.usage, m.profile);
    let command = super::ps::redacted(&p.command()).into_owned();
    let runtime = crate::collectors::runtime::probe(p, std::time::Duration::from_secs(5));
    let provenance = named.platform.provenance(p, true);
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
            usage,
            profile: Some(profile.clone()),
            provenance: provenance.as_ref(),
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
    writeln!(
        out,
        "time: {} (over {:.1} s)",
        profile.line(),
        profile.seconds
    )?;
    if let Some(h) = &runtime
        && (h.waiting_in.is_some() || h.note.is_some())
    {
        writeln!(out, "{}: {}", h.runtime, why_text::runtime_text(h))?;
    }
    if let Some(prov) = &provenance {
        for (label, text) in provenance_text::lines(prov) {
            writeln!(out, "{}: {text}", label.to_lowercase())?;
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

/// `whytop why TID`: that thread's reason, and which process it belongs to.
fn thread(args: &WhyArgs, mut named: Named, tid: Pid) -> anyhow::Result<i32> {
    let p = named.sample().clone();
    let listing = named.platform.list(ListOptions {
        threads: true,
        ..Default::default()
    })?;
    let Some(t) = listing
        .procs
        .iter()
        .find(|s| s.pid == tid && s.tgid == Some(p.pid))
    else {
        errln!("whytop why: thread {tid} of process {} exited", p.pid);
        return Ok(GONE);
    };
    let children = ChildIndex::new(&listing.procs).children(p.pid);
    let e = match named.platform.wait_evidence(t, children, true) {
        Ok(e) => e,
        Err(_) => {
            errln!("whytop why: thread {tid} exited while being read");
            return Ok(GONE);
        }
    };
    let v = classify(&e);
    let command = super::ps::redacted(&p.command()).into_owned();
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
            usage: None,
            profile: None,
            provenance: None,
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

/// One measured judgement of a process: its last sample, verdict, the use of
/// the last interval and the profile over the whole measurement.
struct Measured {
    sample: ProcSample,
    why: crate::model::why::ProcessWhy,
    usage: Option<CpuUsage>,
    profile: ProfileReport,
}

/// Samples `first`'s process every `--interval` (once, or for `--watch`
/// seconds) and judges it each time; `None` when it is gone before the first
/// judgement. A process that exits during `--watch` ends the watch early.
fn measure(
    platform: &mut dyn Platform,
    first: &ProcSample,
    args: &WhyArgs,
    stacks: Option<&StackLeaves>,
) -> Option<Measured> {
    let interval = Duration::from_millis(args.interval);
    let watch = args.watch.and_then(|s| Duration::try_from_secs_f64(s).ok());
    let started = Instant::now();
    let mut prev = first.clone();
    let mut prev_at = Instant::now();
    let mut profile = Profile::default();
    let mut seconds = 0.0;
    let mut last: Option<Measured> = None;
    loop {
        std::thread::sleep(interval);
        let Ok(listing) = platform.list(ListOptions::default()) else {
            break;
        };
        let at = Instant::now();
        let Some(cur) = crate::collectors::why::find(&listing.procs, first.pid)
            .filter(|s| s.key() == first.key())
            .cloned()
        else {
            break;
        };
        let dt = at.duration_since(prev_at).as_nanos() as u64;
        let usage = CpuUsage::between(&prev, &cur, dt);
        let Some(w) =
            process_why_stacked(platform, &cur, &listing.procs, None, usage.as_ref(), stacks)
        else {
            break;
        };
        if let Some(u) = &usage {
            profile.add(u, w.main.reason, false);
            seconds += dt as f64 / 1e9;
        }
        last = Some(Measured {
            sample: cur.clone(),
            why: w,
            usage,
            profile: profile.report(seconds, false),
        });
        prev = cur;
        prev_at = at;
        if watch.is_none_or(|w| started.elapsed() >= w) {
            break;
        }
    }
    last
}

/// `--stack`: `p`'s stacks by the best tool present, as leaf verdicts; None
/// (said on stderr) when no tool could read them: it is judged without.
fn stack_leaves(p: &ProcSample) -> Option<StackLeaves> {
    use crate::actions::capture::{self, CaptureOptions, Tools};
    let dir = match capture::default_dir() {
        Ok(d) => d,
        Err(e) => {
            errln!("whytop why: stacks not captured: {e}");
            return None;
        }
    };
    let cancel = crate::platform::cancel::CancelToken::new();
    let c = capture::capture(
        p,
        std::path::Path::new(crate::platform::PROC_ROOT),
        &Tools::from_env(),
        &dir,
        CaptureOptions::default(),
        &cancel,
        |_| {},
    );
    for n in &c.notes {
        errln!("whytop why: {n}");
    }
    if c.tree.threads.iter().all(|t| t.frames.is_empty()) {
        errln!(
            "whytop why: no stacks could be read for pid {}; judged without them",
            p.pid
        );
        return None;
    }
    Some(StackLeaves::from_tree(&c.tree, &c.tool))
}

/// `--stack-from FILE`: the leaf verdicts of a saved capture (its format
/// detected; of a many-process spindump, `pid`'s section).
fn saved_leaves(file: &std::path::Path, pid: Pid) -> Result<StackLeaves, i32> {
    use crate::platform::stackfmt::{self, Format, spindump};
    let fail = |why: String| {
        errln!("whytop why: {}: {why}", file.display());
        1
    };
    let bytes = std::fs::read(file).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let format =
        stackfmt::detect(&text).ok_or_else(|| fail("not a capture whytop knows".into()))?;
    let mut body: &str = &text;
    if format == Format::Spindump {
        let all = spindump::processes(&text);
        if all.len() > 1 {
            body = all
                .iter()
                .find(|s| s.pid == Some(pid))
                .map(|s| s.text)
                .ok_or_else(|| fail(format!("no process {pid} among its {}", all.len())))?;
        }
    }
    let tree = stackfmt::parse(format, body).map_err(|e| fail(e.to_string()))?;
    Ok(StackLeaves::from_tree(&tree, format.tool()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::why::{Evidence, Verdict, WaitReason};
    use crate::platform::darwin_decode::{provenance as decode, quarantine};

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/darwin/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn report_json(provenance: Option<&Provenance>) -> serde_json::Value {
        let why = Verdict {
            reason: WaitReason::Timer,
            detail: "sleeping".into(),
            ready_for_input: false,
            weak: false,
            child: None,
            decided_by: Vec::new(),
            evidence: Evidence::default(),
        };
        let r = WhyReport {
            pid: 54109,
            thread_of: None,
            start_time: 1,
            command: "/usr/local/bin/otelcol-sumo",
            user: Some("_otelcol-sumo"),
            why: &why,
            threads: &[],
            runtime: None,
            usage: None,
            profile: None,
            provenance,
        };
        serde_json::to_value(&r).unwrap()
    }

    #[test]
    fn json_carries_the_provenance_on_macos_and_nothing_elsewhere() {
        // As the macOS backend assembles it from the recorded outputs.
        let p = Provenance {
            launchd: decode::launchd_label(&fixture("launchctl-list-root.txt"), 54109).map(|l| {
                decode::launchd_job(&l, "system", &fixture("launchctl-print-otelcol.txt"))
            }),
            power: decode::power(&fixture("pmset-assertions-caffeinate.txt"), 57888),
            signature: Some(decode::signature(&fixture("codesign-vscode.txt"))),
            quarantine: quarantine::parse("0083;697af740;Safari;"),
            unreadable: Vec::new(),
        };
        let v = report_json(Some(&p));
        let prov = &v["provenance"];
        assert_eq!(prov["launchd"]["label"], "otelcol-sumo");
        assert_eq!(prov["launchd"]["domain"], "system");
        assert_eq!(prov["launchd"]["keep_alive"], true);
        assert_eq!(
            prov["launchd"]["plist"],
            "/Library/LaunchDaemons/com.sumologic.otelcol-sumo.plist"
        );
        assert_eq!(prov["power"][0]["kind"], "PreventUserIdleSystemSleep");
        assert_eq!(prov["power"][0]["held_by"], "57889 caffeinate");
        assert_eq!(prov["power"][0]["prevents_sleep"], true);
        assert_eq!(prov["power"][0]["held_secs"], 3943);
        assert_eq!(prov["signature"]["identifier"], "com.microsoft.VSCode");
        assert_eq!(prov["signature"]["team"], "UBF8T346G9");
        assert_eq!(
            prov["signature"]["authorities"][0],
            "Developer ID Application: Microsoft Corporation (UBF8T346G9)"
        );
        assert_eq!(prov["signature"]["notarized"], true);
        assert_eq!(prov["quarantine"]["agent"], "Safari");
        assert_eq!(prov["quarantine"]["flags"], 0x83);
        assert_eq!(prov["quarantine"]["user_approved"], false);
        assert!(prov.get("unreadable").is_none(), "{prov}");
        // Linux: no such facts, no key.
        assert!(report_json(None).get("provenance").is_none());
    }
}
