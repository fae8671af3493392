//! `whytop stop`, `whytop signal`, `whytop renice`: the actions from a script.
//! Exit 0 when the targets are gone or the change applied; 1 with a message otherwise.

use crate::actions::audit::{Record, TargetRef};
use crate::actions::deliver::{Delivered, deliver};
use crate::actions::ladder::{self, Order, Policy};
use crate::actions::outcome::{ActionOutcome, OutcomeKind};
use crate::actions::sched::{self, SchedChange};
use crate::actions::targets::{self, Refusal};
use crate::actions::{priority, stop};
use crate::model::Pid;
use crate::platform::cancel::CancelToken;
use crate::platform::signals;
use crate::present::format::printable;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct StopArgs {
    pub pid: Pid,
    /// Only this process, not its descendants.
    #[arg(long)]
    pub no_tree: bool,
    /// The ladder: SIGNAL:SECONDS steps (default: the config's `ladder`, TERM:5,INT:3,KILL:1).
    #[arg(long, value_name = "STEPS", value_parser = Policy::parse)]
    pub ladder: Option<Policy>,
    /// Signal every target at each step at once instead of children first.
    #[arg(long)]
    pub all_at_once: bool,
    /// Allow pid 1, kernel threads, whytop itself (and its process group).
    #[arg(long)]
    pub force: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct SignalArgs {
    pub pid: Pid,
    /// A name (TERM, SIGTERM) or a number.
    #[arg(value_parser = signals::parse)]
    pub signal: i32,
    /// Deliver to the process's whole process group.
    #[arg(long)]
    pub group: bool,
    /// Allow pid 1, kernel threads, whytop itself (and its process group).
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args, Debug)]
pub struct SchedArgs {
    pub pid: Pid,
    /// Linux CPU policy: other, batch, idle, fifo, rr.
    #[arg(long, value_parser = sched::parse_policy)]
    pub policy: Option<SchedChange>,
    /// Linux I/O class: realtime, best-effort or idle, with an optional :LEVEL (0..7).
    #[arg(long, value_name = "CLASS[:LEVEL]", value_parser = sched::parse_io)]
    pub io: Option<SchedChange>,
    /// macOS: put it in the background (lower CPU and I/O priority), or take it out.
    #[arg(long, value_name = "on|off")]
    pub background: Option<OnOff>,
    /// Allow pid 1, kernel threads and whytop itself.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(clap::Args, Debug)]
pub struct ReniceArgs {
    pub pid: Pid,
    /// The new nice value, -20 (most favoured) to 19.
    #[arg(allow_hyphen_values = true, value_parser = clap::value_parser!(i32).range(-20..=19))]
    pub nice: i32,
    /// Allow pid 1, kernel threads and whytop itself.
    #[arg(long)]
    pub force: bool,
}

/// A change's error as the audit log keeps it: loudly flagged when it may have
/// reached another process.
fn failure(e: &priority::PriorityError) -> serde_json::Value {
    let kind = OutcomeKind::of_priority(e);
    if e.identity_lost() {
        json!({"error": e.to_string(), "kind": kind, "identity_lost": true})
    } else {
        json!({"error": e.to_string(), "kind": kind})
    }
}

/// Prints an outcome (done on stdout, the rest on stderr) and gives its exit code.
fn report(o: &ActionOutcome) -> i32 {
    if o.is_done() {
        outln!("{}", o.message);
    } else {
        errln!("whytop: {}", o.message);
    }
    o.exit_code()
}

/// Tells why whytop would not act; exits as refused.
fn refuse(msg: impl std::fmt::Display) -> anyhow::Result<i32> {
    errln!("whytop: {msg}");
    Ok(OutcomeKind::Refused.exit_code())
}

/// Appends to the audit log. A record that cannot be written does not undo
/// the action: it is reported as an error, and false makes the command exit 1.
pub fn audit(rec: Record) -> bool {
    match crate::actions::audit::record(&rec) {
        Ok(()) => true,
        Err(e) => {
            audit_failed(e);
            false
        }
    }
}

fn audit_failed(e: impl std::fmt::Display) {
    errln!("whytop: error: not recorded in the audit log: {e}");
}

/// `code`, or 1 when the audit record was lost.
fn unless_unaudited(code: i32, audited: bool) -> i32 {
    if audited { code } else { 1 }
}

/// Refuses init, kernel threads and whytop itself unless forced, and audits the refusal.
fn refused(action: &str, named: &super::target::Named, force: bool) -> Option<Refusal> {
    let p = named.sample();
    let refusal = targets::plan(&named.procs, p.key(), false, force).err()?;
    Some(audit_refusal(action, p, refusal))
}

/// Records that `action` on `p` was refused; gives the refusal back.
fn audit_refusal(action: &str, p: &crate::model::ProcSample, refusal: Refusal) -> Refusal {
    let _ = audit(Record::new(
        action,
        json!({"refused": refusal.to_string()}),
        vec![TargetRef::new(p.key(), p.command())],
        json!("refused"),
    ));
    refusal
}

/// The ladder: `--ladder` wins over the config file's, which wins over the default.
/// A config file that does not hold is a usage error (exit 2), as everywhere.
fn policy(args: &StopArgs) -> anyhow::Result<Policy> {
    let mut policy = match &args.ladder {
        Some(p) => p.clone(),
        None => crate::app::config::Config::load()?.policy()?,
    };
    if args.all_at_once {
        policy.order = Order::AllAtOnce;
    }
    Ok(policy)
}

pub fn stop(args: &StopArgs) -> anyhow::Result<i32> {
    let policy = policy(args)?;
    let named = match super::target::named("stop", args.pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    let (procs, p) = (&named.procs, named.sample());
    let targets = match targets::plan(procs, p.key(), !args.no_tree, args.force) {
        Ok(t) => t,
        Err(refusal) => return refuse(audit_refusal("stop", p, refusal)),
    };
    if !args.json {
        errln!(
            "stopping {} process(es) with {} (Ctrl-C cancels)",
            targets.len(),
            policy.describe()
        );
    }
    let cancel = CancelToken::new();
    super::interrupt::cancel_on_signal(cancel.clone());
    // Nothing asks the CLI's ladder to skip ahead.
    let (_kill_now, kill_now) = std::sync::mpsc::channel();
    let quiet = args.json;
    let params = stop::params(
        &policy,
        json!({"tree": !args.no_tree, "force": args.force, "from": "cli"}),
    );
    let (outcome, audit_error) =
        stop::run_audited(targets, &policy, params, &cancel, &kill_now, |ev| {
            if quiet {
                return;
            }
            match ev {
                ladder::Progress::Step {
                    index,
                    signal,
                    alive,
                    ..
                } => errln!(
                    "step {}: {} to {} process(es)",
                    index + 1,
                    signals::name(signal),
                    alive.len()
                ),
                ladder::Progress::Exited { key, step } => {
                    errln!("pid {} exited during step {}", key.pid, step + 1)
                }
                ladder::Progress::Moved { message, .. } => errln!("whytop: {message}"),
            }
        });
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        for t in &outcome.targets {
            let how = match &t.ended {
                ladder::Ended::Step { step, signal } => {
                    format!("ended after {signal} (step {})", step + 1)
                }
                ladder::Ended::Gone => "was already gone: not signalled".into(),
                ladder::Ended::Survived => "SURVIVED the ladder".into(),
                ladder::Ended::Cancelled => "left running (cancelled)".into(),
                ladder::Ended::Error { message } => format!("not signalled: {message}"),
                ladder::Ended::Moved { ppid } => format!(
                    "LEFT ALONE: no longer a descendant of pid {} (its parent is now {ppid})",
                    p.pid
                ),
            };
            // A command line can hold escape sequences that would retitle or
            // clear the terminal of whoever stops it.
            outln!("{:>7}  {how}  {}", t.pid, printable(&t.command));
        }
    }
    let audited = match audit_error {
        Some(e) => {
            audit_failed(e);
            false
        }
        None => true,
    };
    Ok(unless_unaudited(i32::from(!outcome.all_gone()), audited))
}

pub fn signal(args: &SignalArgs) -> anyhow::Result<i32> {
    let named = match super::target::named("signal", args.pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    if let Some(refusal) = refused("signal", &named, args.force) {
        return refuse(refusal);
    }
    let p = named.sample();
    let key = p.key();
    let name = signals::name(args.signal);
    let group = args.group.then_some(p.pgid);
    let result = deliver(key, args.signal, group, args.force);
    let outcome = match &result {
        Ok(Delivered::One(_)) => json!("delivered"),
        Ok(Delivered::Group { delivery, .. }) => json!({
            "delivered": delivery.sent,
            "gone": delivery.gone,
            "failed": delivery.failed,
        }),
        Err(e) => json!({"error": e.to_string(), "kind": OutcomeKind::of_delivery(e)}),
    };
    let audited = audit(Record::new(
        "signal",
        json!({"signal": name, "group": group}),
        vec![TargetRef::new(key, p.command())],
        outcome,
    ));
    let said = match result {
        Ok(d) => ActionOutcome::done(format!("sent {name} to {}", d.describe())),
        Err(e) => ActionOutcome::new(OutcomeKind::of_delivery(&e), e.to_string()),
    };
    Ok(unless_unaudited(report(&said), audited))
}

pub fn renice(args: &ReniceArgs) -> anyhow::Result<i32> {
    let named = match super::target::named("renice", args.pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    if let Some(refusal) = refused("renice", &named, args.force) {
        return refuse(refusal);
    }
    let p = named.sample();
    let key = p.key();
    let before = p.nice;
    let result = priority::renice(key, args.nice);
    let target = TargetRef::new(key, p.command());
    let outcome = match &result {
        Ok(()) => json!({"applied": true, "from": before}),
        Err(e) => failure(e),
    };
    let audited = audit(Record::new(
        "renice",
        json!({"nice": args.nice}),
        vec![target],
        outcome,
    ));
    let said = match result {
        Ok(()) => ActionOutcome::done(format!("pid {}: nice {before} -> {}", key.pid, args.nice)),
        Err(e) => ActionOutcome::new(OutcomeKind::of_priority(&e), e.to_string()),
    };
    Ok(unless_unaudited(report(&said), audited))
}

pub fn sched_cmd(args: &SchedArgs) -> anyhow::Result<i32> {
    let named = match super::target::named("sched", args.pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    let p = named.sample();
    let key = p.key();
    let background = args
        .background
        .map(|b| SchedChange::Background(matches!(b, OnOff::On)));
    let changes: Vec<SchedChange> = [args.policy, args.io, background]
        .into_iter()
        .flatten()
        .collect();
    if changes.is_empty() {
        outln!(
            "pid {}: nice {}, {}",
            key.pid,
            p.nice,
            crate::platform::sched::describe(key.pid)
                .unwrap_or_else(|| "no other scheduling controls on this system".into())
        );
        return Ok(0);
    }
    if let Some(refusal) = refused("sched", &named, args.force) {
        return refuse(refusal);
    }
    let mut code = 0;
    for change in changes {
        let r = sched::apply(key, change);
        let outcome = match &r {
            Ok(m) => json!({"applied": m}),
            Err(e) => failure(e),
        };
        let target = TargetRef::new(key, p.command());
        if !audit(Record::new(
            "sched",
            serde_json::to_value(change)?,
            vec![target],
            outcome,
        )) {
            code = 1;
        }
        let said = match r {
            Ok(m) => ActionOutcome::done(printable(&m)),
            Err(e) => ActionOutcome::new(OutcomeKind::of_priority(&e), e.to_string()),
        };
        code = code.max(report(&said));
    }
    Ok(code)
}
