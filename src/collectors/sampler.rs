//! The blocking sampling thread: one pass per interval, latest snapshot wins.

use super::runtime::{self, Prober, worker::ProbeWorker};
use super::why::{WhyTracker, process_why_stacked};
use crate::model::RuntimeHint;
use crate::model::ending::ExitReport;
use crate::model::{ProcDetail, ProcKey, ProcSample, Snapshot};

/// A runtime probe (py-spy) of the focused process runs on focus and then this often.
const RUNTIME_EVERY: Duration = Duration::from_secs(5);
const RUNTIME_TIMEOUT: Duration = Duration::from_secs(3);
use crate::platform::cancel::CancelToken;
use crate::platform::clock::monotonic_ns;
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
    ShowThreads(bool),
    /// What the columns shown need read beyond the usual: (storage I/O
    /// counters, OOM score).
    ExtraReads(bool, bool),
    /// Refresh this often from now on (setup changed the delay).
    Interval(Duration),
    RefreshNow,
    /// Re-read this pid on an immediate pass (whytop just changed it).
    Invalidate(crate::model::Pid),
    /// A runtime probe finished (sent by the collector's probe thread).
    RuntimeDone(ProcKey, Option<RuntimeHint>),
    /// The leaf verdicts of a stack capture the user took: the detail's
    /// verdict on that process uses them for `STACKS_FOR`.
    Stacks(ProcKey, super::stack_why::StackLeaves),
}

/// How long a capture's stacks stay evidence for the detail pane: a stack is
/// a moment, and the process moves on.
const STACKS_FOR: Duration = Duration::from_secs(60);

pub struct CollectorHandle {
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    pub commands: Sender<CollectorCmd>,
    /// The last pass's error, if the platform cannot be read at all.
    pub errors: watch::Receiver<Option<String>>,
    /// Detail of the focused process, re-read on focus and on every pass.
    pub details: watch::Receiver<Option<Arc<ProcDetail>>>,
    /// Stops and joins the thread when dropped.
    pub thread: CollectorThread,
}

/// How long quitting waits for the sampling thread to finish its pass.
const JOIN_WITHIN: Duration = Duration::from_secs(1);

/// The sampling thread. Dropped, it is told to stop and joined, waiting at
/// most `JOIN_WITHIN`: a pass stuck in a slow `/proc` read is left to end
/// with the process rather than hold up quitting.
pub struct CollectorThread {
    stop: CancelToken,
    /// Wakes the thread from its wait between passes.
    wake: Sender<CollectorCmd>,
    /// Disconnected once the thread has returned (its sender drops with it).
    exited: Receiver<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for CollectorThread {
    fn drop(&mut self) {
        self.stop.cancel();
        let _ = self.wake.send(CollectorCmd::RefreshNow);
        if let Err(RecvTimeoutError::Disconnected) = self.exited.recv_timeout(JOIN_WITHIN)
            && let Some(t) = self.thread.take()
        {
            let _ = t.join();
        }
    }
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
    /// The focused process's runtime hint and when it was asked for: a runtime
    /// tool (py-spy) runs on focus and then every few seconds, not every pass.
    runtime: Option<(ProcKey, Instant, Option<RuntimeHint>)>,
    /// Where probe answers go, and the prober (None: no probes, as in the CLI).
    probe_to: Option<(Sender<CollectorCmd>, Prober)>,
    /// Runs the runtime probes off this thread; started at the first probe.
    probes: Option<ProbeWorker>,
    /// The probe in flight, so a slow one is not asked for again.
    probing: Option<ProcKey>,
    /// The detail last published, to republish with a probe's result.
    last_detail: Option<Arc<ProcDetail>>,
    /// Exits as they happen (Linux as root; macOS), drained each pass.
    exits: Option<Receiver<ExitReport>>,
    /// The kernel log's OOM kills (Linux as root), drained each pass.
    oom: Option<crate::platform::oom_events::OomEvents>,
    /// The last capture's leaf verdicts, of which process and when.
    stacks: Option<(ProcKey, Instant, super::stack_why::StackLeaves)>,
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
            probe_to: None,
            probes: None,
            probing: None,
            last_detail: None,
            exits: None,
            oom: None,
            stacks: None,
        }
    }
}

/// One pass: every process, why each waits, and the header figures.
fn pass(st: &mut State) -> Result<Snapshot, PlatformError> {
    let system = st.system.sample();
    let mut listing = st.platform.list(st.opts)?;
    let mono_ns = monotonic_ns();
    let prev = Arc::clone(&st.last);
    let tags = st
        .why
        .update(st.platform.as_mut(), &listing, &prev, mono_ns);
    drop(prev);
    if !tags.states.is_empty() {
        // The evidence saw a newer state than the listing (or whytop's own probe
        // stopped it): the row's letter follows its verdict.
        st.platform.amend_states(&mut listing, &tags.states);
    }
    let why = tags.tags;
    st.last = Arc::clone(&listing.procs);
    Ok(Snapshot {
        taken_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
        mono_ns,
        system,
        procs: listing.procs,
        with_threads: st.opts.threads,
        why,
        exits: st
            .exits
            .as_ref()
            .map(|rx| rx.try_iter().collect())
            .unwrap_or_default(),
        exits_known: st.exits.is_some(),
        // Read after the listing: a kill of a process it missed is logged by now.
        oom_kills: st.oom.as_mut().map(|o| o.drain()).unwrap_or_default(),
        oom_known: st.oom.is_some(),
    })
}

/// Exits as they happen, when the platform reports them (Linux as root;
/// macOS, the user's own processes and their crash reports); None, silently, where it does not: the Ended view says what it lacks.
fn watch_exits() -> Option<Receiver<ExitReport>> {
    let (tx, rx) = channel();
    crate::platform::exit_events::watch_exits(move |ended| {
        let (x, crash) = (ended.exit, ended.crash);
        let at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        tx.send(ExitReport {
            pid: x.pid,
            parent: x.parent_tgid.unwrap_or(0),
            code: x.code,
            signal: x.signal,
            signal_name: x.signal.map(crate::platform::signals::name),
            core_dumped: x.core_dumped,
            at,
            at_ticks: crate::platform::exit_events::ticks_since_boot(x.timestamp_ns),
            crash,
        })
        .is_ok()
    })
    .ok()?;
    Some(rx)
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
        let history = st.why.history(key);
        let stacks = st
            .stacks
            .as_ref()
            .filter(|(k, at, _)| *k == key && at.elapsed() < STACKS_FOR)
            .map(|(_, _, l)| l);
        d.why = process_why_stacked(
            st.platform.as_mut(),
            sample,
            &last,
            Some(&st.why),
            history.as_ref().and_then(|h| h.usage.as_ref()),
            stacks,
        );
        d.history = history.map(|h| h.why);
        ask_runtime(st, sample);
        d.runtime = st
            .runtime
            .as_ref()
            .filter(|(k, _, _)| *k == key)
            .and_then(|(_, _, h)| h.clone());
        d.sched = crate::platform::sched::describe(key.pid);
        // Read off this thread: the pane shows it from the refresh after.
        d.provenance = st.platform.provenance(sample, false);
    }
    let d = Arc::new(d);
    st.last_detail = Some(Arc::clone(&d));
    Some(d)
}

/// Asks the probe thread about `sample` when its runtime is known and its
/// last answer is old; the answer comes back as `RuntimeDone`.
fn ask_runtime(st: &mut State, sample: &ProcSample) {
    let key = sample.key();
    let stale = st
        .runtime
        .as_ref()
        .is_none_or(|(k, at, _)| *k != key || at.elapsed() > RUNTIME_EVERY);
    if !stale || st.probing == Some(key) || !runtime::recognised(sample) {
        return;
    }
    if st.probes.is_none()
        && let Some((to, prober)) = st.probe_to.clone()
    {
        st.probes = ProbeWorker::spawn(prober, RUNTIME_TIMEOUT, move |key, hint| {
            let _ = to.send(CollectorCmd::RuntimeDone(key, hint));
        })
        .ok();
    }
    let Some(probes) = st.probes.as_ref() else {
        return;
    };
    probes.request(sample.clone());
    st.probing = Some(key);
    // Until the answer: keep the last hint of this process, if any, but not its age.
    if st.runtime.as_ref().is_some_and(|(k, _, _)| *k != key) {
        st.runtime = None;
    }
}

/// A probe's answer: kept, and shown at once if its process is still in focus.
fn runtime_done(
    st: &mut State,
    key: ProcKey,
    hint: Option<RuntimeHint>,
) -> Option<Arc<ProcDetail>> {
    if st.probing == Some(key) {
        st.probing = None;
    }
    st.runtime = Some((key, Instant::now(), hint.clone()));
    let last = st.last_detail.as_ref().filter(|d| d.key == Some(key))?;
    if st.focus != Some(key) {
        return None;
    }
    let mut d = (**last).clone();
    d.runtime = hint;
    let d = Arc::new(d);
    st.last_detail = Some(Arc::clone(&d));
    Some(d)
}

/// Takes two passes `gap` apart so rates exist; returns (previous, current) and
/// the platform, for further reads about single processes.
pub(crate) type Pair = (Snapshot, Snapshot, Box<dyn Platform>);

pub fn collect_pair(platform: Box<dyn Platform>, gap: Duration) -> Result<Pair, PlatformError> {
    collect_pair_with(platform, gap, ListOptions::default())
}

/// `collect_pair` reading what `opts` asks for.
pub(crate) fn collect_pair_with(
    platform: Box<dyn Platform>,
    gap: Duration,
    opts: ListOptions,
) -> Result<Pair, PlatformError> {
    let mut st = State::new(platform, gap);
    st.opts = opts;
    let first = pass(&mut st)?;
    std::thread::sleep(gap);
    crate::platform::test_pause::pause(crate::platform::test_pause::Point::BetweenSamples);
    let second = pass(&mut st)?;
    Ok((first, second, st.platform))
}

/// Passes on the caller's thread, one at a time: the recorder's loop.
pub(crate) struct Headless(State);

impl Headless {
    pub fn new(platform: Box<dyn Platform>) -> Self {
        Headless(State::new(platform, Duration::from_secs(1)))
    }

    /// One pass: every process, why each waits, and the header figures.
    pub fn pass(&mut self) -> Result<Snapshot, PlatformError> {
        pass(&mut self.0)
    }

    /// From now on each pass carries the OOM kills the kernel logged since the
    /// last (Linux as root); the error says why not.
    pub(crate) fn watch_oom_kills(&mut self) -> std::io::Result<()> {
        self.0.oom = Some(crate::platform::oom_events::OomEvents::open()?);
        Ok(())
    }
}

/// Starts the sampling thread; it publishes its first snapshot when its first
/// pass is done (until then the handle's snapshot is an empty one). It ends
/// when the handle's `thread` is dropped (see `CollectorThread`), or at the
/// first pass after the handle's snapshot receiver is gone.
pub fn spawn(platform: Box<dyn Platform>, interval: Duration) -> CollectorHandle {
    spawn_with(platform, interval, runtime::probe)
}

/// `spawn` with the runtime prober given (tests stand in a slow one).
pub(crate) fn spawn_with(
    platform: Box<dyn Platform>,
    interval: Duration,
    prober: Prober,
) -> CollectorHandle {
    let (cmd_tx, cmd_rx) = channel();
    let (snap_tx, snap_rx) = watch::channel(Arc::new(Snapshot::default()));
    let (err_tx, err_rx) = watch::channel(None);
    let (detail_tx, detail_rx) = watch::channel(None);
    let mut st = State::new(platform, interval);
    st.probe_to = Some((cmd_tx.clone(), prober));
    st.exits = watch_exits();
    st.oom = crate::platform::oom_events::OomEvents::open().ok();
    let stop = CancelToken::new();
    let (exited_tx, exited) = channel::<()>();
    let thread_stop = stop.clone();
    let thread = std::thread::Builder::new()
        .name("collector".into())
        .stack_size(256 * 1024)
        .spawn(move || {
            let _exited = exited_tx;
            run(
                st,
                cmd_rx,
                &thread_stop,
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
        commands: cmd_tx.clone(),
        errors: err_rx,
        details: detail_rx,
        thread: CollectorThread {
            stop,
            wake: cmd_tx,
            exited,
            thread: Some(thread),
        },
    }
}

struct Outputs {
    snaps: watch::Sender<Arc<Snapshot>>,
    errors: watch::Sender<Option<String>>,
    details: watch::Sender<Option<Arc<ProcDetail>>>,
}

fn run(mut st: State, cmds: Receiver<CollectorCmd>, stop: &CancelToken, out: Outputs) {
    loop {
        if stop.is_cancelled() {
            return;
        }
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
        let deadline = started + st.interval;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let cmd = cmds.recv_timeout(left);
            if stop.is_cancelled() {
                return;
            }
            match cmd {
                Ok(CollectorCmd::Focus(k)) => {
                    // Only the detail is re-read: moving the selection must stay cheap.
                    st.focus = k;
                    let _ = out.details.send(read_detail(&mut st));
                }
                Ok(CollectorCmd::Stacks(key, leaves)) => {
                    st.stacks = Some((key, Instant::now(), leaves));
                    if st.focus == Some(key) {
                        let _ = out.details.send(read_detail(&mut st));
                    }
                }
                Ok(CollectorCmd::ShowThreads(t)) => {
                    st.opts.threads = t;
                    break;
                }
                Ok(CollectorCmd::ExtraReads(io, oom)) => {
                    (st.opts.io, st.opts.oom) = (io, oom);
                    break;
                }
                Ok(CollectorCmd::Interval(d)) => {
                    st.interval = d;
                    break;
                }
                Ok(CollectorCmd::RefreshNow) => break,
                Ok(CollectorCmd::Invalidate(pid)) => {
                    st.platform.invalidate(pid);
                    break;
                }
                Ok(CollectorCmd::RuntimeDone(key, hint)) => {
                    if let Some(d) = runtime_done(&mut st, key, hint) {
                        let _ = out.details.send(Some(d));
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::external::{RunError, run};
    use std::process::{Command, Stdio};

    /// A runtime tool that never answers in time: a real `sleep` under the timeout.
    fn slow_probe(p: &ProcSample, timeout: Duration) -> Option<RuntimeHint> {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let note = match run(cmd, timeout) {
            Err(e @ RunError::TimedOut(_)) => format!("slow tool: {e}"),
            other => format!("unexpected: {other:?}"),
        };
        Some(RuntimeHint {
            runtime: format!("python {}", p.pid),
            note: Some(note),
            ..Default::default()
        })
    }

    /// Our child, killed and reaped by pid when the test ends.
    struct Reaped(std::process::Child);

    impl Drop for Reaped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    fn dropping_the_handle_wakes_the_thread_from_its_wait_and_ends_it() {
        let platform = crate::platform::native().unwrap();
        // An interval no test outlasts: only the stop can end the wait.
        let mut c = spawn(platform, Duration::from_secs(3600));
        let deadline = Instant::now() + Duration::from_secs(60);
        while !c.snapshots.has_changed().unwrap() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            c.snapshots.borrow_and_update().procs.len() > 1,
            "a first pass"
        );
        let snaps = c.snapshots.clone();
        drop(c);
        // The thread's snapshot sender goes with it.
        while snaps.has_changed().is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            snaps.has_changed().is_err(),
            "the collector thread still runs"
        );
    }

    #[test]
    fn a_slow_runtime_probe_does_not_hold_up_refreshes() {
        let py = Reaped(
            Command::new("python3")
                .args(["-c", "import time; time.sleep(300)"])
                .stdin(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let pid = py.0.id() as i32;
        let platform = crate::platform::native().unwrap();
        let mut c = spawn_with(platform, Duration::from_millis(200), slow_probe);
        let deadline = Instant::now() + Duration::from_secs(30);
        let key = loop {
            let snap = c.snapshots.borrow_and_update().clone();
            if let Some(p) = snap
                .procs
                .iter()
                .find(|p| p.pid == pid && runtime::recognised(p))
            {
                break p.key();
            }
            assert!(Instant::now() < deadline, "python never listed");
            std::thread::sleep(Duration::from_millis(50));
        };
        c.commands.send(CollectorCmd::Focus(Some(key))).unwrap();
        // While the probe sleeps out its 3 s timeout, passes keep coming.
        let started = Instant::now();
        let mut passes = 0;
        while started.elapsed() < Duration::from_millis(2500) {
            if c.snapshots.has_changed().unwrap() {
                c.snapshots.borrow_and_update();
                passes += 1;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            passes >= 3,
            "only {passes} refreshes in 2.5 s during a slow probe"
        );
        // The answer arrives with the detail, once.
        let hint = loop {
            let d = c.details.borrow().clone();
            if let Some(h) = d.and_then(|d| d.runtime.clone()) {
                break h;
            }
            assert!(Instant::now() < deadline, "no runtime hint");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(hint.runtime, format!("python {pid}"));
        assert!(hint.note.unwrap().starts_with("slow tool: no answer"));
    }

    #[test]
    fn a_capture_s_stacks_reach_the_detail_of_its_process() {
        let sleeper = Reaped(
            Command::new("sleep")
                .arg("300")
                .stdin(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let pid = sleeper.0.id() as i32;
        let platform = crate::platform::native().unwrap();
        let c = spawn(platform, Duration::from_millis(200));
        let deadline = Instant::now() + Duration::from_secs(30);
        let key = loop {
            let snap = c.snapshots.borrow().clone();
            if let Some(p) = snap.procs.iter().find(|p| p.pid == pid) {
                break p.key();
            }
            assert!(Instant::now() < deadline, "sleep never listed");
            std::thread::sleep(Duration::from_millis(50));
        };
        c.commands.send(CollectorCmd::Focus(Some(key))).unwrap();
        // Its stack as a capture of it gave it (recorded eu-stack of a sleep,
        // its thread renumbered to this one's pid).
        let text = crate::model::testutil::stack_fixture("eu-stack-sleep.txt")
            .replace("29570", &pid.to_string());
        let tree =
            crate::platform::stackfmt::parse(crate::platform::stackfmt::Format::EuStack, &text)
                .unwrap();
        let leaves = super::super::stack_why::StackLeaves::from_tree(&tree, "eu-stack");
        let other = ProcKey {
            pid: key.pid,
            start_time: key.start_time + 1,
        };
        // Another process's stacks (the same pid, started at another time) are not its.
        c.commands
            .send(CollectorCmd::Stacks(other, leaves.clone()))
            .unwrap();
        let judged = |c: &CollectorHandle| {
            c.details
                .borrow()
                .clone()
                .filter(|d| d.key == Some(key))
                .and_then(|d| d.why.clone())
        };
        let blind = loop {
            if let Some(w) = judged(&c) {
                break w;
            }
            assert!(Instant::now() < deadline, "no detail");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(blind.main.evidence.stack, None);
        c.commands.send(CollectorCmd::Stacks(key, leaves)).unwrap();
        let stack = loop {
            let d = c.details.borrow().clone();
            if let Some(s) = d
                .filter(|d| d.key == Some(key))
                .and_then(|d| d.why.clone())
                .and_then(|w| w.main.evidence.stack)
            {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "no stack in the detail's evidence"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(
            (stack.word.as_str(), stack.tool.as_str()),
            ("timer", "eu-stack")
        );
    }
}
