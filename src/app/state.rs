//! The app's state: data from the collector apart from what the user did (UiState).

use super::keymap::{Keymap, Mode};
pub use super::overlay::{Overlay, PendingStop, SearchPrompt, TaggedChange, TaggedPlan};
pub use super::pane_views::{CaptureView, LogView};
use crate::actions::ladder::Policy;
// The actions' types the state holds, under the names the ui reads them by.
pub use crate::actions::audit::Record;
pub use crate::actions::capture::Progress;
pub use crate::actions::targets::Target;
use crate::model::history::History;
use crate::model::view::{self, ViewOptions, ViewRow};
use crate::model::{ProcDetail, ProcKey, ProcessTable, Snapshot, derive};
use crate::present::layout::{Areas, Panes};
use crate::present::meters::{HeaderPlan, MeterKind};
pub use crate::store::replay::Position as ReplayPosition;
use std::sync::Arc;
use std::time::Duration;

/// Selection, scroll, modes and typed text: everything the user changes.
#[derive(Clone, Debug, Default)]
pub struct UiState {
    /// The overlay or dialog open over the table, owning its cursor and input.
    pub overlay: Overlay,
    /// The process the cursor is on, followed across refreshes and re-sorts.
    pub selected: Option<ProcKey>,
    /// Cursor position in the view; kept when the selected process vanishes.
    pub cursor: usize,
    pub scroll: usize,
    /// Cells the table is scrolled sideways (Left/Right).
    pub hscroll: u16,
    /// COMMAND shows the program's name without its directory (htop's `p`
    /// off); the full path is the default, as htop's.
    pub program_name_only: bool,
    /// The filter in force, as typed (the filter prompt edits it live).
    pub filter_text: String,
    /// The last search accepted, for n/N.
    pub last_search: String,
    /// The open pane's extent as last drawn (only drawing knows its wrapped
    /// height): scrolling stops at its end.
    pub overlay_extent: PaneExtent,
    /// Tagged processes, by identity: a reused pid is another process, and a
    /// tagged process that exits drops its tag.
    pub tagged: std::collections::BTreeSet<ProcKey>,
    /// The detail pane takes the whole body (kept between openings).
    pub detail_full: bool,
    /// Z: refreshes are held, the table shows the moment it was frozen.
    pub frozen: bool,
    pub status: Option<String>,
    /// Ticks left before the status message clears.
    pub status_ttl: u8,
    pub size: (u16, u16),
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
    /// Processes whytop's stop ladders ended, from the audit records (the
    /// Ended view's "stopped by whytop's ladder").
    pub ladder_stops: Vec<crate::model::ending::LadderStop>,
    /// The newest pass while frozen, shown when the freeze ends.
    pub held_snapshot: Option<Arc<Snapshot>>,
    /// The number of the last log tail or capture started: a late message
    /// of an earlier one is stale.
    pub pane_id: u64,
    /// Draw without colour: bold and reverse only (`NO_COLOR`).
    pub no_color: bool,
    /// The palette (`--theme`, the config's `theme`); `no_color` wins over it.
    pub theme: crate::present::theme::Theme,
    /// What setup (F2) steps through: the built-in themes, then the user's.
    pub theme_choices: Vec<crate::present::theme::Theme>,
    /// The last few minutes of every process and the machine, a point a
    /// refresh: the detail pane's charts and WHY timeline.
    pub history: History,
    /// The header's meters in order (config `meters`).
    pub meters: Vec<MeterKind>,
    /// `whytop replay`: the table shows a recording, not the live system.
    pub replay: Option<ReplayView>,
    /// The table's columns in order (config `columns`).
    pub columns: Vec<crate::model::sort::SortColumn>,
    /// Quitting saves the settings changed (config `save_on_quit`).
    pub save_on_quit: bool,
    /// The config keys setup or `p` changed this session: what a save writes.
    pub settings_changed: std::collections::BTreeSet<&'static str>,
}

/// What the header says of a replay.
#[derive(Clone, Debug, Default)]
pub struct ReplayView {
    /// The recording, as its path reads.
    pub db: String,
    /// Where it stands (None until the first sample is read).
    pub position: Option<ReplayPosition>,
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
            ladder_stops: Vec::new(),
            held_snapshot: None,
            pane_id: 0,
            no_color: false,
            theme: Default::default(),
            theme_choices: crate::present::theme::ThemeName::ALL
                .map(Into::into)
                .to_vec(),
            history: History::default(),
            meters: MeterKind::DEFAULT.to_vec(),
            replay: None,
            columns: crate::present::columns::DEFAULT.to_vec(),
            save_on_quit: true,
            settings_changed: Default::default(),
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
        self.history.push(prev, &self.table);
        let table = &self.table;
        self.ui.tagged.retain(|k| table.find(*k).is_some());
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
            // A replay says so on a line of its own above the meters.
            header_lines: self.header_plan().lines(self.cpu_count())
                + u16::from(self.replay.is_some()),
            ladder_targets: self.ladder.as_ref().map(|l| l.targets.len()),
            detail: self.ui.overlay.mode() == Mode::Detail,
            detail_full: self.ui.detail_full,
        }
    }

    /// What the header draws where, for this system.
    pub(crate) fn header_plan(&self) -> HeaderPlan {
        HeaderPlan::new(&self.meters, &self.table.snapshot.system)
    }

    /// CPUs the header shows a bar for.
    pub(crate) fn cpu_count(&self) -> usize {
        self.table.snapshot.system.cpu_percent.len()
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

    /// The next log tail's or capture's number.
    pub(crate) fn next_pane_id(&mut self) -> u64 {
        self.pane_id += 1;
        self.pane_id
    }

    /// Bold and reverse only: `NO_COLOR`, or the mono theme.
    pub(crate) fn colourless(&self) -> bool {
        self.no_color || self.theme.is(crate::present::theme::ThemeName::Mono)
    }

    /// The column `step` places after (or before) the sorted one among those
    /// shown, round the end (`>`, `<`).
    pub(crate) fn sort_step(&self, step: isize) -> crate::model::sort::SortColumn {
        let n = self.columns.len().max(1) as isize;
        match self.columns.iter().position(|c| *c == self.opts.sort) {
            Some(i) => self.columns[(i as isize + step).rem_euclid(n) as usize],
            None => self.columns.first().copied().unwrap_or(self.opts.sort),
        }
    }

    /// Notes that the setting under config key `key` changed.
    pub(crate) fn changed(&mut self, key: &'static str) {
        self.settings_changed.insert(key);
    }

    pub fn say(&mut self, msg: impl Into<String>) {
        self.ui.status = Some(msg.into());
        self.ui.status_ttl = 5;
    }
}
