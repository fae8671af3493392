//! `u`: pick whose processes to show, as htop's user menu.

use super::theme;
use crate::app::state::App;
use crate::app::user_menu::ALL_USERS;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub(crate) fn render(app: &App, users: &[String], cursor: usize, f: &mut Frame, area: Rect) {
    let h = (users.len() as u16 + 2).min(area.height);
    let r = Rect::new(area.x, area.y, 24.min(area.width), h);
    f.render_widget(Clear, r);
    // Lines past the box's height scroll with the cursor.
    let skip = (cursor + 3).saturating_sub(h as usize);
    let shown = app.opts.only.user.as_deref().unwrap_or(ALL_USERS);
    let lines: Vec<Line> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mark = if u == shown { "*" } else { " " };
            let name = if u == ALL_USERS { "All users" } else { u };
            let text = format!("{mark}{}", crate::present::format::printable(name));
            if i == cursor {
                Line::styled(text, theme::selected())
            } else {
                Line::raw(text)
            }
        })
        .skip(skip)
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Show user ")),
        r,
    );
}
