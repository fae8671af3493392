//! Sampling loops: they read through a `Platform` and publish snapshots; they never draw.

pub mod replay;
pub(crate) mod runtime;
pub(crate) mod sampler;
pub(crate) mod stack_why;
pub mod why;

pub use sampler::{CollectorCmd, CollectorHandle, collect_pair, spawn};
