//! Carries out the effects `update` asks for, off the UI task: each blocking
//! action is a job on the executor's worker pool and reports back as a `Msg`;
//! what runs long (the ladder, the log tail, the capture) is stopped through
//! its `CancelToken`.

use super::msg::{Effect, Msg};
use super::worker_pool::WorkerPool;
use crate::actions::audit::{self, AuditLog, Record, TargetRef};
use crate::actions::ladder::{Control, KillNow};
use crate::actions::outcome::{ActionOutcome, OutcomeKind};
use crate::actions::{bundle, capture, logtail, priority, stop};
use crate::collectors::CollectorCmd;
use crate::platform::cancel::CancelToken;
use crate::platform::{Platform, signals};
use serde_json::json;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How long quitting waits for the jobs still running (all cancelled by then):
/// long enough for a cancelled ladder to write its outcome to the audit log.
const JOIN_WITHIN: Duration = Duration::from_secs(3);

/// The running ladder: cancelled through its token, told to skip ahead by a send.
struct RunningLadder {
    cancel: CancelToken,
    kill_now: mpsc::Sender<KillNow>,
}

/// What effects need across calls: where results go, the pool the jobs run on
/// and the tokens of what runs long.
pub(crate) struct Executor {
    pub to_ui: UnboundedSender<Msg>,
    pub collector: mpsc::Sender<CollectorCmd>,
    ladder: Option<RunningLadder>,
    /// Ends the running log tail.
    logs: Option<CancelToken>,
    /// Ends the running capture.
    capture: Option<CancelToken>,
    /// Where the log tails and captures read processes.
    proc_root: std::path::PathBuf,
    /// Asked about one process's facts for a bundle: opened at the first and
    /// kept (the collector's own lives on its thread).
    bundle_platform: Arc<Mutex<Option<Box<dyn Platform>>>>,
    /// Last field: dropped after `Drop for Executor` cancelled the long jobs.
    pool: WorkerPool,
}

/// Builds and saves a bundle; the message names the file.
/// A bundle of `key` from the listing the table shows: the platform is asked
/// only about this process (its facts), not for every process again.
fn save_bundle(
    platform: &Mutex<Option<Box<dyn Platform>>>,
    key: crate::model::ProcKey,
    procs: &[crate::model::ProcSample],
) -> Result<String, bundle::BundleError> {
    let mut platform = platform.lock().unwrap_or_else(PoisonError::into_inner);
    let platform = match &mut *platform {
        Some(p) => p,
        opened => opened.insert(crate::platform::native()?),
    };
    let b = bundle::build(platform.as_mut(), procs, key, true)?;
    let path = bundle::save(&b)?;
    Ok(format!(
        "bundle of pid {} saved: {}",
        key.pid,
        path.display()
    ))
}

impl Executor {
    /// Runs `job` on the pool; if no thread can be had, the user is told.
    fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        if let Err(e) = self.pool.submit(job) {
            let _ = self
                .to_ui
                .send(Msg::ActionDone(ActionOutcome::failed(format!(
                    "no thread to run it on: {e}"
                ))));
        }
    }

    /// Runs one change on the pool, audits it, tells the user, and has the
    /// collector re-read the process.
    fn one_shot(
        &self,
        key: crate::model::ProcKey,
        command: String,
        action: &'static str,
        params: serde_json::Value,
        act: impl FnOnce() -> ActionOutcome + Send + 'static,
    ) {
        let (tx, refresh) = (self.to_ui.clone(), self.collector.clone());
        self.spawn(move || {
            let o = act();
            let outcome = if o.is_done() {
                json!({"applied": o.message})
            } else {
                json!({"error": o.message, "kind": o.kind})
            };
            let target = TargetRef::new(key, command);
            let said = match audit::record(&Record::new(action, params, vec![target], outcome)) {
                Ok(()) => o,
                Err(e) => ActionOutcome::failed(format!("{}, but not audited: {e}", o.message)),
            };
            let _ = tx.send(Msg::ActionDone(said));
            let _ = refresh.send(CollectorCmd::Invalidate(key.pid));
        });
    }

    fn stop_logs(&mut self) {
        if let Some(s) = self.logs.take() {
            s.cancel();
        }
    }

    pub fn new(
        to_ui: UnboundedSender<Msg>,
        collector: mpsc::Sender<CollectorCmd>,
        proc_root: std::path::PathBuf,
    ) -> Self {
        Executor {
            to_ui,
            collector,
            proc_root,
            ladder: None,
            logs: None,
            capture: None,
            bundle_platform: Arc::default(),
            pool: WorkerPool::new(JOIN_WITHIN),
        }
    }

    /// Before whytop exits: what runs long is cancelled; the pool, dropped
    /// next, then waits (bounded) for the jobs, so a cancelled ladder still
    /// writes its outcome to the audit log and quitting never loses the record.
    fn shutdown(&mut self) {
        let tokens = [
            self.ladder.take().map(|l| l.cancel),
            self.logs.take(),
            self.capture.take(),
        ];
        for t in tokens.into_iter().flatten() {
            t.cancel();
        }
    }

    /// Everything but Suspend, which needs the terminal and stays with the loop.
    pub fn run(&mut self, effect: Effect) {
        let tx = self.to_ui.clone();
        match effect {
            Effect::Suspend => {}
            Effect::Collector(cmd) => {
                let _ = self.collector.send(cmd);
            }
            Effect::StartLadder {
                targets,
                policy,
                tree,
                dropped,
            } => {
                let (kill_now, kill_now_rx) = mpsc::channel();
                let cancel = CancelToken::new();
                self.ladder = Some(RunningLadder {
                    cancel: cancel.clone(),
                    kill_now,
                });
                let refresh = self.collector.clone();
                self.spawn(move || {
                    let progress_tx = tx.clone();
                    let params = stop::params(
                        &policy,
                        json!({"tree": tree, "from": "tui", "dropped": stop::dropped(&dropped)}),
                    );
                    let (outcome, audit_error) =
                        stop::run_audited(targets, &policy, params, &cancel, &kill_now_rx, |p| {
                            let _ = progress_tx.send(Msg::LadderProgress(p));
                        });
                    if let Some(e) = audit_error {
                        let _ = tx.send(Msg::ActionDone(ActionOutcome::failed(format!(
                            "not audited: {e}"
                        ))));
                    }
                    let _ = tx.send(Msg::LadderDone(outcome));
                    let _ = refresh.send(CollectorCmd::RefreshNow);
                });
            }
            Effect::LadderControl(c) => {
                if let Some(l) = &self.ladder {
                    match c {
                        Control::Cancel => l.cancel.cancel(),
                        Control::KillNow => {
                            let _ = l.kill_now.send(KillNow);
                        }
                    }
                }
            }
            Effect::Signal {
                key,
                command,
                signal,
                group,
                pgid,
            } => {
                let name = signals::name(signal);
                let group = group.then_some(pgid);
                let params = json!({"signal": name, "group": group});
                self.one_shot(key, command, "signal", params, move || {
                    match crate::actions::deliver::deliver(key, signal, group, false) {
                        Ok(d) => ActionOutcome::done(format!("sent {name} to {}", d.describe())),
                        Err(e) => ActionOutcome::new(
                            OutcomeKind::of_delivery(&e),
                            format!("{name} not sent: {e}"),
                        ),
                    }
                });
            }
            Effect::Renice { key, command, nice } => {
                self.one_shot(key, command, "renice", json!({"nice": nice}), move || {
                    match priority::renice(key, nice) {
                        Ok(()) => ActionOutcome::done(format!("pid {}: nice {nice}", key.pid)),
                        Err(e) => ActionOutcome::new(OutcomeKind::of_priority(&e), e.to_string()),
                    }
                });
            }
            Effect::StartLogs { id, key } => {
                self.stop_logs();
                let stop = CancelToken::new();
                self.logs = Some(stop.clone());
                let root = self.proc_root.clone();
                self.spawn(move || {
                    let plan = logtail::plan(&root, key.pid);
                    logtail::tail(key, &plan, 200, true, &stop, |ev| {
                        if tx.send(Msg::Log(id, ev)).is_err() {
                            stop.cancel();
                        }
                    });
                });
            }
            Effect::StopLogs => self.stop_logs(),
            Effect::StartCapture { id, sample } => {
                let cancel = CancelToken::new();
                if let Some(old) = self.capture.replace(cancel.clone()) {
                    old.cancel();
                }
                let root = self.proc_root.clone();
                self.spawn(move || {
                    let dir = match capture::default_dir() {
                        Ok(d) => d,
                        Err(e) => {
                            let _ = tx.send(Msg::ActionDone(ActionOutcome::failed(e.to_string())));
                            return;
                        }
                    };
                    let progress_tx = tx.clone();
                    let c = capture::capture(
                        &sample,
                        &root,
                        &capture::Tools::from_env(),
                        &dir,
                        capture::CaptureOptions::default(),
                        &cancel,
                        |p| {
                            let _ = progress_tx.send(Msg::CaptureProgress(id, p));
                        },
                    );
                    let _ = tx.send(Msg::CaptureDone(id, Box::new(c)));
                });
            }
            Effect::CancelCapture => {
                if let Some(c) = &self.capture {
                    c.cancel();
                }
            }
            Effect::Sched {
                key,
                command,
                change,
            } => {
                let params = serde_json::to_value(change).unwrap_or_default();
                self.one_shot(key, command, "sched", params, move || {
                    match crate::actions::sched::apply(key, change) {
                        Ok(m) => ActionOutcome::done(m),
                        Err(e) => ActionOutcome::new(OutcomeKind::of_priority(&e), e.to_string()),
                    }
                });
            }
            Effect::SaveBundle { key, procs } => {
                let platform = Arc::clone(&self.bundle_platform);
                self.spawn(move || {
                    let said = match save_bundle(&platform, key, &procs) {
                        Ok(m) => ActionOutcome::done(m),
                        Err(e) => ActionOutcome::new(OutcomeKind::of_bundle(&e), e.to_string()),
                    };
                    let _ = tx.send(Msg::ActionDone(said));
                });
            }
            Effect::LoadAudit => {
                self.spawn(move || {
                    match AuditLog::open_default().and_then(|log| log.recent(500)) {
                        Ok(recent) => {
                            let _ = tx.send(Msg::Audit(recent.records));
                            if recent.unparsable > 0 {
                                let _ = tx.send(Msg::ActionDone(ActionOutcome::failed(format!(
                                    "audit log: {} unparsable line(s) skipped",
                                    recent.unparsable
                                ))));
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Msg::ActionDone(ActionOutcome::failed(e.to_string())));
                        }
                    }
                });
            }
        }
    }
}

/// Every way out of the event loop (quit, SIGTERM, SIGHUP, an error) passes
/// here; the pool's own drop, right after, joins the workers.
impl Drop for Executor {
    fn drop(&mut self) {
        self.shutdown();
    }
}
