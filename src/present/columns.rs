//! The table's columns: title, width, alignment and the sort key behind each.

use crate::model::sort::SortColumn;

#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    pub sort: SortColumn,
    /// 0: takes the rest of the line.
    pub width: u16,
    pub right: bool,
}

pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        sort: SortColumn::Pid,
        width: 7,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::User,
        width: 9,
        right: false,
    },
    ColumnSpec {
        sort: SortColumn::Priority,
        width: 3,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::Nice,
        width: 3,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::Virt,
        width: 6,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::Res,
        width: 6,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::State,
        width: 1,
        right: false,
    },
    ColumnSpec {
        sort: SortColumn::Cpu,
        width: 5,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::Mem,
        width: 5,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::Time,
        width: 9,
        right: true,
    },
    ColumnSpec {
        sort: SortColumn::Why,
        width: 11,
        right: false,
    },
    ColumnSpec {
        sort: SortColumn::Command,
        width: 0,
        right: false,
    },
];

/// COMMAND is the column people read; on a narrow terminal these give way to
/// it, first to last, until it has `MIN_COMMAND` cells.
const GIVE_WAY: [SortColumn; 4] = [
    SortColumn::Priority,
    SortColumn::Virt,
    SortColumn::Nice,
    SortColumn::Mem,
];
const MIN_COMMAND: u16 = 24;

/// Start x and width of each column for a table `total` cells wide; a column
/// given way to COMMAND has width 0.
pub(crate) fn positions(total: u16) -> Vec<(u16, u16)> {
    let fixed = |hidden: &[SortColumn]| -> u16 {
        COLUMNS
            .iter()
            .filter(|c| c.width > 0 && !hidden.contains(&c.sort))
            .map(|c| c.width + 1)
            .sum()
    };
    let mut hidden = 0;
    while hidden < GIVE_WAY.len() && total.saturating_sub(fixed(&GIVE_WAY[..hidden])) < MIN_COMMAND
    {
        hidden += 1;
    }
    let hidden = &GIVE_WAY[..hidden];
    let mut x = 0u16;
    COLUMNS
        .iter()
        .map(|c| {
            if hidden.contains(&c.sort) {
                return (x, 0);
            }
            let w = if c.width == 0 {
                total.saturating_sub(x)
            } else {
                c.width.min(total.saturating_sub(x))
            };
            let at = x;
            x = x.saturating_add(w + 1).min(total);
            (at, w)
        })
        .collect()
}

/// The column under a click at `x` (relative to the table's left edge).
pub(crate) fn column_at(total: u16, x: u16) -> Option<SortColumn> {
    positions(total)
        .into_iter()
        .zip(COLUMNS)
        .find(|((at, w), _)| *w > 0 && x >= *at && x <= at + w)
        .map(|(_, c)| c.sort)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_map_to_columns() {
        assert_eq!(column_at(120, 0), Some(SortColumn::Pid));
        assert_eq!(column_at(120, 8), Some(SortColumn::User));
        let (cmd_x, cmd_w) = *positions(120).last().unwrap();
        assert_eq!(cmd_x + cmd_w, 120);
        assert_eq!(column_at(120, 119), Some(SortColumn::Command));
    }

    #[test]
    fn on_a_narrow_terminal_columns_give_way_to_the_command() {
        let wide = positions(120);
        assert!(wide.iter().all(|(_, w)| *w > 0), "all shown at 120");
        let narrow = positions(80);
        let shown = |c: SortColumn| narrow[COLUMNS.iter().position(|s| s.sort == c).unwrap()].1 > 0;
        assert!(!shown(SortColumn::Priority) && !shown(SortColumn::Virt));
        assert!(shown(SortColumn::Why) && shown(SortColumn::Cpu) && shown(SortColumn::Pid));
        let (cmd_x, cmd_w) = *narrow.last().unwrap();
        assert!(cmd_w >= MIN_COMMAND, "{cmd_w}");
        assert_eq!(cmd_x + cmd_w, 80);
        assert_eq!(column_at(80, cmd_x + 1), Some(SortColumn::Command));
    }
}
