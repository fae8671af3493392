//! Carries out the effects `update` asks for, off the UI task: each blocking
//! action runs on its own thread and reports back as a `Msg`.

use super::msg::{Effect, Msg};
use crate::actions::audit::{self, AuditLog, Record, TargetRef};
use crate::actions::ladder::Control;
use crate::actions::outcome::{ActionOutcome, OutcomeKind};
use crate::actions::{bundle, capture, logtail, priority, stop};
use crate::collectors::CollectorCmd;
use crate::platform::signals;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use tokio::sync::mpsc::UnboundedSender;

/// What effects need across calls: where results go and the running ladder's controls.
pub struct Executor {
    pub to_ui: UnboundedSender<Msg>,
    pub collector: mpsc::Sender<CollectorCmd>,
    ladder: Option<mpsc::Sender<Control>>,
    /// Set by the ladder's thread once its outcome is audited.
    ladder_done: Arc<AtomicBool>,
    /// Set to end the running log tail.
    log_stop: Option<Arc<AtomicBool>>,
    /// Set to cancel the running capture.
    capture_cancel: Option<Arc<AtomicBool>>,
    /// Where the log tails and captures read processes.
    proc_root: std::path::PathBuf,
}

/// Builds and saves a bundle; the message names the file.
/// A bundle of `key` from the listing the table shows: the platform is asked
/// only about this process (its facts), not for every process again.
fn save_bundle(
    key: crate::model::ProcKey,
    procs: &[crate::model::ProcSample],
) -> Result<String, String> {
    let mut platform = crate::platform::native().map_err(|e| e.to_string())?;
    let b = bundle::build(platform.as_mut(), procs, key, true)?;
    let path = bundle::save(&b).map_err(|e| e.to_string())?;
    Ok(format!(
        "bundle of pid {} saved: {}",
        key.pid,
        path.display()
    ))
}

impl Executor {
    /// Runs one change on its own thread, audits it, tells the user, and has the
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
        std::thread::spawn(move || {
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
        if let Some(s) = self.log_stop.take() {
            s.store(true, Ordering::Relaxed);
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
            ladder_done: Arc::new(AtomicBool::new(true)),
            log_stop: None,
            capture_cancel: None,
        }
    }

    /// Before whytop exits: a running ladder is cancelled and given a moment to
    /// write its outcome to the audit log, so quitting never loses the record.
    fn shutdown(&mut self) {
        let Some(ctl) = self.ladder.take() else {
            return;
        };
        if self.ladder_done.load(Ordering::SeqCst) {
            return;
        }
        let _ = ctl.send(Control::Cancel);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while !self.ladder_done.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
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
                let (ctl_tx, ctl_rx) = mpsc::channel();
                self.ladder = Some(ctl_tx);
                let refresh = self.collector.clone();
                let done = Arc::clone(&self.ladder_done);
                done.store(false, Ordering::SeqCst);
                std::thread::spawn(move || {
                    let progress_tx = tx.clone();
                    let params = stop::params(
                        &policy,
                        json!({"tree": tree, "from": "tui", "dropped": stop::dropped(&dropped)}),
                    );
                    let (outcome, audit_error) =
                        stop::run_audited(targets, &policy, params, &ctl_rx, |p| {
                            let _ = progress_tx.send(Msg::LadderProgress(p));
                        });
                    done.store(true, Ordering::SeqCst);
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
                if let Some(ctl) = &self.ladder {
                    let _ = ctl.send(c);
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
                let stop = Arc::new(AtomicBool::new(false));
                self.log_stop = Some(Arc::clone(&stop));
                let root = self.proc_root.clone();
                std::thread::spawn(move || {
                    let plan = logtail::plan(&root, key.pid);
                    logtail::tail(key, &plan, 200, true, &stop, |ev| {
                        if tx.send(Msg::Log(id, ev)).is_err() {
                            stop.store(true, Ordering::Relaxed);
                        }
                    });
                });
            }
            Effect::StopLogs => self.stop_logs(),
            Effect::StartCapture { id, sample } => {
                let cancel = Arc::new(AtomicBool::new(false));
                if let Some(old) = self.capture_cancel.replace(Arc::clone(&cancel)) {
                    old.store(true, Ordering::Relaxed);
                }
                let root = self.proc_root.clone();
                std::thread::spawn(move || {
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
                if let Some(c) = &self.capture_cancel {
                    c.store(true, Ordering::Relaxed);
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
                std::thread::spawn(move || {
                    let said = match save_bundle(key, &procs) {
                        Ok(m) => ActionOutcome::done(m),
                        Err(e) => ActionOutcome::failed(e),
                    };
                    let _ = tx.send(Msg::ActionDone(said));
                });
            }
            Effect::LoadAudit => {
                std::thread::spawn(move || {
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

/// Every way out of the event loop (quit, SIGTERM, SIGHUP, an error) passes here.
impl Drop for Executor {
    fn drop(&mut self) {
        self.shutdown();
    }
}
