//! What is open over the table, each owning its cursor and typed text:
//! closing one drops them. `Overlay::mode` names the keymap section whose keys
//! it takes, so the keymap stays data.

use super::keymap::Mode;
use super::pane_views::{CaptureView, LogView};
use crate::actions::targets::Target;
use crate::model::{Pid, ProcKey};

#[derive(Clone, Debug, Default)]
pub enum Overlay {
    /// Nothing open: keys move in the table.
    #[default]
    Table,
    /// The filter being typed (its text is the filter in force,
    /// `UiState::filter_text`), and why the text does not parse.
    FilterPrompt {
        error: Option<String>,
    },
    SearchPrompt(SearchPrompt),
    SortMenu {
        cursor: usize,
    },
    /// `u`: the users of the processes listed when it opened ("" first: all).
    UserMenu {
        users: Vec<String>,
        cursor: usize,
    },
    /// The detail pane below the table; `focus`: keys scroll it.
    Detail {
        scroll: usize,
        focus: bool,
    },
    Help {
        scroll: usize,
    },
    ConfirmStop(PendingStop),
    /// A signal, nice or scheduling change for every tagged process, asked once.
    ConfirmTagged(TaggedPlan),
    SignalMenu {
        cursor: usize,
        group: bool,
    },
    /// `selected`: the text is the current value, selected; typing replaces it.
    NicePrompt {
        input: String,
        selected: bool,
    },
    Audit {
        scroll: usize,
    },
    /// Processes that ended recently, newest first.
    Ended {
        scroll: usize,
    },
    /// The log pane; `filtering`: keys type its filter.
    Logs {
        view: Box<LogView>,
        filtering: bool,
    },
    Capture(Box<CaptureView>),
    /// In a replay, the time to go to as typed, and why it is not one.
    TimePrompt {
        input: String,
        error: Option<String>,
    },
    /// F2: columns, meters and options.
    Setup(super::setup_view::SetupView),
}

/// htop's search as it is typed: the text, why it matches nothing, and the
/// row it started from (Esc goes back there).
#[derive(Clone, Debug, Default)]
pub struct SearchPrompt {
    pub input: String,
    pub error: Option<String>,
    pub origin: usize,
}

/// What the confirmation shows: exactly the processes the stop will hit.
#[derive(Clone, Debug)]
pub struct PendingStop {
    pub root: ProcKey,
    pub tree: bool,
    pub targets: Vec<Target>,
    /// Planned from the snapshot but no longer descendants when the plan was
    /// checked, with their parent now: not part of the stop.
    pub dropped: Vec<(Target, Pid)>,
    /// The targets are the tagged processes, each alone.
    pub tagged: bool,
}

/// What is asked for the tagged processes, and exactly which they are.
#[derive(Clone, Debug)]
pub struct TaggedPlan {
    pub change: TaggedChange,
    pub targets: Vec<Target>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaggedChange {
    Signal(i32),
    /// Each one's nice moved by this much.
    NiceBy(i32),
    NiceTo(i32),
    /// Each one's next CPU policy (macOS: background on).
    NextPolicy,
    /// Each one's next I/O class (macOS: background off).
    NextIo,
}

impl Overlay {
    /// The keymap section this overlay's keys come from.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Table => Mode::Normal,
            Overlay::FilterPrompt { .. } => Mode::Filter,
            Overlay::SearchPrompt(_) => Mode::Search,
            Overlay::SortMenu { .. } => Mode::Sort,
            Overlay::UserMenu { .. } => Mode::User,
            Overlay::Detail { .. } => Mode::Detail,
            Overlay::Help { .. } => Mode::Help,
            Overlay::ConfirmStop(_) | Overlay::ConfirmTagged(_) => Mode::Confirm,
            Overlay::SignalMenu { .. } => Mode::Signal,
            Overlay::NicePrompt { .. } => Mode::Nice,
            Overlay::Audit { .. } => Mode::Audit,
            Overlay::Ended { .. } => Mode::Ended,
            Overlay::Logs {
                filtering: false, ..
            } => Mode::Logs,
            Overlay::Logs {
                filtering: true, ..
            } => Mode::LogFilter,
            Overlay::Capture(_) => Mode::Capture,
            Overlay::TimePrompt { .. } => Mode::ReplayTime,
            Overlay::Setup(_) => Mode::Setup,
        }
    }

    /// The scroll offset of a scrolling pane (help, audit, details).
    pub fn pane_scroll(&self) -> usize {
        match self {
            Overlay::Detail { scroll, .. }
            | Overlay::Help { scroll }
            | Overlay::Audit { scroll }
            | Overlay::Ended { scroll } => *scroll,
            _ => 0,
        }
    }

    pub(crate) fn pane_scroll_mut(&mut self) -> Option<&mut usize> {
        match self {
            Overlay::Detail { scroll, .. }
            | Overlay::Help { scroll }
            | Overlay::Audit { scroll }
            | Overlay::Ended { scroll } => Some(scroll),
            _ => None,
        }
    }

    pub fn logs(&self) -> Option<&LogView> {
        match self {
            Overlay::Logs { view, .. } => Some(view),
            _ => None,
        }
    }

    pub(crate) fn logs_mut(&mut self) -> Option<&mut LogView> {
        match self {
            Overlay::Logs { view, .. } => Some(view),
            _ => None,
        }
    }

    pub fn capture(&self) -> Option<&CaptureView> {
        match self {
            Overlay::Capture(c) => Some(c),
            _ => None,
        }
    }

    pub(crate) fn capture_mut(&mut self) -> Option<&mut CaptureView> {
        match self {
            Overlay::Capture(c) => Some(c),
            _ => None,
        }
    }
}

/// The signal menu's row of SIGTERM, where it opens.
pub(crate) fn term_row() -> usize {
    crate::platform::signals::all()
        .iter()
        .position(|(_, n)| *n == libc::SIGTERM)
        .unwrap_or(0)
}
