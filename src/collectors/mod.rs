//! Sampling loops: they read through a `Platform` and publish snapshots; they never draw.

pub mod sampler;

pub use sampler::{CollectorCmd, CollectorHandle, collect_once, spawn};
