//! Runtime probes (py-spy) on a thread of their own: a probe may take seconds
//! (up to its timeout), and the collector must keep refreshing meanwhile. One
//! probe runs at a time; requests that queue up while it runs collapse to the
//! newest (the user has moved on).

use super::Prober;
use crate::model::{ProcKey, ProcSample, RuntimeHint};
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

pub(crate) struct ProbeWorker {
    requests: Sender<ProcSample>,
}

impl ProbeWorker {
    /// Starts the thread; `done` hears each result. The thread ends when the
    /// worker is dropped (after the probe in flight, if any).
    pub fn spawn(
        prober: Prober,
        timeout: Duration,
        done: impl Fn(ProcKey, Option<RuntimeHint>) + Send + 'static,
    ) -> std::io::Result<ProbeWorker> {
        let (tx, rx) = channel::<ProcSample>();
        std::thread::Builder::new()
            .name("runtime-probe".into())
            .stack_size(128 * 1024)
            .spawn(move || {
                while let Ok(mut sample) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        sample = newer;
                    }
                    done(sample.key(), prober(&sample, timeout));
                }
            })?;
        Ok(ProbeWorker { requests: tx })
    }

    /// Asks for a probe of `sample`'s process.
    pub(crate) fn request(&self, sample: ProcSample) {
        let _ = self.requests.send(sample);
    }
}
