//! `whytop stop`, `whytop signal`, `whytop renice`: the actions from a script.
//! Exit 0 when the targets are gone or the change applied; 1 with a message otherwise.

use crate::actions::audit::{Record, TargetRef};
use crate::actions::ladder::{self, Control, Order, Policy};
use crate::actions::sched::{self, SchedChange};
use crate::actions::targets::{self, Target};
use crate::actions::{priority, signals};
use crate::model::{Pid, ProcKey};
use crate::platform::PlatformError;
use crate::platform::handle;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct StopArgs {
    pub pid: Pid,
    /// Only this process, not its descendants.
    #[arg(long)]
    pub no_tree: bool,
    /// The ladder: SIGNAL:SECONDS steps (default TERM:5,INT:3,KILL:1).
    #[arg(long, value_name = "STEPS", value_parser = Policy::parse)]
    pub ladder: Option<Policy>,
    /// Signal every target at each step at once instead of children first.
    #[arg(long)]
    pub all_at_once: bool,
    /// Allow pid 1 and kernel threads.
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
    /// Allow pid 1 and kernel threads.
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
}

fn fail(msg: impl std::fmt::Display) -> anyhow::Result<i32> {
    eprintln!("whytop: {msg}");
    Ok(1)
}

fn refs(targets: &[Target]) -> Vec<TargetRef> {
    targets
        .iter()
        .map(|t| TargetRef {
            pid: t.key.pid,
            start_time: t.key.start_time,
            command: t.command.clone(),
        })
        .collect()
}

/// Appends to the audit log; a log that cannot be written is reported, not fatal.
pub fn audit(rec: Record) {
    if let Err(e) = crate::actions::audit::record(&rec) {
        eprintln!("whytop: warning: {e}");
    }
}

pub fn stop(args: &StopArgs) -> anyhow::Result<i32> {
    let Some(named) = super::target::named("stop", args.pid)? else {
        return Ok(1);
    };
    let (procs, p) = (&named.procs, named.sample());
    let mut policy = args.ladder.clone().unwrap_or_default();
    if args.all_at_once {
        policy.order = Order::AllAtOnce;
    }
    let targets = match targets::plan(procs, p.key(), !args.no_tree, args.force) {
        Ok(t) => t,
        Err(refusal) => {
            audit(Record::new(
                "stop",
                json!({"refused": refusal.to_string()}),
                vec![],
                json!("refused"),
            ));
            return fail(refusal);
        }
    };
    if !args.json {
        eprintln!(
            "stopping {} process(es) with {}",
            targets.len(),
            policy.describe()
        );
    }
    let (_tx, rx) = std::sync::mpsc::channel::<Control>();
    let quiet = args.json;
    let outcome = ladder::run(targets.clone(), &policy, &rx, |ev| {
        if quiet {
            return;
        }
        match ev {
            ladder::Progress::Step {
                index,
                signal,
                alive,
                ..
            } => {
                eprintln!(
                    "step {}: {} to {} process(es)",
                    index + 1,
                    signals::name(signal),
                    alive.len()
                )
            }
            ladder::Progress::Exited { key, step } => {
                eprintln!("pid {} exited during step {}", key.pid, step + 1)
            }
        }
    });
    let params = json!({"ladder": policy.describe(), "tree": !args.no_tree, "order": policy.order, "force": args.force});
    audit(Record::new(
        "stop",
        params,
        refs(&targets),
        serde_json::to_value(&outcome)?,
    ));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
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
            };
            println!("{:>7}  {how}  {}", t.pid, t.command);
        }
    }
    if outcome.all_gone() { Ok(0) } else { Ok(1) }
}

pub fn signal(args: &SignalArgs) -> anyhow::Result<i32> {
    let Some(named) = super::target::named("signal", args.pid)? else {
        return Ok(1);
    };
    let (procs, p) = (&named.procs, named.sample());
    let key = p.key();
    if let Err(refusal) = targets::plan(procs, key, false, args.force) {
        return fail(refusal);
    }
    let name = signals::name(args.signal);
    let result = deliver(key, args.signal, args.group, p.pgid);
    let outcome = match &result {
        Ok(()) => json!("delivered"),
        Err(e) => json!({"error": e.to_string()}),
    };
    let target = TargetRef {
        pid: key.pid,
        start_time: key.start_time,
        command: p.command(),
    };
    audit(Record::new(
        "signal",
        json!({"signal": name, "group": args.group}),
        vec![target],
        outcome,
    ));
    match result {
        Ok(()) => {
            println!(
                "sent {name} to {}{}",
                if args.group { "process group " } else { "pid " },
                if args.group { p.pgid } else { key.pid }
            );
            Ok(0)
        }
        Err(e) => fail(e),
    }
}

/// One signal to the process `key`, or to its process group: the group is only
/// signalled after the key is confirmed, so a reused pid's group is never hit.
pub fn deliver(key: ProcKey, sig: i32, group: bool, pgid: Pid) -> Result<(), PlatformError> {
    let h = handle::open(key)?;
    if !group {
        return h.signal(sig);
    }
    // SAFETY: kill with a negative pid signals that process group.
    if unsafe { libc::kill(-pgid, sig) } == 0 {
        Ok(())
    } else {
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EPERM) => Err(PlatformError::PermissionDenied { pid: key.pid }),
            _ => Err(PlatformError::NoSuchProcess { pid: key.pid }),
        }
    }
}

pub fn renice(args: &ReniceArgs) -> anyhow::Result<i32> {
    let Some(named) = super::target::named("renice", args.pid)? else {
        return Ok(1);
    };
    let p = named.sample();
    let key = p.key();
    let before = p.nice;
    let result = priority::renice(key, args.nice);
    let target = TargetRef {
        pid: key.pid,
        start_time: key.start_time,
        command: p.command(),
    };
    let outcome = match &result {
        Ok(()) => json!({"applied": true, "from": before}),
        Err(e) => json!({"error": e.to_string()}),
    };
    audit(Record::new(
        "renice",
        json!({"nice": args.nice}),
        vec![target],
        outcome,
    ));
    match result {
        Ok(()) => {
            println!("pid {}: nice {before} -> {}", key.pid, args.nice);
            Ok(0)
        }
        Err(e) => fail(e),
    }
}

pub fn sched_cmd(args: &SchedArgs) -> anyhow::Result<i32> {
    let Some(named) = super::target::named("sched", args.pid)? else {
        return Ok(1);
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
        println!(
            "pid {}: nice {}, {}",
            key.pid,
            p.nice,
            sched::describe(key.pid)
                .unwrap_or_else(|| "no other scheduling controls on this system".into())
        );
        return Ok(0);
    }
    let mut code = 0;
    for change in changes {
        let r = sched::apply(key, change);
        let outcome = match &r {
            Ok(m) => json!({"applied": m}),
            Err(e) => json!({"error": e.to_string()}),
        };
        let target = TargetRef {
            pid: key.pid,
            start_time: key.start_time,
            command: p.command(),
        };
        audit(Record::new(
            "sched",
            serde_json::to_value(change)?,
            vec![target],
            outcome,
        ));
        match r {
            Ok(m) => println!("{m}"),
            Err(e) => {
                eprintln!("whytop: {e}");
                code = 1;
            }
        }
    }
    Ok(code)
}
