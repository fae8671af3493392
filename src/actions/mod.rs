//! Effects on processes: the stop ladder, signals, priority, the audit log.
//! Everything here may block; the TUI runs it off its task.

pub mod audit;
pub mod datadir;
pub mod ladder;
pub mod logtail;
pub mod priority;
pub mod signals;
pub mod targets;
