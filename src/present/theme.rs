//! Colours in one place: the theme in force, and the styles the panes draw
//! with, each read from the palette in force for the frame being drawn.

use super::palette::{DARK, Palette};
use crate::model::ProcState;
use crate::model::why::{WaitReason, WhyTag};
use ratatui::style::Style;
use std::cell::RefCell;
use std::sync::Arc;

/// The built-in palettes: `--theme NAME`, the config's `theme`. The panes
/// draw in the dark palette; light and mono recolour the frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// For a dark background (today's colours).
    #[default]
    Dark,
    /// For a light background: no yellow or white text, darker tones.
    Light,
    /// No colour: bold and reverse only (what `NO_COLOR` gives whatever the theme).
    Mono,
}

impl ThemeName {
    pub(crate) const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Mono];

    pub fn parse(name: &str) -> Option<ThemeName> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }

    /// "dark, light, mono", for messages.
    pub fn names() -> String {
        Self::ALL.map(ThemeName::name).join(", ")
    }
}

/// The theme in force: a built-in one, or a user's file read into a palette.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Theme {
    Builtin(ThemeName),
    User(Arc<UserTheme>),
}

/// A theme file (`themes/NAME.toml`), its colours fitted to the terminal.
#[derive(Debug, PartialEq, Eq)]
pub struct UserTheme {
    pub(crate) name: String,
    pub(crate) palette: Palette,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::Builtin(ThemeName::default())
    }
}

impl From<ThemeName> for Theme {
    fn from(t: ThemeName) -> Self {
        Theme::Builtin(t)
    }
}

/// `app.theme == ThemeName::Light`: that built-in theme is in force.
impl PartialEq<ThemeName> for Theme {
    fn eq(&self, t: &ThemeName) -> bool {
        self.is(*t)
    }
}

impl Theme {
    pub(crate) fn user(name: &str, palette: Palette) -> Theme {
        Theme::User(Arc::new(UserTheme {
            name: name.to_string(),
            palette,
        }))
    }

    /// As `--theme` and the config's `theme` name it.
    pub fn name(&self) -> &str {
        match self {
            Theme::Builtin(t) => t.name(),
            Theme::User(u) => &u.name,
        }
    }

    pub(crate) fn is(&self, t: ThemeName) -> bool {
        *self == Theme::Builtin(t)
    }

    /// What the panes draw with (light and mono recolour the frame after).
    pub(crate) fn palette(&self) -> &Palette {
        match self {
            Theme::Builtin(_) => &DARK,
            Theme::User(u) => &u.palette,
        }
    }
}

thread_local! {
    /// The palette the frame being drawn uses (the dark one outside a draw).
    static IN_FORCE: RefCell<Palette> = const { RefCell::new(DARK) };
}

/// Puts a palette in force on this thread until dropped (`ui::render`).
pub(crate) struct Drawing(Option<Palette>);

impl Drawing {
    pub(crate) fn with(p: &Palette) -> Drawing {
        Drawing(Some(IN_FORCE.with(|c| c.replace(p.clone()))))
    }
}

impl Drop for Drawing {
    fn drop(&mut self) {
        if let Some(before) = self.0.take() {
            IN_FORCE.with(|c| *c.borrow_mut() = before);
        }
    }
}

fn in_force<T>(f: impl FnOnce(&Palette) -> T) -> T {
    IN_FORCE.with(|c| f(&c.borrow()))
}

pub(crate) fn title() -> Style {
    in_force(|p| p.title)
}
pub(crate) fn title_sorted() -> Style {
    in_force(|p| p.title_sorted)
}
pub(crate) fn selected() -> Style {
    in_force(|p| p.selected)
}
/// A tagged row, as htop colours it (bold stays without colour).
pub(crate) fn tagged() -> Style {
    in_force(|p| p.tagged)
}
pub(crate) fn label() -> Style {
    in_force(|p| p.label)
}
pub(crate) fn dim() -> Style {
    in_force(|p| p.dim)
}
pub(crate) fn error() -> Style {
    in_force(|p| p.error)
}
pub(crate) fn key() -> Style {
    in_force(|p| p.key)
}
pub(crate) fn meter_low() -> Style {
    in_force(|p| p.meter_low)
}
pub(crate) fn meter_mid() -> Style {
    in_force(|p| p.meter_mid)
}

/// htop's CPU bar colours, in `CpuShares::parts` order: nice, user, system,
/// irq, softirq, steal, guest, iowait.
pub(crate) fn cpu_kinds() -> [Style; 8] {
    in_force(|p| p.cpu)
}
/// htop's memory bar: used, buffers, shared, cache.
pub(crate) fn mem_kinds() -> [Style; 4] {
    in_force(|p| p.memory)
}
/// htop's swap bar: used, cache.
pub(crate) fn swap_kinds() -> [Style; 2] {
    in_force(|p| p.swap)
}
/// Under `NO_COLOR` each part of a bar has its own character, as htop's
/// monochrome scheme: the first part `|`, then `#`, `*`, `@`, `$`, `%`, `&`, `.`.
pub(crate) const MONO_BAR: [char; 8] = ['|', '#', '*', '@', '$', '%', '&', '.'];
/// The CPU history graph's lines, top to bottom: red high, green low, as btop
/// (the theme's meter colours below the top).
pub(crate) fn graph_cpu() -> [Style; 3] {
    [
        Style::new().fg(ratatui::style::Color::Red),
        meter_mid(),
        meter_low(),
    ]
}

/// The memory history graph: the theme's colour of used memory.
pub(crate) fn graph_memory() -> Style {
    mem_kinds()[0]
}

pub fn state(s: ProcState) -> Style {
    let i = match s {
        ProcState::Running => 0,
        ProcState::DiskSleep => 1,
        ProcState::Stopped => 2,
        ProcState::Traced => 3,
        ProcState::Zombie => 4,
        _ => return Style::new(),
    };
    in_force(|p| p.state[i])
}

/// The WHY column's colour (the palette's `why` roles).
pub fn why(tag: WhyTag) -> Style {
    if tag.reason == WaitReason::Input && tag.ready {
        return in_force(|p| p.why_input_ready);
    }
    let i = WaitReason::ALL
        .iter()
        .position(|r| *r == tag.reason)
        .unwrap_or(WaitReason::ALL.len() - 1);
    in_force(|p| p.why[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    #[test]
    fn a_palette_is_in_force_while_drawing_and_the_dark_one_after() {
        let mut mine = DARK;
        mine.label = Style::new().fg(Color::Rgb(1, 2, 3));
        mine.why[WaitReason::ALL.len() - 1] = Style::new().fg(Color::White);
        assert_eq!(label(), DARK.label);
        {
            let _drawing = Drawing::with(&mine);
            assert_eq!(label(), mine.label);
            let unknown = WhyTag::default();
            assert_eq!(why(unknown), Style::new().fg(Color::White));
            assert_eq!(selected(), DARK.selected, "what it does not change");
        }
        assert_eq!(label(), DARK.label);
    }
}
