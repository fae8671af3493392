//! F9: every signal by name and number, sent to the selected process or its group.

use super::{format, theme};
use crate::actions::signals;
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let all = signals::all();
    let target = app
        .selected_sample()
        .map(|p| {
            if app.ui.signal_group {
                format!("group {}", p.pgid)
            } else {
                format!("{} {}", p.pid, format::printable(&p.comm))
            }
        })
        .unwrap_or_default();
    let h = area.height.min(all.len() as u16 + 4);
    let visible = h.saturating_sub(4) as usize;
    let first = app
        .ui
        .signal_cursor
        .saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![
        Line::styled(format!("to {target}"), theme::LABEL),
        Line::styled("g: process/group", theme::DIM),
    ];
    for (i, (name, num)) in all.iter().enumerate().skip(first).take(visible) {
        let text = format!("{num:>3} SIG{name:<8}");
        lines.push(if i == app.ui.signal_cursor {
            Line::styled(text, theme::SELECTED)
        } else {
            Line::raw(text)
        });
    }
    let r = Rect::new(area.x, area.y, 24.min(area.width), h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Send signal "),
        ),
        r,
    );
}
