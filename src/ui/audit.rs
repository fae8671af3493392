//! The audit pane: recent actions, newest first.

use super::theme;
use crate::app::state::App;
use crate::app::state::Record;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// One record as a line: time, who, action, targets, outcome.
pub(crate) fn record_line(r: &Record) -> String {
    let when = super::format::local_time(r.when);
    let targets: Vec<String> = r.targets.iter().map(|t| t.pid.to_string()).collect();
    let outcome = match &r.outcome {
        serde_json::Value::String(s) => s.clone(),
        o => match o["targets"].as_array() {
            // A stop: how many of its targets went.
            Some(ts) => {
                let gone = ts
                    .iter()
                    .filter(|t| t["ended"] == "step" || t["ended"] == "gone")
                    .count();
                format!("{gone}/{} gone", ts.len())
            }
            None => o.to_string(),
        },
    };
    format!(
        "{when}  {:<8} {:<7} pids {:<18} {}  → {outcome}",
        r.who.user,
        r.action,
        targets.join(","),
        r.params,
    )
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = app
        .audit
        .iter()
        .rev()
        .map(|r| Line::raw(record_line(r)))
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("no actions recorded yet", theme::dim()));
    }
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled_pane(app, f, area, " Audit log (newest first; Esc closes) ", para);
}

/// A bordered pane over `area` whose text scrolls with the overlay's keys and
/// stops at its end (the audit log, the Ended view).
pub(crate) fn scrolled_pane(app: &App, f: &mut Frame, area: Rect, title: &str, para: Paragraph) {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title.to_string());
    let count = para.line_count(area.width.saturating_sub(2));
    let top = app.ui.overlay_extent.measure(
        count,
        area.height.saturating_sub(2) as usize,
        app.ui.overlay.pane_scroll(),
    );
    f.render_widget(para.block(block).scroll((top as u16, 0)), area);
}
