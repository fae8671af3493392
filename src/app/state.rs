//! The app's state: data from the collector apart from what the user did (UiState).

use super::keymap::{Keymap, Mode};
use crate::actions::ladder::Policy;
// The actions' types the state holds, under the names the ui reads them by.
pub use crate::actions::audit::Record;
pub use crate::actions::capture::Progress;
pub use crate::actions::targets::Target;
use crate::model::view::{self, ViewOptions, ViewRow};
use crate::model::{ProcDetail, ProcKey, ProcessTable, Snapshot, derive};
use crate::present::layout::{Areas, Panes};
use std::sync::Arc;
use std::time::Duration;

/// Selection, scroll, modes and typed text: everything the user changes.
#[derive(Clone, Debug, Default)]
pub struct UiState {
    pub mode: Mode,
    /// The process the cursor is on, followed across refreshes and re-sorts.
    pub selected: Option<ProcKey>,
    /// Cursor position in the view; kept when the selected process vanishes.
    pub cursor: usize,
    pub scroll: usize,
    pub filter_input: String,
    pub filter_error: Option<String>,
    /// The search being typed (kept for n/N after Enter), why it does not
    /// match, and the row it started from.
    pub search_input: String,
    pub search_error: Option<String>,
    pub search_origin: usize,
    pub sort_cursor: usize,
    /// Scroll offset of the open pane (help, audit, details).
    pub overlay_scroll: usize,
    /// The open pane's extent as last drawn (only drawing knows its wrapped
    /// height): scrolling stops at its end.
    pub overlay_extent: PaneExtent,
    /// In the detail pane: keys scroll it rather than move in the table.
    pub detail_focus: bool,
    /// The detail pane takes the whole body.
    pub detail_full: bool,
    /// Z: refreshes are held, the table shows the moment it was frozen.
    pub frozen: bool,
    pub status: Option<String>,
    /// Ticks left before the status message clears.
    pub status_ttl: u8,
    pub size: (u16, u16),
    /// A stop waiting for the user's yes.
    pub pending_stop: Option<PendingStop>,
    pub signal_cursor: usize,
    pub signal_group: bool,
    pub nice_input: String,
    /// The nice prompt's text is the current value, selected: typing replaces it.
    pub nice_selected: bool,
    /// Quit was pressed once while a stop was running; the next quit leaves.
    pub quit_armed: bool,
}

/// What the renderer measured of a scrolling pane, for `update` to stop at
/// its end: the last offset that still fills the pane, and its height.
#[derive(Clone, Debug, Default)]
pub struct PaneExtent {
    pub last_offset: std::cell::Cell<usize>,
    pub height: std::cell::Cell<usize>,
}

impl PaneExtent {
    /// Records a pane of `lines` wrapped lines drawn `height` lines high, and
    /// the offset to draw it at: `wanted`, or its end if that is past it.
    pub fn measure(&self, lines: usize, height: usize, wanted: usize) -> usize {
        let last = lines.saturating_sub(height);
        self.last_offset.set(last);
        self.height.set(height.max(1));
        wanted.min(last)
    }
}

/// What the confirmation shows: exactly the processes the stop will hit.
#[derive(Clone, Debug)]
pub struct PendingStop {
    pub root: ProcKey,
    pub tree: bool,
    pub targets: Vec<Target>,
    /// Planned from the snapshot but no longer descendants when the plan was
    /// checked, with their parent now: not part of the stop.
    pub dropped: Vec<(Target, crate::model::Pid)>,
}

/// A running stop ladder as the progress pane shows it.
#[derive(Clone, Debug)]
pub struct LadderView {
    pub targets: Vec<Target>,
    pub policy: Policy,
    pub step: usize,
    pub signal: i32,
    pub until: std::time::Instant,
    pub alive: Vec<ProcKey>,
    /// (process, step it ended in)
    pub exited: Vec<(ProcKey, usize)>,
}

pub struct App {
    pub keymap: Keymap,
    pub table: ProcessTable,
    pub view: Vec<ViewRow>,
    pub opts: ViewOptions,
    pub ui: UiState,
    pub detail: Option<Arc<ProcDetail>>,
    pub collector_error: Option<String>,
    pub delay: Duration,
    pub show_threads: bool,
    pub quit: bool,
    pub policy: Policy,
    pub ladder: Option<LadderView>,
    pub audit: Vec<Record>,
    /// The newest pass while frozen, shown when the freeze ends.
    pub held_snapshot: Option<Arc<Snapshot>>,
    pub logs: Option<LogView>,
    pub capture: Option<CaptureView>,
    /// Draw without colour: bold and reverse only (`NO_COLOR`).
    pub no_color: bool,
}

/// The capture pane: progress while the tool runs, then the parsed stacks.
#[derive(Clone, Debug, Default)]
pub struct CaptureView {
    /// Which capture this pane shows: results of any other are stale.
    pub id: u64,
    pub title: String,
    /// The tool and its time left, while running.
    pub running: Option<Progress>,
    pub result: Option<crate::actions::capture::Capture>,
    pub raw: bool,
    /// Thread the cursor is on.
    pub cursor: usize,
    pub folded: std::collections::HashSet<usize>,
    pub scroll: usize,
}

/// The log pane: a bounded ring of lines from the followed process.
#[derive(Clone, Debug, Default)]
pub struct LogView {
    /// Which tail this pane shows: lines of any other are stale.
    pub id: u64,
    pub key: Option<ProcKey>,
    pub title: String,
    pub lines: std::collections::VecDeque<crate::model::logline::LogLine>,
    pub notes: Vec<String>,
    pub ended: Option<String>,
    /// Frozen view: new lines are kept but the screen does not move.
    pub paused: bool,
    /// Lines up from the newest line the filter lets through (0: the newest
    /// is at the bottom).
    pub scroll: usize,
    /// As typed (and shown); set through `set_filter`.
    pub filter: String,
    /// The filter lower-cased once, for matching every line on every draw.
    pub(crate) filter_lower: String,
    /// Lines dropped because the ring was full.
    pub dropped: u64,
    /// Bytes of text in `lines`, bounded by `MAX_BYTES`.
    pub bytes: usize,
    /// How many of `lines` are partial (each source's unfinished last line).
    pub partials: usize,
}

impl LogView {
    pub const CAPACITY: usize = 5000;
    /// Long lines fill the ring by size before they do by count.
    pub const MAX_BYTES: usize = 4 << 20;

    pub fn push(&mut self, line: crate::model::logline::LogLine) {
        let shows = self.shows(&line);
        if let Some((old, at)) = self.take_partial(&line.source) {
            // The source's unfinished line, now longer or done: in its place.
            if self.paused {
                self.scroll = (self.scroll + usize::from(shows))
                    .saturating_sub(usize::from(self.shows(&old)));
            }
            self.insert(line, at);
        } else {
            // Paused, the screen keeps its lines: the offset from the newest grows
            // by the lines that will show, and a line the filter hides moves nothing.
            if self.paused && shows {
                self.scroll += 1;
            }
            let at = self.lines.len();
            self.insert(line, at);
        }
        while self.lines.len() > Self::CAPACITY
            || (self.bytes > Self::MAX_BYTES && self.lines.len() > 1)
        {
            if let Some(l) = self.lines.pop_front() {
                self.bytes -= l.text.len();
                self.partials -= usize::from(l.partial);
                self.dropped += 1;
            }
        }
    }

    fn insert(&mut self, line: crate::model::logline::LogLine, at: usize) {
        self.bytes += line.text.len();
        self.partials += usize::from(line.partial);
        self.lines.insert(at, line);
    }

    /// Removes the partial line of `source`, if there is one, with where it was.
    fn take_partial(&mut self, source: &str) -> Option<(crate::model::logline::LogLine, usize)> {
        if self.partials == 0 {
            return None;
        }
        let at = self
            .lines
            .iter()
            .rposition(|l| l.partial && l.source == source)?;
        let old = self.lines.remove(at)?;
        self.bytes -= old.text.len();
        self.partials -= 1;
        Some((old, at))
    }

    /// Pausing freezes the screen; resuming follows the newest line again.
    pub(crate) fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        if !paused {
            self.scroll = 0;
        }
    }

    /// A new filter shows other lines: start again from the newest.
    pub(crate) fn set_filter(&mut self, filter: String) {
        self.filter_lower = filter.to_lowercase();
        self.filter = filter;
        self.scroll = 0;
    }

    fn shows(&self, l: &crate::model::logline::LogLine) -> bool {
        crate::model::filter::contains_ci(&l.text, &self.filter_lower)
    }

    /// The lines the filter lets through, oldest first.
    pub fn visible(&self) -> Vec<&crate::model::logline::LogLine> {
        self.lines.iter().filter(|l| self.shows(l)).collect()
    }

    /// Which of `visible` lines fill `rows` rows: the last is `scroll` up from
    /// the newest; scrolled past the oldest, the first page rather than nothing.
    pub fn window(&self, visible: usize, rows: usize) -> std::ops::Range<usize> {
        let end = match visible.saturating_sub(self.scroll) {
            0 => rows.min(visible),
            end => end,
        };
        end.saturating_sub(rows)..end
    }
}

impl App {
    pub fn new(keymap: Keymap, opts: ViewOptions, delay: Duration) -> Self {
        App {
            keymap,
            table: ProcessTable::default(),
            view: Vec::new(),
            opts,
            ui: UiState {
                size: (80, 24),
                ..Default::default()
            },
            detail: None,
            collector_error: None,
            delay,
            show_threads: false,
            quit: false,
            policy: Policy::default(),
            ladder: None,
            audit: Vec::new(),
            held_snapshot: None,
            logs: None,
            capture: None,
            no_color: false,
        }
    }

    /// Takes a new snapshot: derive the table, rebuild the view, follow the selection.
    pub(crate) fn ingest(&mut self, snap: Arc<Snapshot>) {
        let prev = Arc::clone(&self.table.snapshot);
        let prev = if prev.mono_ns == 0 {
            None
        } else {
            Some(&*prev)
        };
        self.table = derive(prev, snap);
        self.rebuild_view();
    }

    /// Re-applies sort, filter and tree; keeps the cursor on the selected process.
    pub fn rebuild_view(&mut self) {
        view::build_into(&self.table, &self.opts, &mut self.view);
        let found = self.ui.selected.and_then(|k| {
            let i = self.table.find(k)?;
            self.view.iter().position(|r| r.idx == i)
        });
        match found {
            Some(pos) => self.ui.cursor = pos,
            None => {
                self.ui.cursor = self.ui.cursor.min(self.view.len().saturating_sub(1));
                self.ui.selected = self.selected_sample().map(|p| p.key());
            }
        }
        self.clamp_scroll();
    }

    pub fn selected_sample(&self) -> Option<&crate::model::ProcSample> {
        let row = self.view.get(self.ui.cursor)?;
        self.table.snapshot.procs.get(row.idx)
    }

    /// The selected row's wait reason, as the last pass classified it.
    pub(crate) fn selected_why(&self) -> Option<crate::model::why::WhyTag> {
        let row = self.view.get(self.ui.cursor)?;
        self.table.snapshot.why.get(row.idx).copied()
    }

    /// Moves the cursor to a view position and selects the process there.
    pub(crate) fn set_cursor(&mut self, pos: usize) {
        if self.view.is_empty() {
            self.ui.cursor = 0;
            self.ui.selected = None;
            return;
        }
        self.ui.cursor = pos.min(self.view.len() - 1);
        self.ui.selected = self.selected_sample().map(|p| p.key());
        self.clamp_scroll();
    }

    /// What the panes' geometry depends on.
    pub(crate) fn panes(&self) -> Panes {
        Panes {
            cores: self.table.snapshot.system.cpu_percent.len(),
            ladder_targets: self.ladder.as_ref().map(|l| l.targets.len()),
            detail: self.ui.mode == Mode::Detail,
            detail_full: self.ui.detail_full,
        }
    }

    /// The panes at the size the app last heard of (for mouse clicks and paging).
    pub fn areas(&self) -> Areas {
        crate::present::layout::areas_in(self.panes(), self.ui.size)
    }

    /// Rows the table can show at the current terminal size.
    pub(crate) fn page_rows(&self) -> usize {
        self.areas().table_rows().max(1)
    }

    fn clamp_scroll(&mut self) {
        let rows = self.page_rows();
        if self.ui.cursor < self.ui.scroll {
            self.ui.scroll = self.ui.cursor;
        } else if self.ui.cursor >= self.ui.scroll + rows {
            self.ui.scroll = self.ui.cursor + 1 - rows;
        }
        let max_scroll = self.view.len().saturating_sub(rows);
        self.ui.scroll = self.ui.scroll.min(max_scroll);
    }

    pub fn say(&mut self, msg: impl Into<String>) {
        self.ui.status = Some(msg.into());
        self.ui.status_ttl = 5;
    }
}
