//! Effects on processes: the stop ladder, signals, priority, the audit log.
//! Everything here may block; the TUI runs it off its task.

pub mod audit;
pub(crate) mod bundle;
pub mod capture;
pub mod datadir;
pub mod deliver;
pub mod ladder;
pub(crate) mod lineage;
pub(crate) mod logtail;
pub(crate) mod outcome;
pub(crate) mod priority;
pub(crate) mod redact;
pub(crate) mod save;
pub(crate) mod sched;
pub(crate) mod stop;
pub mod targets;
