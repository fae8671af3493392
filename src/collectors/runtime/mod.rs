//! Language runtimes that can say more than the kernel: which frame a process
//! waits in. One handler per runtime; each is asked only about the selected
//! process, never on every refresh, and degrades to "not available" quietly.

mod python;

use crate::model::ProcSample;
pub use crate::model::RuntimeHint;
use std::time::Duration;

/// A runtime handler. To add one (Node, Ruby, the JVM...), implement this and
/// list it in `HANDLERS`.
pub trait RuntimeHandler: Sync {
    fn name(&self) -> &'static str;
    /// Whether this process runs this runtime (from its name and command line).
    fn applies(&self, p: &ProcSample) -> bool;
    fn probe(&self, pid: i32, timeout: Duration) -> RuntimeHint;
}

static HANDLERS: &[&dyn RuntimeHandler] = &[&python::Python];

/// Whether `p` runs Python (the capture prefers py-spy for it).
pub fn is_python(p: &ProcSample) -> bool {
    python::Python.applies(p)
}

/// Asks the first handler that applies; None when no runtime is recognised.
pub fn probe(p: &ProcSample, timeout: Duration) -> Option<RuntimeHint> {
    HANDLERS
        .iter()
        .find(|h| h.applies(p))
        .map(|h| h.probe(p.pid, timeout))
}
