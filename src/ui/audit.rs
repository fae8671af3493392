//! The audit pane: recent actions, newest first.

use super::theme;
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// One record as a line: time, who, action, targets, outcome.
pub fn record_line(r: &serde_json::Value) -> String {
    let when = r["when"]
        .as_f64()
        .map(super::format::local_time)
        .unwrap_or_default();
    let targets: Vec<String> = r["targets"]
        .as_array()
        .map(|a| a.iter().map(|t| t["pid"].to_string()).collect())
        .unwrap_or_default();
    let params = r["params"].to_string();
    let outcome = match (&r["outcome"], r["outcome"]["targets"].as_array()) {
        (serde_json::Value::String(s), _) => s.clone(),
        (_, Some(targets)) => {
            let gone = targets
                .iter()
                .filter(|t| t["ended"] == "step" || t["ended"] == "gone")
                .count();
            format!("{gone}/{} gone", targets.len())
        }
        (o, None) => o.to_string(),
    };
    format!(
        "{when}  {:<8} {:<7} pids {:<18} {params}  → {outcome}",
        r["who"]["user"].as_str().unwrap_or("?"),
        r["action"].as_str().unwrap_or("?"),
        targets.join(","),
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
        lines.push(Line::styled("no actions recorded yet", theme::DIM));
    }
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Audit log (newest first; Esc closes) ");
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((app.ui.overlay_scroll as u16, 0)),
        area,
    );
}
