//! The threads every effect runs on: a few named workers pulling boxed jobs
//! from one queue. Pure std.
//!
//! Some jobs last: a followed log tail until it is stopped, a stop ladder for
//! its grace periods, a capture for its tool's deadline. Each holds a worker
//! all that time, so a fixed pool could fill with them and leave a signal or
//! an audit write queued behind. Instead the pool grows: a job that finds no
//! idle worker gets a new one (up to `MAX_WORKERS`, far above the one ladder,
//! one tail and one capture the app runs at once plus the cancelled ones
//! winding down), so no job ever waits for another to end. Workers above
//! `KEEP_WORKERS` retire after `RETIRE_AFTER` idle.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

const KEEP_WORKERS: usize = 2;
const MAX_WORKERS: usize = 16;
const RETIRE_AFTER: Duration = Duration::from_secs(10);
/// Each job's work is small (files, signals, a child's pipes); the main
/// thread's 8 MiB would be waste times sixteen.
const STACK: usize = 512 * 1024;

pub(crate) struct WorkerPool {
    shared: Arc<Shared>,
    /// How long dropping the pool waits for running jobs (cancelled by then).
    join_within: Duration,
}

struct Shared {
    state: Mutex<State>,
    /// A job was queued, or the pool is closing.
    work: Condvar,
    /// A worker exited.
    exited: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Workers waiting for a job.
    idle: usize,
    /// Workers started and not yet exited.
    live: usize,
    closing: bool,
    next_name: usize,
    threads: Vec<JoinHandle<()>>,
    /// Jobs that panicked (caught: the worker lives on).
    panicked: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock, so a poisoned lock only means a worker's
        // own bookkeeping was interrupted; the counts are still sound.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl WorkerPool {
    /// No thread starts until the first job.
    pub(crate) fn new(join_within: Duration) -> Self {
        WorkerPool {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                work: Condvar::new(),
                exited: Condvar::new(),
            }),
            join_within,
        }
    }

    /// Queues `job`; it starts at once unless `MAX_WORKERS` jobs are running.
    /// Errs (the job dropped) only if no worker exists and none can be started.
    pub(crate) fn submit(&self, job: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
        let mut st = self.shared.lock();
        st.queue.push_back(Box::new(job));
        if st.queue.len() > st.idle && st.live < MAX_WORKERS {
            let name = format!("effect-{}", st.next_name);
            let shared = Arc::clone(&self.shared);
            match std::thread::Builder::new()
                .name(name)
                .stack_size(STACK)
                .spawn(move || work(&shared))
            {
                Ok(t) => {
                    st.next_name += 1;
                    st.live += 1;
                    st.threads.retain(|t| !t.is_finished());
                    st.threads.push(t);
                }
                Err(e) if st.live == 0 => {
                    st.queue.pop_back();
                    return Err(e);
                }
                // A running worker will take it when free.
                Err(_) => {}
            }
        }
        self.shared.work.notify_one();
        Ok(())
    }

    #[cfg(test)]
    fn live(&self) -> usize {
        self.shared.lock().live
    }

    #[cfg(test)]
    fn panicked(&self) -> usize {
        self.shared.lock().panicked
    }
}

/// One worker: jobs until the pool closes and the queue is empty, or until it
/// has idled `RETIRE_AFTER` while more than `KEEP_WORKERS` live.
fn work(shared: &Shared) {
    let mut st = shared.lock();
    loop {
        if let Some(job) = st.queue.pop_front() {
            drop(st);
            // A panic is the job's own end: the hook has reported it (in the
            // TUI it also gave the terminal back, as any thread's panic does),
            // what the job would have sent never comes, and the worker carries on.
            let panicked = catch_unwind(AssertUnwindSafe(job)).is_err();
            st = shared.lock();
            st.panicked += usize::from(panicked);
            continue;
        }
        if st.closing {
            break;
        }
        st.idle += 1;
        let (guard, waited) = shared
            .work
            .wait_timeout(st, RETIRE_AFTER)
            .unwrap_or_else(PoisonError::into_inner);
        st = guard;
        st.idle -= 1;
        if waited.timed_out() && st.queue.is_empty() && st.live > KEEP_WORKERS {
            break;
        }
    }
    st.live -= 1;
    shared.exited.notify_all();
}

/// Closes the queue and waits, at most `join_within`, for the workers to
/// finish what they run and what is queued; the owner cancels long jobs
/// first. A worker still busy after that is left to end with the process.
impl Drop for WorkerPool {
    fn drop(&mut self) {
        let deadline = Instant::now() + self.join_within;
        let mut st = self.shared.lock();
        st.closing = true;
        self.shared.work.notify_all();
        while st.live > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            st = self
                .shared
                .exited
                .wait_timeout(st, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let all_out = st.live == 0;
        let threads = std::mem::take(&mut st.threads);
        drop(st);
        for t in threads {
            // Every worker has left its loop when `live` is 0: these joins are
            // immediate. Otherwise only the finished are joined.
            if all_out || t.is_finished() {
                let _ = t.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::cancel::CancelToken;
    use std::sync::mpsc;

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn a_long_job_does_not_keep_a_short_one_from_starting() {
        let pool = WorkerPool::new(Duration::from_secs(10));
        let stop = CancelToken::new();
        // More long jobs than the workers it keeps: each holds a worker until stopped.
        for _ in 0..KEEP_WORKERS + 1 {
            let stop = stop.clone();
            pool.submit(move || {
                stop.sleep_or_cancelled(LONG);
            })
            .unwrap();
        }
        let (tx, rx) = mpsc::channel();
        pool.submit(move || tx.send("short").unwrap()).unwrap();
        assert_eq!(rx.recv_timeout(LONG / 2), Ok("short"));
        stop.cancel();
    }

    #[test]
    fn drop_joins_the_workers_after_their_jobs() {
        let pool = WorkerPool::new(Duration::from_secs(30));
        let (tx, rx) = mpsc::channel();
        for i in 0..4 {
            let tx = tx.clone();
            pool.submit(move || tx.send(i).unwrap()).unwrap();
        }
        let shared = Arc::clone(&pool.shared);
        drop(pool);
        let st = shared.lock();
        assert_eq!((st.live, st.threads.len()), (0, 0), "every worker joined");
        drop(st);
        let mut got: Vec<i32> = rx.try_iter().collect();
        got.sort();
        assert_eq!(got, [0, 1, 2, 3], "queued jobs ran before the workers left");
    }

    #[test]
    fn drop_gives_up_on_a_job_that_ignores_its_bound() {
        let pool = WorkerPool::new(Duration::from_millis(50));
        let stop = CancelToken::new();
        let job_stop = stop.clone();
        pool.submit(move || {
            job_stop.sleep_or_cancelled(LONG);
        })
        .unwrap();
        let began = Instant::now();
        drop(pool);
        assert!(began.elapsed() < LONG / 2, "drop waited out the job");
        stop.cancel();
    }

    #[test]
    fn a_panicking_job_leaves_the_pool_working() {
        let pool = WorkerPool::new(Duration::from_secs(10));
        let (tx, rx) = mpsc::channel();
        let first = tx.clone();
        pool.submit(move || {
            let _sent_when_dropped = first;
            panic!("a job's own bug");
        })
        .unwrap();
        // The panicking job's sender drops as it unwinds: wait for that.
        let deadline = Instant::now() + LONG;
        while pool.panicked() == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(pool.panicked(), 1);
        for _ in 0..KEEP_WORKERS + 1 {
            let tx = tx.clone();
            pool.submit(move || tx.send(()).unwrap()).unwrap();
        }
        for _ in 0..KEEP_WORKERS + 1 {
            assert_eq!(rx.recv_timeout(LONG), Ok(()));
        }
        assert!(pool.live() >= 1);
    }
}
