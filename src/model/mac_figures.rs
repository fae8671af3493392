//! What macOS alone tells of a process beyond the common figures: its QoS,
//! darwin background, physical footprint and the energy billed to it. Plain
//! data filled by the macOS backend; None on other systems.

use serde::{Deserialize, Serialize};

/// A macOS quality-of-service class, lowest to highest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QosClass {
    /// CPU time run with no QoS set (`ri_cpu_time_qos_default`).
    Unspecified,
    Maintenance,
    Background,
    Utility,
    /// QoS default, which is also what legacy threads get.
    Default,
    UserInitiated,
    UserInteractive,
}

impl QosClass {
    /// The QOS cell's short form: `ui`, `in`, `def`, `ut`, `bg`, `mt`, `un`.
    pub fn short(self) -> &'static str {
        match self {
            Self::Unspecified => "un",
            Self::Maintenance => "mt",
            Self::Background => "bg",
            Self::Utility => "ut",
            Self::Default => "def",
            Self::UserInitiated => "in",
            Self::UserInteractive => "ui",
        }
    }
}

/// The macOS figures of one process (`proc_pid_rusage(RUSAGE_INFO_V4)`, the
/// main thread's `proc_threadinfo`, `pbi_flags`), as of the last pass that
/// read them: a process that did not run since keeps them (with no CPU to
/// place, `qos_cpu` is None).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacFigures {
    /// The tier of its main (oldest) thread's base priority.
    #[serde(default)]
    pub qos_tier: Option<QosClass>,
    /// The class most of its CPU time went to since the last pass.
    #[serde(default)]
    pub qos_cpu: Option<QosClass>,
    /// In darwin background (`PROC_FLAG_DARWINBG` or its external twin).
    #[serde(default)]
    pub background: Option<bool>,
    /// `ri_phys_footprint`: what Activity Monitor calls Memory, bytes.
    #[serde(default)]
    pub footprint: u64,
    /// `ri_billed_energy`: energy billed to it since it started, nanojoules.
    #[serde(default)]
    pub billed_energy_nj: u64,
}
