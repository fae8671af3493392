//! What a key can mean: named actions, the vocabulary of the keymap.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    /// Unbinds a key in a user keymap.
    None,
    Quit,
    Suspend,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SortMenu,
    /// htop's `u`: show only one user's processes, picked from a menu.
    UserMenu,
    /// In the user menu: show the highlighted user's (or everyone's).
    UserPick,
    /// F2: the setup screen.
    Setup,
    /// In setup: show/hide the column or meter, or change the option.
    SetupToggle,
    SetupMoveUp,
    SetupMoveDown,
    SetupNextSection,
    SetupPrevSection,
    /// In setup: the option's previous value (a list: the section to the left).
    SetupLess,
    SetupMore,
    SortNext,
    SortPrev,
    SortReverse,
    SortCpu,
    SortMem,
    SortTime,
    SortPick,
    Filter,
    ClearFilter,
    FilterAccept,
    FilterCancel,
    FilterBackspace,
    FilterClear,
    Tree,
    Collapse,
    Expand,
    ToggleFold,
    Detail,
    Help,
    Threads,
    KernelThreads,
    Refresh,
    Close,
    /// The stop ladder on the selected process and its descendants (asks first).
    Stop,
    SignalMenu,
    /// SIGSTOP to the selected process.
    Pause,
    /// SIGCONT to the selected process.
    Resume,
    /// Nice +1: less CPU for it.
    NiceUp,
    /// Nice -1: more CPU for it (needs root).
    NiceDown,
    /// Type a nice value.
    NiceInput,
    AuditPane,
    /// Processes that ended recently, and how.
    EndedView,
    LadderKillNow,
    LadderCancel,
    Yes,
    No,
    ToggleTree,
    ToggleGroup,
    /// Save a diagnostic bundle of the selected process.
    #[serde(alias = "snapshot")]
    SaveBundle,
    /// Follow the selected process's log.
    Logs,
    /// In the log pane: freeze the view / follow again (was `pause2`).
    #[serde(alias = "pause2")]
    PauseView,
    LogFilter,
    /// Linux: next CPU policy (other, batch, idle); macOS: background on.
    CyclePolicy,
    /// Linux: next I/O class (best-effort, idle, realtime); macOS: background off.
    CycleIo,
    /// Capture the selected process's stacks.
    Capture,
    /// In the capture pane: raw text / parsed view.
    RawToggle,
    CancelCapture,
    /// htop's search: the cursor jumps to matches, nothing is hidden.
    Search,
    SearchNext,
    SearchPrev,
    SearchAccept,
    SearchCancel,
    SearchBackspace,
    SearchClear,
    /// Freeze the table at this moment / resume (htop's Z).
    Freeze,
    /// Tag / untag the selected process and move down (htop's Space).
    Tag,
    /// Tag the selected process and its descendants (htop's c).
    TagTree,
    /// Untag every process (htop's U).
    UntagAll,
    /// In the detail pane: keys scroll the pane / move in the table.
    FocusPane,
    /// In the detail pane: it takes the whole screen / half of it.
    FullScreen,
    /// The table sideways: long command lines read to their end (htop's Left/Right).
    ScrollLeft,
    ScrollRight,
    /// The program's full path / its name alone in COMMAND (htop's `p`).
    ProgramPath,
    /// In a replay: one sample back / on.
    ReplayBack,
    ReplayForward,
    /// In a replay: a minute of recorded time back / on.
    ReplayBackMinute,
    ReplayForwardMinute,
    /// In a replay: type a time to go to.
    ReplayGoto,
}

impl Action {
    /// Keys that act on the selected process (handled in `process_actions`).
    pub(crate) fn acts_on_processes(self) -> bool {
        matches!(
            self,
            Self::Stop
                | Self::SignalMenu
                | Self::Pause
                | Self::Resume
                | Self::NiceUp
                | Self::NiceDown
                | Self::NiceInput
                | Self::AuditPane
                | Self::LadderKillNow
                | Self::LadderCancel
                | Self::CyclePolicy
                | Self::CycleIo
        )
    }

    /// The help overlay's words for it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::None => "nothing",
            Self::Quit => "quit",
            Self::Suspend => "suspend (fg resumes)",
            Self::Up => "move up",
            Self::Down => "move down",
            Self::PageUp => "page up",
            Self::PageDown => "page down",
            Self::Top => "first row",
            Self::Bottom => "last row",
            Self::SortMenu => "choose the sort column",
            Self::UserMenu => "show only one user's processes",
            Self::UserPick => "show the highlighted user's processes",
            Self::Setup => "setup: columns, meters, delay, theme",
            Self::SetupToggle => "show / hide it, or change the option",
            Self::SetupMoveUp => "move it up",
            Self::SetupMoveDown => "move it down",
            Self::SetupNextSection => "next section",
            Self::SetupPrevSection => "previous section",
            Self::SetupLess => "option: previous value (lists: section to the left)",
            Self::SetupMore => "option: next value (lists: section to the right)",
            Self::SortNext => "sort by the next column",
            Self::SortPrev => "sort by the previous column",
            Self::SortReverse => "reverse the sort order",
            Self::SortCpu => "sort by CPU%",
            Self::SortMem => "sort by MEM%",
            Self::SortTime => "sort by TIME+",
            Self::SortPick => "sort by the highlighted column",
            Self::Filter => "filter (substring; re: for a regex)",
            Self::ClearFilter => "clear the filter",
            Self::FilterAccept => "keep the filter and go back to the table",
            Self::FilterCancel => "drop the filter",
            Self::FilterBackspace => "delete a character",
            Self::FilterClear => "clear the typed text",
            Self::Tree => "tree view on/off",
            Self::Collapse => "collapse the branch",
            Self::Expand => "expand the branch",
            Self::ToggleFold => "collapse/expand the branch",
            Self::Detail => "details of the selected process",
            Self::Help => "this help",
            Self::Threads => "show threads on/off",
            Self::KernelThreads => "hide/show kernel threads",
            Self::Refresh => "refresh now",
            Self::Close => "close",
            Self::Stop => "stop it and its descendants: TERM, wait, INT, wait, KILL (asks first)",
            Self::SignalMenu => "send a signal (menu)",
            Self::Pause => "pause it (SIGSTOP)",
            Self::Resume => "resume it (SIGCONT)",
            Self::NiceUp => "nice +1 (lower priority)",
            Self::NiceDown => "nice -1 (higher priority; needs root)",
            Self::NiceInput => "type a nice value",
            Self::AuditPane => "the audit log of actions",
            Self::EndedView => "processes that ended recently, and how",
            Self::LadderKillNow => "running stop: SIGKILL now",
            Self::LadderCancel => "running stop: cancel",
            Self::Yes => "yes, do it",
            Self::No => "no",
            Self::ToggleTree => "whole tree / this process only",
            Self::ToggleGroup => "this process / its process group",
            Self::SaveBundle => "save a diagnostic bundle (JSON) of it",
            Self::Logs => "follow its log (stdout/stderr files, journald)",
            Self::PauseView => "pause / resume the view",
            Self::LogFilter => "filter the lines",
            Self::CyclePolicy => "next CPU policy: other, batch, idle (macOS: background on)",
            Self::Capture => "capture its stacks (py-spy, eu-stack, gdb, kernel)",
            Self::RawToggle => "raw text / parsed view",
            Self::CancelCapture => "cancel the capture",
            Self::CycleIo => "next I/O class: best-effort, idle, realtime (macOS: background off)",
            Self::Search => "search: jump to the next match as you type (hides nothing)",
            Self::SearchNext => "next match",
            Self::SearchPrev => "previous match",
            Self::SearchAccept => "stay on this match",
            Self::SearchCancel => "back to where the search started",
            Self::SearchBackspace => "delete a character",
            Self::SearchClear => "clear the typed text",
            Self::Freeze => "freeze the table at this moment / resume",
            Self::Tag => "tag / untag it and move down (keys that act then act on all tagged)",
            Self::TagTree => "tag it and its descendants",
            Self::UntagAll => "untag all",
            Self::FocusPane => "keys scroll the details / move in the table",
            Self::FullScreen => "details full screen / below the table",
            Self::ScrollLeft => "scroll the table left",
            Self::ScrollRight => "scroll the table right (long commands)",
            Self::ProgramPath => "program's full path / name only",
            Self::ReplayBack => "replay: one sample back",
            Self::ReplayForward => "replay: one sample on",
            Self::ReplayBackMinute => "replay: a minute back",
            Self::ReplayForwardMinute => "replay: a minute on",
            Self::ReplayGoto => "replay: go to a time (HH:MM:SS, YYYY-MM-DD HH:MM:SS, -5m)",
        }
    }
}
