//! The one way to ask running work to stop: a ladder, a log tail, a capture,
//! an external tool. Pure std; here, at the platform floor, so that
//! `platform::external` and everything above it share the one type.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Cheap to clone; every clone sees the same cancel. Once cancelled it stays so.
#[derive(Clone, Debug, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: Mutex<bool>,
    /// Wakes the waiters in `sleep_or_cancelled` the moment `cancel` is called.
    woken: Condvar,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        // A poisoned flag is still a flag: a panic elsewhere must not stop a cancel.
        let mut c = self
            .inner
            .cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *c = true;
        self.inner.woken.notify_all();
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        *self
            .inner
            .cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits `d`, or less if cancelled meanwhile; true if cancelled.
    pub(crate) fn sleep_or_cancelled(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut c = self
            .inner
            .cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while !*c {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            c = self
                .inner
                .woken
                .wait_timeout(c, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_wakes_a_sleeper_promptly() {
        let token = CancelToken::new();
        let sleeper = {
            let token = token.clone();
            std::thread::spawn(move || {
                let began = Instant::now();
                (
                    token.sleep_or_cancelled(Duration::from_secs(60)),
                    began.elapsed(),
                )
            })
        };
        // Whether the sleeper is already waiting or not yet, it must see the cancel.
        std::thread::sleep(Duration::from_millis(20));
        token.cancel();
        let (cancelled, slept) = sleeper.join().unwrap();
        assert!(cancelled);
        assert!(slept < Duration::from_secs(30), "slept {slept:?}");
        assert!(token.is_cancelled());
    }

    #[test]
    fn an_uncancelled_sleep_runs_its_time_and_says_so() {
        let token = CancelToken::new();
        let began = Instant::now();
        assert!(!token.sleep_or_cancelled(Duration::from_millis(30)));
        assert!(began.elapsed() >= Duration::from_millis(30));
        assert!(!token.is_cancelled());
        token.cancel();
        assert!(
            token.sleep_or_cancelled(Duration::from_secs(60)),
            "stays cancelled"
        );
    }
}
