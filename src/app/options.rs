//! What the TUI is started with: the binary's flags as the app takes them (the
//! CLI fills this in; the app does not know the CLI).

use crate::model::sort::SortColumn;
use std::path::PathBuf;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Refresh interval in tenths of a second (the config's when `None`).
    pub delay: Option<u64>,
    /// Start in tree view.
    pub tree: bool,
    /// Start with this filter.
    pub filter: Option<String>,
    /// Start sorted by this column.
    pub sort: Option<SortColumn>,
    /// Only this user's processes, or only these pids (htop's -u, -p).
    pub only: crate::model::view::Only,
    /// The proc root the log tails and captures read (`platform::PROC_ROOT`).
    pub proc_root: PathBuf,
    /// No colour at all, only bold and reverse (`NO_COLOR` set, no-color.org).
    pub no_color: bool,
    /// Leave the mouse to the terminal (htop's -M): no clicks, but its own
    /// selection and copy work.
    pub no_mouse: bool,
    /// `--theme`: wins over the config's `theme`.
    pub theme: Option<crate::present::theme::Theme>,
    /// `whytop replay`: the TUI on this recording, not the live system.
    pub replay: Option<ReplayFrom>,
}

/// The recording a replay opens, and where in it.
#[derive(Clone, Debug)]
pub struct ReplayFrom {
    pub db: PathBuf,
    /// Seconds since the epoch (the newest sample when None).
    pub at: Option<f64>,
}

/// A flag's value or a config file is wrong (a bad regex, an unknown key):
/// exit 2, as for every command.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadUsage(pub String);
