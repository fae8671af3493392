//! What a diagnostic bundle records about one process beyond the table: plain data.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub name: String,
    /// None: unlimited.
    pub soft: Option<u64>,
    pub hard: Option<u64>,
    pub units: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub cpu_user_secs: f64,
    pub cpu_system_secs: f64,
    pub rss_bytes: u64,
    pub vsz_bytes: u64,
    pub threads: u32,
    pub voluntary_ctxt_switches: Option<u64>,
    pub nonvoluntary_ctxt_switches: Option<u64>,
    pub read_bytes: Option<u64>,
    pub write_bytes: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenFile {
    pub fd: i32,
    /// Where it points: a path, `pipe:[..]`, `socket tcp 1.2.3.4:80 (listening)`.
    pub target: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcFacts {
    pub exe: Option<String>,
    pub cwd: Option<String>,
    /// `NAME=value` pairs as the process started with them (unredacted here).
    pub environ: Option<Vec<(String, String)>>,
    pub limits: Option<Vec<Limit>>,
    pub usage: Usage,
    pub open_files: Option<Vec<OpenFile>>,
    /// What could not be read, with why.
    pub unreadable: Vec<String>,
}

impl ProcFacts {
    /// Fills the usage figures the table already has.
    pub(crate) fn with_sample(mut self, s: &crate::model::ProcSample) -> Self {
        self.usage.rss_bytes = s.rss_bytes;
        self.usage.vsz_bytes = s.vsz_bytes;
        self.usage.threads = s.threads;
        self
    }
}
