//! The light theme: the frame drawn in the dark palette, then its text
//! recoloured for a light background. Text on the terminal's own background
//! takes darker tones (yellow, white and the bright colours wash out on
//! white); what stands on a coloured background (the selection bar, titles,
//! key labels) keeps its colours, which read on either.

use crate::present::palette::on_light;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

pub(crate) fn recolour(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.bg == Color::Reset {
            cell.fg = on_light(cell.fg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_colour_that_washes_out_on_white_is_left_as_text() {
        for c in [
            Color::Yellow,
            Color::White,
            Color::LightGreen,
            Color::LightYellow,
            Color::LightCyan,
            Color::Gray,
        ] {
            assert_ne!(on_light(c), c, "{c:?}");
        }
        assert_eq!(on_light(Color::Reset), Color::Reset);
    }
}
