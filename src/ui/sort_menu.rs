//! F6: pick the sort column from a list, as htop's "Sort by" panel.

use super::theme;
use crate::app::state::App;
use crate::model::sort::SortColumn;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(app: &App, cursor: usize, f: &mut Frame, area: Rect) {
    let h = (SortColumn::ALL.len() as u16 + 2).min(area.height);
    let r = Rect::new(area.x, area.y, 16.min(area.width), h);
    f.render_widget(Clear, r);
    let lines: Vec<Line> = SortColumn::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mark = if *c == app.opts.sort { "*" } else { " " };
            let text = format!("{mark}{:<12}", c.title());
            if i == cursor {
                Line::styled(text, theme::SELECTED)
            } else {
                Line::raw(text)
            }
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Sort by ")),
        r,
    );
}
