//! F6: pick the sort column from a list, as htop's "Sort by" panel.

use super::theme;
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(app: &App, cursor: usize, f: &mut Frame, area: Rect) {
    let h = (app.columns.len() as u16 + 2).min(area.height);
    let r = Rect::new(area.x, area.y, 16.min(area.width), h);
    f.render_widget(Clear, r);
    // Lines past the box's height scroll with the cursor.
    let skip = (cursor + 3).saturating_sub(h as usize);
    let lines: Vec<Line> = app
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mark = if *c == app.opts.sort { "*" } else { " " };
            let text = format!("{mark}{:<12}", crate::present::columns::title(*c));
            if i == cursor {
                Line::styled(text, theme::selected())
            } else {
                Line::raw(text)
            }
        })
        .skip(skip)
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Sort by ")),
        r,
    );
}
