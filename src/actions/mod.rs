//! Effects on processes: the stop ladder, signals, priority, the audit log.
//! Everything here may block; the TUI runs it off its task.

pub mod audit;
pub mod bundle;
pub mod capture;
pub mod datadir;
pub mod deliver;
pub mod ladder;
pub mod lineage;
pub mod logtail;
pub mod priority;
pub mod redact;
pub mod save;
pub mod sched;
pub mod stop;
pub mod targets;
