//! The log and capture panes' contents: what the overlays that show them own.

use crate::actions::capture::Progress;
use crate::model::ProcKey;

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
    pub(crate) const CAPACITY: usize = 5000;
    /// Long lines fill the ring by size before they do by count.
    pub(crate) const MAX_BYTES: usize = 4 << 20;

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
