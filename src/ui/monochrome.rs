//! `NO_COLOR`: the frame drawn as usual, then every colour taken out. What
//! stood on a coloured background (the selection bar, titles, key labels) is
//! shown reversed, so it still stands out; bold stays bold.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

pub(crate) fn strip(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.bg != Color::Reset {
            cell.modifier.insert(Modifier::REVERSED);
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
        cell.underline_color = Color::Reset;
    }
}
