//! The table's columns as data: each column's config name (as `ps -o` spells
//! it where ps has one), title, width, alignment and the sort key behind it;
//! where the chosen columns sit on a line, and the click hit-testing on them.
//! The TUI's table, its sort menu, setup and `whytop ps` all read this one list.

use crate::model::sort::SortColumn;

#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnSpec {
    /// The column, which is also what it sorts by.
    pub id: SortColumn,
    /// Its name in the config's `columns = [...]` and `--sort`.
    pub name: &'static str,
    /// Other names it answers to (ps's aliases, htop's words, older spellings).
    pub aliases: &'static [&'static str],
    pub title: &'static str,
    /// 0: takes the rest of the line.
    pub width: u16,
    pub right: bool,
    /// What it shows, for the setup screen.
    pub about: &'static str,
}

const fn col(
    id: SortColumn,
    name: &'static str,
    aliases: &'static [&'static str],
    title: &'static str,
    width: u16,
    right: bool,
    about: &'static str,
) -> ColumnSpec {
    ColumnSpec {
        id,
        name,
        aliases,
        title,
        width,
        right,
        about,
    }
}

use SortColumn as C;

/// Every column there is, in the order setup offers them.
pub(crate) const REGISTRY: &[ColumnSpec] = &[
    col(C::Pid, "pid", &["tgid"], "PID", 7, true, "process id"),
    col(C::Ppid, "ppid", &[], "PPID", 7, true, "parent's process id"),
    col(C::Pgrp, "pgid", &["pgrp"], "PGRP", 7, true, "process group"),
    col(
        C::Sid,
        "sid",
        &["sess", "session"],
        "SID",
        7,
        true,
        "session",
    ),
    col(
        C::Tty,
        "tty",
        &["tt", "tname"],
        "TTY",
        8,
        false,
        "controlling terminal",
    ),
    col(
        C::User,
        "user",
        &["euser"],
        "USER",
        9,
        false,
        "effective user",
    ),
    col(
        C::Uid,
        "uid",
        &["euid"],
        "UID",
        5,
        true,
        "effective user id",
    ),
    col(
        C::Priority,
        "pri",
        &["priority"],
        "PRI",
        3,
        true,
        "kernel priority",
    ),
    col(C::Nice, "ni", &["nice"], "NI", 3, true, "nice value"),
    col(
        C::Virt,
        "vsz",
        &["virt", "vsize"],
        "VIRT",
        6,
        true,
        "virtual memory",
    ),
    col(
        C::Res,
        "rss",
        &["res", "rssize", "mem-bytes"],
        "RES",
        6,
        true,
        "resident memory",
    ),
    col(
        C::Shr,
        "shr",
        &["share", "shared"],
        "SHR",
        6,
        true,
        "shared resident memory",
    ),
    col(
        C::State,
        "s",
        &["state", "stat"],
        "S",
        1,
        false,
        "state letter",
    ),
    col(
        C::Cpu,
        "%cpu",
        &["cpu", "pcpu"],
        "CPU%",
        5,
        true,
        "CPU use since the last refresh",
    ),
    col(
        C::Mem,
        "%mem",
        &["mem", "pmem"],
        "MEM%",
        5,
        true,
        "share of memory",
    ),
    col(
        C::Time,
        "time",
        &["cputime"],
        "TIME+",
        9,
        true,
        "CPU time used",
    ),
    col(
        C::Start,
        "start",
        &["start-time", "stime", "lstart"],
        "START",
        5,
        true,
        "when it started",
    ),
    col(
        C::Nlwp,
        "nlwp",
        &["thcount", "threads"],
        "NLWP",
        4,
        true,
        "threads",
    ),
    col(
        C::Processor,
        "psr",
        &["processor"],
        "CPU",
        3,
        true,
        "CPU it last ran on",
    ),
    col(
        C::IoRead,
        "io-read",
        &["io-read-rate", "rbytes"],
        "IOR/s",
        6,
        true,
        "bytes read from storage a second",
    ),
    col(
        C::IoWrite,
        "io-write",
        &["io-write-rate", "wbytes"],
        "IOW/s",
        6,
        true,
        "bytes written to storage a second",
    ),
    col(
        C::MinFlt,
        "minflt",
        &["min-flt"],
        "MINF/s",
        6,
        true,
        "minor page faults a second",
    ),
    col(
        C::MajFlt,
        "majflt",
        &["maj-flt"],
        "MAJF/s",
        6,
        true,
        "major page faults (with I/O) a second",
    ),
    col(
        C::CtxSw,
        "ctxsw",
        &["csw"],
        "CSW/s",
        6,
        true,
        "context switches a second (main thread)",
    ),
    col(
        C::Oom,
        "oom",
        &["oom-score"],
        "OOM",
        4,
        true,
        "OOM killer's score",
    ),
    col(
        C::Qos,
        "qos",
        &["qos-class"],
        "QOS",
        7,
        false,
        "QoS: main thread's tier/where its CPU went (macOS)",
    ),
    col(
        C::Bg,
        "bg",
        &["background", "darwinbg"],
        "BG",
        2,
        false,
        "in darwin background (macOS)",
    ),
    col(
        C::Footprint,
        "footprint",
        &["foot", "phys-footprint"],
        "FOOT",
        6,
        true,
        "physical footprint (macOS)",
    ),
    col(
        C::Energy,
        "energy",
        &["power", "billed-energy"],
        "ENERGY",
        6,
        true,
        "energy billed a second (macOS)",
    ),
    col(
        C::CpuHistory,
        "cpu-history",
        &["%cpu-history", "cpu-spark"],
        "CPU-HIST",
        SPARK_WIDTH,
        false,
        "CPU use over the last refreshes (TUI only)",
    ),
    col(
        C::Why,
        "why",
        &[],
        "WHY",
        11,
        false,
        "why it is not running",
    ),
    col(
        C::Command,
        "command",
        &["cmd", "args", "comm"],
        "COMMAND",
        0,
        false,
        "command line",
    ),
];

/// Cells of the CPU history sparkline: a refresh each, the newest at the right.
pub(crate) const SPARK_WIDTH: u16 = 8;

/// The table without a config: htop's columns, and WHY.
pub(crate) const DEFAULT: [SortColumn; 12] = [
    C::Pid,
    C::User,
    C::Priority,
    C::Nice,
    C::Virt,
    C::Res,
    C::State,
    C::Cpu,
    C::Mem,
    C::Time,
    C::Why,
    C::Command,
];

/// The registry's entry for a column (each has one: a unit test holds it).
pub(crate) fn spec(id: SortColumn) -> &'static ColumnSpec {
    REGISTRY
        .iter()
        .find(|c| c.id == id)
        .unwrap_or(&REGISTRY[REGISTRY.len() - 1])
}

pub fn title(id: SortColumn) -> &'static str {
    spec(id).title
}

pub fn name(id: SortColumn) -> &'static str {
    spec(id).name
}

/// A column by any of its names or its title, case-insensitive, `_` as `-`
/// (`ppid`, `%cpu`, `CPU%`, `rss`, `time+`, `min_flt`).
pub fn parse(s: &str) -> Option<SortColumn> {
    let s = s.trim().to_ascii_lowercase().replace('_', "-");
    let by_name = REGISTRY
        .iter()
        .find(|c| c.name == s || c.aliases.contains(&s.as_str()));
    // Titles after names: PSR's title CPU must not take `cpu` from %CPU.
    by_name
        .or_else(|| REGISTRY.iter().find(|c| c.title.eq_ignore_ascii_case(&s)))
        .map(|c| c.id)
}

/// `parse`, with an error that names the value and the columns there are.
pub fn named(s: &str) -> Result<SortColumn, UnknownColumn> {
    parse(s).ok_or_else(|| UnknownColumn {
        index: 0,
        name: s.to_string(),
    })
}

/// Every column's name, for messages: `pid, ppid, ...`.
pub fn names() -> String {
    let all: Vec<&str> = REGISTRY.iter().map(|c| c.name).collect();
    all.join(", ")
}

/// A name that is no column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown column {name:?}; one of: {}", names())]
pub struct UnknownColumn {
    /// Its place in the list.
    pub index: usize,
    pub name: String,
}

/// A config's list of names as columns; each at most once.
pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<SortColumn>, UnknownColumn> {
    let mut out = Vec::with_capacity(names.len());
    for (index, n) in names.iter().enumerate() {
        let id = parse(n.as_ref()).ok_or_else(|| UnknownColumn {
            index,
            name: n.as_ref().to_string(),
        })?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// What the platform must read for these columns beyond the usual:
/// (storage I/O counters, OOM score).
pub(crate) fn extra_reads(cols: &[SortColumn]) -> (bool, bool) {
    (
        cols.iter().any(|c| matches!(c, C::IoRead | C::IoWrite)),
        cols.contains(&C::Oom),
    )
}

/// COMMAND is the column people read; on a narrow terminal these give way to
/// it, first to last, until it has `MIN_COMMAND` cells.
const GIVE_WAY: [SortColumn; 4] = [C::Priority, C::Virt, C::Nice, C::Mem];
const MIN_COMMAND: u16 = 24;

/// Start x and width of each of `cols` for a table `total` cells wide; a
/// column given way to COMMAND has width 0. COMMAND takes what the others
/// leave, at least `MIN_COMMAND`; a line wider than the table runs past its
/// right edge, where Right scrolls to.
pub(crate) fn positions(cols: &[SortColumn], total: u16) -> Vec<(u16, u16)> {
    let fixed = |hidden: &[SortColumn]| -> u16 {
        cols.iter()
            .map(|c| spec(*c))
            .filter(|c| c.width > 0 && !hidden.contains(&c.id))
            .map(|c| c.width + 1)
            .sum()
    };
    let flexible = cols.iter().any(|c| spec(*c).width == 0);
    let mut hidden = 0;
    while flexible
        && hidden < GIVE_WAY.len()
        && total.saturating_sub(fixed(&GIVE_WAY[..hidden])) < MIN_COMMAND
    {
        hidden += 1;
    }
    let hidden = &GIVE_WAY[..hidden];
    let rest = total.saturating_sub(fixed(hidden)).max(MIN_COMMAND);
    let mut x = 0u16;
    cols.iter()
        .map(|c| {
            if hidden.contains(c) {
                return (x, 0);
            }
            let w = match spec(*c).width {
                0 => rest,
                w => w,
            };
            let at = x;
            x = x.saturating_add(w + 1);
            (at, w)
        })
        .collect()
}

/// The column under a click at `x` (relative to the line's start).
pub(crate) fn column_at(cols: &[SortColumn], total: u16, x: u16) -> Option<SortColumn> {
    positions(cols, total)
        .into_iter()
        .zip(cols)
        .find(|((at, w), _)| *w > 0 && x >= *at && x <= at + w)
        .map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_one_entry_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in REGISTRY {
            assert_eq!(spec(c.id).name, c.name);
            for n in std::iter::once(&c.name).chain(c.aliases) {
                assert!(seen.insert(*n), "{n} twice");
                assert_eq!(parse(n), Some(c.id), "{n}");
            }
        }
        assert_eq!(REGISTRY.len(), 32);
    }

    #[test]
    fn names_as_ps_and_htop_spell_them() {
        assert_eq!(parse("PPID"), Some(C::Ppid));
        assert_eq!(parse("pgrp"), Some(C::Pgrp));
        assert_eq!(parse("%cpu"), Some(C::Cpu));
        assert_eq!(parse("cpu"), Some(C::Cpu), "%CPU keeps `cpu`");
        assert_eq!(parse("CPU%"), Some(C::Cpu));
        assert_eq!(parse("psr"), Some(C::Processor));
        assert_eq!(parse("time+"), Some(C::Time));
        assert_eq!(parse("mem_bytes"), Some(C::Res));
        assert_eq!(parse("min_flt"), Some(C::MinFlt));
        assert_eq!(parse("speed"), None);
        let e = parse_list(&["pid", "fan"]).unwrap_err();
        assert_eq!(e.index, 1);
        assert!(
            e.to_string()
                .starts_with("unknown column \"fan\"; one of: pid, ppid")
        );
        assert_eq!(
            parse_list(&["pid", "PID", "nlwp"]).unwrap(),
            [C::Pid, C::Nlwp]
        );
    }

    #[test]
    fn clicks_map_to_columns() {
        let d = &DEFAULT;
        assert_eq!(column_at(d, 120, 0), Some(C::Pid));
        assert_eq!(column_at(d, 120, 8), Some(C::User));
        let (cmd_x, cmd_w) = *positions(d, 120).last().unwrap();
        assert_eq!(cmd_x + cmd_w, 120);
        assert_eq!(column_at(d, 120, 119), Some(C::Command));
        let mine = [C::Pid, C::Ppid, C::Nlwp, C::Command];
        assert_eq!(column_at(&mine, 120, 9), Some(C::Ppid));
        assert_eq!(column_at(&mine, 120, 16), Some(C::Nlwp));
    }

    #[test]
    fn on_a_narrow_terminal_columns_give_way_to_the_command() {
        let d = &DEFAULT;
        let wide = positions(d, 120);
        assert!(wide.iter().all(|(_, w)| *w > 0), "all shown at 120");
        let narrow = positions(d, 80);
        let shown = |c: SortColumn| narrow[d.iter().position(|s| *s == c).unwrap()].1 > 0;
        assert!(!shown(C::Priority) && !shown(C::Virt));
        assert!(shown(C::Why) && shown(C::Cpu) && shown(C::Pid));
        let (cmd_x, cmd_w) = *narrow.last().unwrap();
        assert!(cmd_w >= MIN_COMMAND, "{cmd_w}");
        assert_eq!(cmd_x + cmd_w, 80);
        assert_eq!(column_at(d, 80, cmd_x + 1), Some(C::Command));
    }

    #[test]
    fn a_line_wider_than_the_table_runs_past_its_edge() {
        let all: Vec<SortColumn> = REGISTRY.iter().map(|c| c.id).collect();
        let pos = positions(&all, 80);
        let (cmd_x, cmd_w) = *pos.last().unwrap();
        assert!(cmd_x > 80 && cmd_w == MIN_COMMAND, "{cmd_x} {cmd_w}");
        // Without COMMAND nothing gives way.
        let no_cmd = [C::Pid, C::Priority, C::Virt];
        assert!(positions(&no_cmd, 10).iter().all(|(_, w)| *w > 0));
        assert_eq!(extra_reads(&all), (true, true));
        assert_eq!(extra_reads(&DEFAULT), (false, false));
    }
}
