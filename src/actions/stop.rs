//! A stop ladder with its audit trail: one line when it starts (what it will do to
//! whom), one when it ends (per target, the step that ended it; every signal sent).
//! The start line means a ladder cut short by a crash still left a record.

use super::audit::{self, Record, TargetRef};
use super::ladder::{self, KillNow, Outcome, Policy, Progress};
use super::targets::Target;
use crate::platform::cancel::CancelToken;
use serde_json::{Value, json};
use std::sync::mpsc::Receiver;

pub(crate) fn refs(targets: &[Target]) -> Vec<TargetRef> {
    targets
        .iter()
        .map(|t| TargetRef::new(t.key, t.command.clone()))
        .collect()
}

/// Targets dropped from a plan before it ran (no longer descendants), as the
/// audit log keeps them.
pub fn dropped(dropped: &[(Target, crate::model::Pid)]) -> Value {
    dropped
        .iter()
        .map(|(t, ppid)| {
            json!({"pid": t.key.pid, "start_time": t.key.start_time,
                   "command": t.command, "ppid_now": ppid})
        })
        .collect()
}

/// The ladder's parameters as the audit log keeps them, plus the caller's own.
pub fn params(policy: &Policy, extra: Value) -> Value {
    let mut p = json!({"ladder": policy.describe(), "order": policy.order});
    if let (Some(p), Value::Object(extra)) = (p.as_object_mut(), extra) {
        p.extend(extra);
    }
    p
}

/// Runs the ladder (blocking) between its two audit lines. The second value is
/// the first audit failure, if any: reported by the caller, never fatal.
pub(crate) fn run_audited(
    targets: Vec<Target>,
    policy: &Policy,
    params: Value,
    cancel: &CancelToken,
    kill_now: &Receiver<KillNow>,
    progress: impl FnMut(Progress),
) -> (Outcome, Option<String>) {
    let started = audit::record(&Record::new(
        "stop",
        params.clone(),
        refs(&targets),
        json!("started"),
    ))
    .err()
    .map(|e| e.to_string());
    let who = refs(&targets);
    let outcome = ladder::run(targets, policy, cancel, kill_now, progress);
    let value = serde_json::to_value(&outcome).unwrap_or_default();
    let ended = audit::record(&Record::new("stop", params, who, value))
        .err()
        .map(|e| e.to_string());
    (outcome, started.or(ended))
}
