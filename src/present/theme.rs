//! Colours in one place.

use crate::model::ProcState;
use crate::model::why::{WaitReason, WhyTag};
use ratatui::style::{Color, Modifier, Style};

/// The palettes whytop draws with: `--theme NAME`, the config's `theme`.
/// The panes draw in the dark palette; another theme recolours the frame.
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

    /// `parse`, with an error that names the value and the themes there are.
    pub fn named(name: &str) -> Result<ThemeName, UnknownTheme> {
        Self::parse(name).ok_or_else(|| UnknownTheme(name.to_string()))
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

/// A theme's name (`--theme`, the config's `theme`) that names no theme.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown theme {0:?}; one of: {names}", names = ThemeName::names())]
pub struct UnknownTheme(pub String);

pub(crate) const TITLE: Style = Style::new().fg(Color::Black).bg(Color::Green);
pub(crate) const TITLE_SORTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub(crate) const SELECTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
/// A tagged row, as htop colours it (bold stays without colour).
pub(crate) const TAGGED: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
pub(crate) const LABEL: Style = Style::new().fg(Color::Cyan);
pub(crate) const DIM: Style = Style::new().fg(Color::DarkGray);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub(crate) const KEY: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub(crate) const METER_LOW: Style = Style::new().fg(Color::Green);
pub(crate) const METER_MID: Style = Style::new().fg(Color::Yellow);

/// htop's CPU bar colours, in `CpuShares::parts` order: nice, user, system,
/// irq, softirq, steal, guest, iowait.
pub(crate) const CPU_KINDS: [Style; 8] = [
    Style::new().fg(Color::Blue),
    Style::new().fg(Color::Green),
    Style::new().fg(Color::Red),
    Style::new().fg(Color::Yellow),
    Style::new().fg(Color::Magenta),
    Style::new().fg(Color::Cyan),
    Style::new().fg(Color::Cyan),
    Style::new().fg(Color::DarkGray),
];
/// htop's memory bar: used, buffers, shared, cache.
pub(crate) const MEM_KINDS: [Style; 4] = [
    Style::new().fg(Color::Green),
    Style::new().fg(Color::Blue),
    Style::new().fg(Color::Magenta),
    Style::new().fg(Color::Yellow),
];
/// htop's swap bar: used, cache.
pub(crate) const SWAP_KINDS: [Style; 2] =
    [Style::new().fg(Color::Red), Style::new().fg(Color::Yellow)];
/// Under `NO_COLOR` each part of a bar has its own character, as htop's
/// monochrome scheme: the first part `|`, then `#`, `*`, `@`, `$`, `%`, `&`, `.`.
pub(crate) const MONO_BAR: [char; 8] = ['|', '#', '*', '@', '$', '%', '&', '.'];
/// The CPU history graph's lines, top to bottom: red high, green low, as btop.
pub(crate) const GRAPH_CPU: [Style; 3] = [Style::new().fg(Color::Red), METER_MID, METER_LOW];
/// The memory history graph: htop's colour of used memory.
pub(crate) const GRAPH_MEMORY: Style = MEM_KINDS[0];

pub fn state(s: ProcState) -> Style {
    match s {
        ProcState::Running => Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        ProcState::DiskSleep => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ProcState::Zombie | ProcState::Stopped | ProcState::Traced => {
            Style::new().fg(Color::Magenta)
        }
        _ => Style::new(),
    }
}

/// The WHY column's colour: what needs the user stands out (input ready, stopped,
/// disk, zombie); what is plainly idle recedes.
pub fn why(tag: WhyTag) -> Style {
    let s = Style::new();
    match tag.reason {
        WaitReason::Running => s.fg(Color::Green).add_modifier(Modifier::BOLD),
        WaitReason::Starved => s.fg(Color::LightGreen).add_modifier(Modifier::REVERSED),
        WaitReason::Input if tag.ready => s.fg(Color::Black).bg(Color::Yellow),
        WaitReason::Input => s.fg(Color::Yellow),
        WaitReason::Timer | WaitReason::Signal => s.fg(Color::Blue),
        WaitReason::Child => s.fg(Color::Cyan),
        WaitReason::Disk => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        WaitReason::Lock => s.fg(Color::LightRed),
        WaitReason::EventLoop => s.fg(Color::LightBlue),
        WaitReason::Pipe => s.fg(Color::LightMagenta),
        WaitReason::Socket | WaitReason::Ipc => s.fg(Color::LightCyan),
        WaitReason::Stopped | WaitReason::Traced => {
            s.fg(Color::Magenta).add_modifier(Modifier::BOLD)
        }
        WaitReason::Zombie => s.fg(Color::Red),
        WaitReason::Idle | WaitReason::Unknown => s.fg(Color::DarkGray),
    }
}
