//! Plain data and pure derivation: no I/O here.

pub mod callstack;
pub mod facts;
pub mod filter;
pub mod logline;
pub mod runtime;
pub mod sample;
pub mod sort;
pub mod syscalls;
pub mod table;
pub mod view;
pub mod why;

#[cfg(test)]
pub(crate) mod testutil;

pub use filter::Filter;
pub use runtime::RuntimeHint;
pub use sample::{
    Pid, ProcDetail, ProcInfo, ProcKey, ProcSample, ProcState, Snapshot, SystemSample,
};
pub use table::{ProcessTable, RowStats, StateCounts, derive};
