//! Colours in one place.

use crate::model::ProcState;
use ratatui::style::{Color, Modifier, Style};

pub const TITLE: Style = Style::new().fg(Color::Black).bg(Color::Green);
pub const TITLE_SORTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub const SELECTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub const LABEL: Style = Style::new().fg(Color::Cyan);
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const KEY: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub const METER_LOW: Style = Style::new().fg(Color::Green);
pub const METER_MID: Style = Style::new().fg(Color::Yellow);
pub const METER_HIGH: Style = Style::new().fg(Color::Red);

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

pub fn meter(percent: f64) -> Style {
    if percent >= 90.0 {
        METER_HIGH
    } else if percent >= 60.0 {
        METER_MID
    } else {
        METER_LOW
    }
}
