//! Setup's cursor and the names of its parts: what the open overlay holds
//! (a file of its own: the overlay and setup's keys both need them).

/// The part of setup the keys act in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetupSection {
    #[default]
    Columns,
    Meters,
    Options,
}

impl SetupSection {
    const ALL: [SetupSection; 3] = [Self::Columns, Self::Meters, Self::Options];

    pub(crate) fn step(self, by: isize) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(3) as usize]
    }
}

/// Setup's cursor: a section and a line in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetupView {
    pub section: SetupSection,
    pub cursor: usize,
}

/// The options' lines, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupOption {
    Delay,
    Theme,
    ProgramPath,
    SaveOnQuit,
}

pub const OPTIONS: [SetupOption; 4] = [
    SetupOption::Delay,
    SetupOption::Theme,
    SetupOption::ProgramPath,
    SetupOption::SaveOnQuit,
];
