//! A theme's styles, one per role the panes draw with, and the colours a
//! theme file may name. The built-in dark palette is today's colours; a
//! user's theme starts from it (or from its light tones) and replaces roles.

use crate::model::why::WaitReason;
use ratatui::style::{Color, Modifier, Style};

/// Every style a theme sets. Fields are roles, not colours: two roles drawn
/// alike in one theme may differ in another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Palette {
    pub(crate) title: Style,
    pub(crate) title_sorted: Style,
    pub(crate) selected: Style,
    /// A tagged row, as htop colours it (bold stays without colour).
    pub(crate) tagged: Style,
    pub(crate) label: Style,
    pub(crate) dim: Style,
    pub(crate) error: Style,
    pub(crate) key: Style,
    pub(crate) meter_low: Style,
    pub(crate) meter_mid: Style,
    /// htop's CPU bar, in `CPU` order.
    pub(crate) cpu: [Style; 8],
    /// htop's memory bar, in `MEMORY` order.
    pub(crate) memory: [Style; 4],
    /// The swap bar, in `SWAP` order.
    pub(crate) swap: [Style; 2],
    /// The S column, in `STATE` order (other states plain).
    pub(crate) state: [Style; 5],
    /// The WHY column, in `WaitReason::ALL` order.
    pub(crate) why: [Style; WaitReason::ALL.len()],
    /// Input waiting to be read: what most needs the user.
    pub(crate) why_input_ready: Style,
}

/// The roles at a theme file's top level.
pub(crate) const TOP: [&str; 10] = [
    "title",
    "title_sorted",
    "selected",
    "tagged",
    "label",
    "dim",
    "error",
    "key",
    "meter_low",
    "meter_mid",
];
/// The file's tables and their roles (`why`: the WHY column's words).
pub(crate) const CPU: [&str; 8] = [
    "nice", "user", "system", "irq", "softirq", "steal", "guest", "iowait",
];
pub(crate) const MEMORY: [&str; 4] = ["used", "buffers", "shared", "cache"];
pub(crate) const SWAP: [&str; 2] = ["used", "cache"];
pub(crate) const STATE: [&str; 5] = ["running", "disk", "stopped", "traced", "zombie"];
pub(crate) const TABLES: [&str; 5] = ["cpu", "memory", "swap", "state", "why"];
/// The `why` role beyond the reasons' own words.
pub(crate) const INPUT_READY: &str = "input-ready";

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const fn bold(c: Color) -> Style {
    Style::new().fg(c).add_modifier(Modifier::BOLD)
}

/// The default theme, for a dark background.
pub(crate) const DARK: Palette = Palette {
    title: Style::new().fg(Color::Black).bg(Color::Green),
    title_sorted: Style::new().fg(Color::Black).bg(Color::Cyan),
    selected: Style::new().fg(Color::Black).bg(Color::Cyan),
    tagged: bold(Color::Yellow),
    label: fg(Color::Cyan),
    dim: fg(Color::DarkGray),
    error: bold(Color::Red),
    key: Style::new().fg(Color::Black).bg(Color::Cyan),
    meter_low: fg(Color::Green),
    meter_mid: fg(Color::Yellow),
    cpu: [
        fg(Color::Blue),
        fg(Color::Green),
        fg(Color::Red),
        fg(Color::Yellow),
        fg(Color::Magenta),
        fg(Color::Cyan),
        fg(Color::Cyan),
        fg(Color::DarkGray),
    ],
    memory: [
        fg(Color::Green),
        fg(Color::Blue),
        fg(Color::Magenta),
        fg(Color::Yellow),
    ],
    swap: [fg(Color::Red), fg(Color::Yellow)],
    state: [
        bold(Color::Green),
        bold(Color::Red),
        fg(Color::Magenta),
        fg(Color::Magenta),
        fg(Color::Magenta),
    ],
    // What needs the user stands out (input ready, stopped, disk, zombie);
    // what is plainly idle recedes.
    why: [
        bold(Color::Green),                                     // running
        fg(Color::LightGreen).add_modifier(Modifier::REVERSED), // starved
        fg(Color::Yellow),                                      // input
        fg(Color::Blue),                                        // timer
        fg(Color::Cyan),                                        // child
        bold(Color::Red),                                       // disk
        fg(Color::LightRed),                                    // lock
        fg(Color::LightBlue),                                   // event-loop
        fg(Color::LightMagenta),                                // pipe
        fg(Color::LightCyan),                                   // socket
        fg(Color::LightCyan),                                   // ipc
        fg(Color::Blue),                                        // signal
        bold(Color::Magenta),                                   // stopped
        bold(Color::Magenta),                                   // traced
        fg(Color::Red),                                         // zombie
        fg(Color::DarkGray),                                    // idle
        fg(Color::DarkGray),                                    // unknown
    ],
    why_input_ready: Style::new().fg(Color::Black).bg(Color::Yellow),
};

impl Palette {
    /// The light theme's tones, role by role: text on the terminal's own
    /// background darker (what `ui::light` does to a drawn frame).
    pub(crate) fn light() -> Palette {
        let mut p = DARK;
        for s in p.styles_mut() {
            if s.bg.is_none() {
                s.fg = s.fg.map(on_light);
            }
        }
        p
    }

    /// The style a theme file's key names: `table` is None at the top level.
    pub(crate) fn role_mut(&mut self, table: Option<&str>, key: &str) -> Option<&mut Style> {
        let at = |names: &[&str]| names.iter().position(|n| *n == key);
        Some(match table {
            None => match key {
                "title" => &mut self.title,
                "title_sorted" => &mut self.title_sorted,
                "selected" => &mut self.selected,
                "tagged" => &mut self.tagged,
                "label" => &mut self.label,
                "dim" => &mut self.dim,
                "error" => &mut self.error,
                "key" => &mut self.key,
                "meter_low" => &mut self.meter_low,
                "meter_mid" => &mut self.meter_mid,
                _ => return None,
            },
            Some("cpu") => &mut self.cpu[at(&CPU)?],
            Some("memory") => &mut self.memory[at(&MEMORY)?],
            Some("swap") => &mut self.swap[at(&SWAP)?],
            Some("state") => &mut self.state[at(&STATE)?],
            Some("why") if key == INPUT_READY => &mut self.why_input_ready,
            Some("why") => &mut self.why[WaitReason::ALL.iter().position(|r| r.label() == key)?],
            Some(_) => return None,
        })
    }

    /// The role names a table (or the top level) takes, for messages.
    pub(crate) fn role_names(table: Option<&str>) -> Vec<&'static str> {
        match table {
            None => TOP.to_vec(),
            Some("cpu") => CPU.to_vec(),
            Some("memory") => MEMORY.to_vec(),
            Some("swap") => SWAP.to_vec(),
            Some("state") => STATE.to_vec(),
            Some("why") => WaitReason::ALL
                .iter()
                .map(|r| r.label())
                .chain([INPUT_READY])
                .collect(),
            Some(_) => Vec::new(),
        }
    }

    pub(crate) fn styles_mut(&mut self) -> impl Iterator<Item = &mut Style> {
        [
            &mut self.title,
            &mut self.title_sorted,
            &mut self.selected,
            &mut self.tagged,
            &mut self.label,
            &mut self.dim,
            &mut self.error,
            &mut self.key,
            &mut self.meter_low,
            &mut self.meter_mid,
            &mut self.why_input_ready,
        ]
        .into_iter()
        .chain(self.cpu.iter_mut())
        .chain(self.memory.iter_mut())
        .chain(self.swap.iter_mut())
        .chain(self.state.iter_mut())
        .chain(self.why.iter_mut())
    }

    /// `#rrggbb` as RGB where the terminal announced truecolor, else as the
    /// nearest of the 256-colour palette.
    pub(crate) fn for_terminal(mut self, truecolor: bool) -> Palette {
        if !truecolor {
            let down = |c: Option<Color>| match c {
                Some(Color::Rgb(r, g, b)) => {
                    Some(Color::Indexed(super::colour256::nearest(r, g, b)))
                }
                other => other,
            };
            for s in self.styles_mut() {
                s.fg = down(s.fg);
                s.bg = down(s.bg);
            }
        }
        self
    }
}

/// A dark-palette text colour as it reads on a light background (256-colour
/// indices where the 16 named ones have no dark enough tone).
pub(crate) fn on_light(c: Color) -> Color {
    match c {
        Color::Yellow => Color::Indexed(130), // dark orange
        Color::Green => Color::Indexed(28),   // dark green
        Color::Cyan => Color::Indexed(30),    // dark cyan
        Color::LightGreen => Color::Green,
        Color::LightYellow => Color::Indexed(136),
        Color::LightRed => Color::Red,
        Color::LightBlue => Color::Blue,
        Color::LightMagenta => Color::Magenta,
        Color::LightCyan => Color::Indexed(31),
        Color::White => Color::Black,
        Color::Gray => Color::DarkGray,
        other => other,
    }
}

/// The colour names a theme file takes: ratatui's sixteen, lower case, and
/// `default` (the terminal's own).
pub(crate) const COLOUR_NAMES: [(&str, Color); 17] = [
    ("default", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
];

/// A colour as a theme file writes it: a name (any case) or `#rrggbb`.
pub(crate) fn parse_colour(s: &str) -> Option<Color> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let part = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return Some(Color::Rgb(part(0)?, part(2)?, part(4)?));
    }
    COLOUR_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(s))
        .map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_by_name_or_hex() {
        assert_eq!(parse_colour("darkgray"), Some(Color::DarkGray));
        assert_eq!(parse_colour("LightCyan"), Some(Color::LightCyan));
        assert_eq!(parse_colour("default"), Some(Color::Reset));
        assert_eq!(parse_colour("#5f87aF"), Some(Color::Rgb(0x5f, 0x87, 0xaf)));
        for bad in [
            "grene", "#5f87a", "#5f87afa", "#gg0000", "", "12", "#+f87af",
        ] {
            assert_eq!(parse_colour(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_role_name_finds_its_style() {
        let mut p = DARK;
        for table in [None].into_iter().chain(TABLES.map(Some)) {
            for name in Palette::role_names(table) {
                assert!(p.role_mut(table, name).is_some(), "{table:?}.{name}");
            }
            assert!(p.role_mut(table, "nope").is_none());
        }
        assert_eq!(
            p.styles_mut().count(),
            11 + 8 + 4 + 2 + 5 + WaitReason::ALL.len()
        );
    }

    #[test]
    fn light_darkens_text_and_keeps_what_stands_on_a_background() {
        let l = Palette::light();
        assert_eq!(l.meter_mid.fg, Some(Color::Indexed(130)));
        assert_eq!(l.selected, DARK.selected);
        assert_eq!(l.why_input_ready, DARK.why_input_ready);
    }

    #[test]
    fn rgb_is_kept_on_truecolor_and_downgraded_elsewhere() {
        let mut p = DARK;
        p.label = Style::new()
            .fg(Color::Rgb(0x5f, 0x87, 0xaf))
            .bg(Color::Rgb(0, 0, 0));
        assert_eq!(p.clone().for_terminal(true).label, p.label);
        let down = p.for_terminal(false);
        assert_eq!(
            (down.label.fg, down.label.bg),
            (Some(Color::Indexed(67)), Some(Color::Indexed(16)))
        );
        assert_eq!(down.dim, DARK.dim, "named colours stay");
    }
}
