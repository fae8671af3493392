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

/// The processes stop ladders saw end, from the audit log's records of
/// finished stops: each target that exited at a step, by its key (pid and
/// start time), with that step's signal.
pub(crate) fn ladder_stops(records: &[Record]) -> Vec<crate::model::ending::LadderStop> {
    let mut out = Vec::new();
    for r in records.iter().filter(|r| r.action == "stop") {
        let Some(targets) = r.outcome.get("targets").and_then(Value::as_array) else {
            continue; // the record a ladder writes when it starts
        };
        for t in targets {
            let field = |k: &str| t.get(k);
            if field("ended").and_then(Value::as_str) != Some("step") {
                continue;
            }
            let (Some(pid), Some(start_time), Some(step), Some(signal)) = (
                field("pid").and_then(Value::as_i64),
                field("start_time").and_then(Value::as_u64),
                field("step").and_then(Value::as_u64),
                field("signal").and_then(Value::as_str),
            ) else {
                continue;
            };
            out.push(crate::model::ending::LadderStop {
                key: crate::model::ProcKey {
                    pid: pid as i32,
                    start_time,
                },
                step: step as usize,
                signal: signal.to_string(),
                at: r.when,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::ladder::{Ended, TargetOutcome};

    #[test]
    fn ladder_stops_come_from_finished_stops_only() {
        let outcome = Outcome {
            targets: vec![
                TargetOutcome {
                    pid: 5,
                    start_time: 77,
                    command: "a".into(),
                    ended: Ended::Step {
                        step: 2,
                        signal: "SIGKILL".into(),
                    },
                },
                TargetOutcome {
                    pid: 6,
                    start_time: 78,
                    command: "b".into(),
                    ended: Ended::Survived,
                },
            ],
            cancelled: false,
            elapsed_secs: 1.0,
            sent: vec![],
        };
        let records = vec![
            Record::new("stop", json!({}), vec![], json!("started")),
            Record::new("signal", json!({}), vec![], json!({"targets": []})),
            Record::new(
                "stop",
                json!({}),
                vec![],
                serde_json::to_value(&outcome).unwrap(),
            ),
        ];
        let stops = ladder_stops(&records);
        assert_eq!(stops.len(), 1);
        assert_eq!(
            (stops[0].key.pid, stops[0].key.start_time, stops[0].step),
            (5, 77, 2)
        );
        assert_eq!(stops[0].signal, "SIGKILL");
    }
}
