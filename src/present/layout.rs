//! Where each pane goes: a pure function of the terminal size and what is
//! open, used both to draw (ui) and to map mouse clicks and pages back to rows
//! (app).

use ratatui::layout::Rect;

/// What the geometry depends on, as the app has it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Panes {
    /// Lines the header's meters take (`meters::HeaderPlan::lines`).
    pub header_lines: u16,
    /// Targets of the running stop (`None`: no stop running).
    pub ladder_targets: Option<usize>,
    /// The detail pane is open.
    pub detail: bool,
    /// It takes the whole body.
    pub detail_full: bool,
}

/// Target lines the stop's pane shows; the rest are counted on one more line.
pub(crate) const LADDER_SHOWN: usize = 5;

/// Lines the running stop's pane takes (0: none running).
pub(crate) fn ladder_height(targets: Option<usize>) -> u16 {
    targets
        .map(|n| 3 + n.min(LADDER_SHOWN + 1) as u16)
        .unwrap_or(0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// The table including its column-title row.
    pub table: Rect,
    pub detail: Option<Rect>,
    /// The running stop's progress.
    pub ladder: Option<Rect>,
    pub status: Rect,
}

impl Areas {
    pub(crate) fn table_rows(&self) -> usize {
        self.table.height.saturating_sub(1) as usize
    }
}

/// The panes at size `(w, h)`. Drawing passes the frame's own size: the terminal
/// may have changed size since the last resize event (say, while suspended), and
/// a pane outside the buffer would panic.
pub(crate) fn areas_in(panes: Panes, (w, h): (u16, u16)) -> Areas {
    let full = Rect::new(0, 0, w, h);
    let header_h = panes.header_lines.min(h.saturating_sub(3) / 2);
    let status_h = u16::from(h > 0);
    let ladder_h =
        ladder_height(panes.ladder_targets).min(h.saturating_sub(header_h + status_h) / 2);
    let body_h = h.saturating_sub(header_h + status_h + ladder_h);
    let ladder = (ladder_h > 0).then(|| Rect::new(0, header_h + body_h, w, ladder_h));
    let header = Rect::new(0, 0, w, header_h);
    let status = Rect::new(0, h.saturating_sub(status_h), w, status_h);
    let body = Rect::new(0, header_h, w, body_h);
    let (table, detail) = if panes.detail && panes.detail_full {
        (Rect::new(0, body.y, w, 0), Some(body))
    } else if panes.detail && body_h >= 8 {
        let detail_h = (body_h / 2).clamp(6, 16);
        let t = Rect::new(0, body.y, w, body_h - detail_h);
        (t, Some(Rect::new(0, body.y + t.height, w, detail_h)))
    } else {
        (body, None)
    };
    debug_assert!(table.y + table.height <= full.height || h == 0);
    Areas {
        header,
        table,
        detail,
        ladder,
        status,
    }
}
