//! The blocking sampling thread: one pass per interval, latest snapshot wins.

use super::runtime;
use super::why::{WhyTracker, process_why};
use crate::model::RuntimeHint;

const RUNTIME_EVERY: Duration = Duration::from_secs(5);
const RUNTIME_TIMEOUT: Duration = Duration::from_secs(3);
use crate::model::{ProcDetail, ProcKey, ProcSample, Snapshot};
use crate::platform::system::SystemSampler;
use crate::platform::{ListOptions, Platform, PlatformError};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// What the UI may ask of the collector. Each wakes it for an immediate pass.
#[derive(Clone, Debug, PartialEq)]
pub enum CollectorCmd {
    /// Read the detail fields for this process on each pass (None: nobody looks).
    Focus(Option<ProcKey>),
    SetInterval(Duration),
    ShowThreads(bool),
    RefreshNow,
    /// Re-read this pid on an immediate pass (whytop just changed it).
    Invalidate(crate::model::Pid),
}

pub struct CollectorHandle {
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    pub commands: Sender<CollectorCmd>,
    pub thread: std::thread::JoinHandle<()>,
    /// The last pass's error, if the platform cannot be read at all.
    pub errors: watch::Receiver<Option<String>>,
    /// Detail of the focused process, re-read on focus and on every pass.
    pub details: watch::Receiver<Option<Arc<ProcDetail>>>,
}

struct State {
    platform: Box<dyn Platform>,
    system: SystemSampler,
    why: WhyTracker,
    opts: ListOptions,
    focus: Option<ProcKey>,
    interval: Duration,
    /// The last pass's samples, to find the focused process and its children.
    last: Arc<Vec<ProcSample>>,
    /// The focused process's runtime hint and when it was taken: a runtime tool
    /// (py-spy) runs on focus and then every few seconds, not every pass.
    runtime: Option<(ProcKey, Instant, Option<RuntimeHint>)>,
}

impl State {
    fn new(platform: Box<dyn Platform>, interval: Duration) -> Self {
        State {
            platform,
            system: SystemSampler::new(),
            why: WhyTracker::default(),
            opts: ListOptions::default(),
            focus: None,
            interval,
            last: Arc::default(),
            runtime: None,
        }
    }
}

/// One pass: every process, why each waits, and the header figures.
fn pass(st: &mut State) -> Result<Snapshot, PlatformError> {
    let system = st.system.sample();
    let listing = st.platform.list(st.opts)?;
    let why = st.why.update(st.platform.as_mut(), &listing);
    st.last = Arc::clone(&listing.procs);
    Ok(Snapshot {
        taken_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
        mono_ns: monotonic_ns(),
        system,
        procs: listing.procs,
        with_threads: st.opts.threads,
        why,
    })
}

/// Exe, cwd, fds and the full verdict (with each thread's) of the focused process.
fn read_detail(st: &mut State) -> Option<Arc<ProcDetail>> {
    let key = st.focus?;
    let mut d = st.platform.detail(key).unwrap_or_else(|e| ProcDetail {
        key: Some(key),
        unreadable: vec![e.to_string()],
        ..Default::default()
    });
    let last = Arc::clone(&st.last);
    if let Some(sample) = last.iter().find(|p| p.key() == key) {
        d.why = process_why(st.platform.as_mut(), sample, &last, Some(&st.why));
        let stale = st
            .runtime
            .as_ref()
            .is_none_or(|(k, at, _)| *k != key || at.elapsed() > RUNTIME_EVERY);
        if stale {
            st.runtime = Some((key, Instant::now(), runtime::probe(sample, RUNTIME_TIMEOUT)));
        }
        d.runtime = st.runtime.as_ref().and_then(|(_, _, h)| h.clone());
        d.sched = crate::actions::sched::describe(key.pid);
    }
    Some(Arc::new(d))
}

/// Takes two passes `gap` apart so rates exist; returns (previous, current) and
/// the platform, for further reads about single processes.
pub type Pair = (Snapshot, Snapshot, Box<dyn Platform>);

pub fn collect_pair(platform: Box<dyn Platform>, gap: Duration) -> Result<Pair, PlatformError> {
    let mut st = State::new(platform, gap);
    let first = pass(&mut st)?;
    std::thread::sleep(gap);
    let second = pass(&mut st)?;
    Ok((first, second, st.platform))
}

/// Starts the sampling thread. The first snapshot is published before this returns
/// an error-free handle, so the UI starts with data.
pub fn spawn(platform: Box<dyn Platform>, interval: Duration) -> CollectorHandle {
    let (cmd_tx, cmd_rx) = channel();
    let (snap_tx, snap_rx) = watch::channel(Arc::new(Snapshot::default()));
    let (err_tx, err_rx) = watch::channel(None);
    let (detail_tx, detail_rx) = watch::channel(None);
    let st = State::new(platform, interval);
    let thread = std::thread::Builder::new()
        .name("collector".into())
        .stack_size(256 * 1024)
        .spawn(move || {
            run(
                st,
                cmd_rx,
                Outputs {
                    snaps: snap_tx,
                    errors: err_tx,
                    details: detail_tx,
                },
            )
        })
        .expect("spawn collector thread");
    CollectorHandle {
        snapshots: snap_rx,
        commands: cmd_tx,
        thread,
        errors: err_rx,
        details: detail_rx,
    }
}

struct Outputs {
    snaps: watch::Sender<Arc<Snapshot>>,
    errors: watch::Sender<Option<String>>,
    details: watch::Sender<Option<Arc<ProcDetail>>>,
}

fn run(mut st: State, cmds: Receiver<CollectorCmd>, out: Outputs) {
    loop {
        let started = Instant::now();
        match pass(&mut st) {
            Ok(snap) => {
                if out.snaps.send(Arc::new(snap)).is_err() {
                    return; // the UI is gone
                }
                if out.errors.borrow().is_some() {
                    let _ = out.errors.send(None);
                }
            }
            Err(e) => {
                let _ = out.errors.send(Some(e.to_string()));
            }
        }
        if st.focus.is_some() {
            let _ = out.details.send(read_detail(&mut st));
        }
        // Wait out the interval; commands are taken as they come.
        let mut deadline = started + st.interval;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match cmds.recv_timeout(left) {
                Ok(CollectorCmd::Focus(k)) => {
                    // Only the detail is re-read: moving the selection must stay cheap.
                    st.focus = k;
                    let _ = out.details.send(read_detail(&mut st));
                }
                Ok(CollectorCmd::SetInterval(d)) => {
                    st.interval = d.max(Duration::from_millis(100));
                    deadline = started + st.interval;
                }
                Ok(CollectorCmd::ShowThreads(t)) => {
                    st.opts.threads = t;
                    break;
                }
                Ok(CollectorCmd::RefreshNow) => break,
                Ok(CollectorCmd::Invalidate(pid)) => {
                    st.platform.invalidate(pid);
                    break;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only the struct we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}
