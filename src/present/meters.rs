//! The header's meters as data: which the header draws, in what order, and
//! where each goes (config `meters = [...]`; setup edits the same list).
//!
//! As htop's default: the CPU bars on top, split over both halves when there
//! are more than four; bars (memory, swap) below them on the left, text meters
//! (tasks, load, ...) on the right. History graphs (btop's) go under both,
//! across the whole width.

use crate::model::SystemSample;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MeterKind {
    /// One bar per CPU, split by kind.
    Cpus,
    Memory,
    Swap,
    Tasks,
    Load,
    Uptime,
    Clock,
    CpuPressure,
    IoPressure,
    MemoryPressure,
    /// The machine's CPU use over the history kept, btop-style.
    CpuGraph,
    /// Its memory use over the same time.
    MemoryGraph,
}

/// Lines a history graph takes.
pub(crate) const GRAPH_LINES: usize = 3;

impl MeterKind {
    pub(crate) const ALL: [MeterKind; 12] = [
        MeterKind::Cpus,
        MeterKind::Memory,
        MeterKind::Swap,
        MeterKind::Tasks,
        MeterKind::Load,
        MeterKind::Uptime,
        MeterKind::Clock,
        MeterKind::CpuPressure,
        MeterKind::IoPressure,
        MeterKind::MemoryPressure,
        MeterKind::CpuGraph,
        MeterKind::MemoryGraph,
    ];

    /// The header without a config: htop's default plus CPU pressure, the
    /// machine-wide figure for "waiting for a CPU".
    pub(crate) const DEFAULT: [MeterKind; 7] = [
        MeterKind::Cpus,
        MeterKind::Memory,
        MeterKind::Swap,
        MeterKind::Tasks,
        MeterKind::Load,
        MeterKind::Uptime,
        MeterKind::CpuPressure,
    ];

    /// The config's name for it.
    pub fn name(self) -> &'static str {
        match self {
            MeterKind::Cpus => "cpus",
            MeterKind::Memory => "memory",
            MeterKind::Swap => "swap",
            MeterKind::Tasks => "tasks",
            MeterKind::Load => "load",
            MeterKind::Uptime => "uptime",
            MeterKind::Clock => "clock",
            MeterKind::CpuPressure => "cpu-pressure",
            MeterKind::IoPressure => "io-pressure",
            MeterKind::MemoryPressure => "memory-pressure",
            MeterKind::CpuGraph => "cpu-graph",
            MeterKind::MemoryGraph => "memory-graph",
        }
    }

    pub fn parse(name: &str) -> Option<MeterKind> {
        MeterKind::ALL.into_iter().find(|m| m.name() == name)
    }

    /// A bar goes in the left half, a line of text in the right.
    pub(crate) fn is_bar(self) -> bool {
        matches!(self, MeterKind::Memory | MeterKind::Swap)
    }

    /// A history graph goes under both halves, across the header.
    pub(crate) fn is_graph(self) -> bool {
        matches!(self, MeterKind::CpuGraph | MeterKind::MemoryGraph)
    }

    /// Whether it has anything to show on this system (PSI needs Linux 4.20).
    pub fn available(self, sys: &SystemSample) -> bool {
        match self {
            MeterKind::CpuPressure => sys.pressure.cpu.is_some(),
            MeterKind::IoPressure => sys.pressure.io.is_some(),
            MeterKind::MemoryPressure => sys.pressure.memory.is_some(),
            _ => true,
        }
    }
}

/// A config's list of names as meters; an unknown name is an error that names it.
pub(crate) fn parse_list(names: &[String]) -> Result<Vec<MeterKind>, UnknownMeter> {
    names
        .iter()
        .map(|n| MeterKind::parse(n).ok_or_else(|| UnknownMeter(n.clone())))
        .collect()
}

/// A meter's name that names no meter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown meter {0:?} (known: {known})", known = known_meters())]
pub(crate) struct UnknownMeter(pub String);

fn known_meters() -> String {
    let known: Vec<&str> = MeterKind::ALL.iter().map(|m| m.name()).collect();
    known.join(", ")
}

/// How the CPU bars are laid out: `halves` 1 (all on the left) or 2 (first
/// half left, second right), `per_row` bars side by side in each half. As
/// htop: one column up to 4 CPUs, two up to 8, four beyond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CpuGrid {
    pub halves: usize,
    pub per_row: usize,
}

impl CpuGrid {
    pub(crate) fn for_cpus(n: usize) -> CpuGrid {
        match n {
            0..=4 => CpuGrid {
                halves: 1,
                per_row: 1,
            },
            5..=8 => CpuGrid {
                halves: 2,
                per_row: 1,
            },
            _ => CpuGrid {
                halves: 2,
                per_row: 2,
            },
        }
    }

    /// The CPUs each half shows: the left takes the odd one out.
    pub fn split(self, n: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        if self.halves == 1 {
            (0..n, n..n)
        } else {
            let left = n.div_ceil(2);
            (0..left, left..n)
        }
    }

    /// Lines the bars of `cpus` CPUs take in one half.
    pub fn rows(self, cpus: usize) -> usize {
        cpus.div_ceil(self.per_row)
    }
}

/// What goes in each half, top to bottom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeaderPlan {
    pub cpus: bool,
    pub left: Vec<MeterKind>,
    pub right: Vec<MeterKind>,
    /// Under both, each `GRAPH_LINES` high.
    pub graphs: Vec<MeterKind>,
}

impl HeaderPlan {
    pub fn new(meters: &[MeterKind], sys: &SystemSample) -> HeaderPlan {
        let shown = meters.iter().copied().filter(|m| m.available(sys));
        let (graphs, halves): (Vec<_>, Vec<_>) = shown
            .filter(|m| *m != MeterKind::Cpus)
            .partition(|m| m.is_graph());
        let (left, right) = halves.into_iter().partition(|m| m.is_bar());
        HeaderPlan {
            cpus: meters.contains(&MeterKind::Cpus),
            left,
            right,
            graphs,
        }
    }

    /// Lines the two halves take with `cpus` CPUs (the graphs start below).
    pub(crate) fn half_lines(&self, cpus: usize) -> u16 {
        let (l, r) = if self.cpus {
            let grid = CpuGrid::for_cpus(cpus);
            let (a, b) = grid.split(cpus.max(1));
            (grid.rows(a.len()), grid.rows(b.len()))
        } else {
            (0, 0)
        };
        (l + self.left.len()).max(r + self.right.len()) as u16
    }

    /// Lines the header takes with `cpus` CPUs.
    pub fn lines(&self, cpus: usize) -> u16 {
        self.half_lines(cpus) + (self.graphs.len() * GRAPH_LINES) as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_named() {
        for m in MeterKind::ALL {
            assert_eq!(MeterKind::parse(m.name()), Some(m));
        }
        let e = parse_list(&["cpus".into(), "fan".into()]).unwrap_err();
        assert_eq!(e, UnknownMeter("fan".into()));
        assert!(e.to_string().contains("\"fan\" (known: cpus, "), "{e}");
    }

    #[test]
    fn cpu_grid_as_htop() {
        let g = |n| CpuGrid::for_cpus(n);
        assert_eq!((g(1).halves, g(1).per_row), (1, 1));
        assert_eq!((g(8).halves, g(8).per_row), (2, 1));
        assert_eq!((g(32).halves, g(32).per_row), (2, 2));
        assert_eq!(g(5).split(5), (0..3, 3..5));
        let sys = SystemSample::default();
        let plan = HeaderPlan::new(&MeterKind::DEFAULT, &sys);
        // No PSI in a default sample: the pressure line is left out.
        assert_eq!(
            plan.right,
            [MeterKind::Tasks, MeterKind::Load, MeterKind::Uptime]
        );
        assert_eq!(plan.lines(2), 4);
        assert_eq!(plan.lines(8), 7);
        assert_eq!(plan.lines(32), 11);
    }

    #[test]
    fn graphs_go_under_both_halves() {
        let sys = SystemSample::default();
        let meters = [
            MeterKind::CpuGraph,
            MeterKind::Cpus,
            MeterKind::Memory,
            MeterKind::Load,
            MeterKind::MemoryGraph,
        ];
        let plan = HeaderPlan::new(&meters, &sys);
        assert_eq!(plan.graphs, [MeterKind::CpuGraph, MeterKind::MemoryGraph]);
        assert_eq!(
            (plan.left.as_slice(), plan.right.as_slice()),
            ([MeterKind::Memory].as_slice(), [MeterKind::Load].as_slice())
        );
        assert_eq!(plan.half_lines(2), 3);
        assert_eq!(plan.lines(2), 3 + 2 * GRAPH_LINES as u16);
        assert_eq!(
            parse_list(&["cpu-graph".into(), "memory-graph".into()]).unwrap(),
            [MeterKind::CpuGraph, MeterKind::MemoryGraph]
        );
    }
}
