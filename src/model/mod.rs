//! Plain data and pure derivation: no I/O here.

pub(crate) mod callstack;
pub mod ending;
pub(crate) mod facts;
pub(crate) mod filter;
pub(crate) mod history;
pub mod logline;
pub(crate) mod mac_figures;
pub mod provenance;
pub(crate) mod runtime;
pub(crate) mod sample;
pub mod sort;
pub(crate) mod sorted_map;
pub mod syscalls;
pub(crate) mod table;
pub(crate) mod timespec;
pub mod view;
pub mod why;

#[cfg(test)]
pub(crate) mod testutil;

pub use filter::Filter;
pub use mac_figures::{MacFigures, QosClass};
pub use runtime::RuntimeHint;
pub use sample::{
    CpuShares, CpuTicks, IoBytes, MemSplit, Pid, Pressure, ProcDetail, ProcExtra, ProcInfo,
    ProcKey, ProcSample, ProcState, Snapshot, SystemSample,
};
pub use table::{ProcessTable, RowStats, StateCounts, derive};
