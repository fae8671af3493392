//! The capture pane: a gauge while the tool runs, then threads (foldable) with
//! their top frames and the hottest frames; `R` shows the raw text.

use super::theme;
use crate::app::state::App;
use crate::app::state::Progress;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph};

/// The lines from `scroll` on, as drawn.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let scroll = app.ui.overlay.capture().map_or(0, |c| c.scroll);
    let (all, _) = all_lines(app);
    all.into_iter().skip(scroll).collect()
}

/// Every line of the pane's body, and where each thread's heading is.
pub(crate) fn all_lines(app: &App) -> (Vec<Line<'static>>, Vec<usize>) {
    let Some(c) = app.ui.overlay.capture() else {
        return Default::default();
    };
    crate::present::panes::capture_lines(c.result.as_ref(), c.raw, &c.folded, c.cursor)
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(c) = app.ui.overlay.capture() else {
        return;
    };
    f.render_widget(Clear, area);
    let title = format!(
        " Stacks of {} (R raw, Space folds, c cancels, Esc closes) ",
        c.title
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme::label()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut body = inner;
    if let Some(Progress::Running { tool, left, total }) = &c.running {
        let (left, total) = (left.as_secs_f64(), total.as_secs_f64().max(0.001));
        let g = Gauge::default()
            .gauge_style(theme::meter_mid())
            .ratio((1.0 - left / total).clamp(0.0, 1.0))
            .label(format!("{tool}: {left:.0}s left"));
        f.render_widget(g, Rect::new(inner.x, inner.y, inner.width, 1));
        body = Rect::new(
            inner.x,
            inner.y + 1,
            inner.width,
            inner.height.saturating_sub(1),
        );
    }
    f.render_widget(Paragraph::new(lines(app)), body);
}
