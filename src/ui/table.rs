//! The process table: column titles, one line per view row, the cursor highlighted.

use super::columns::{positions, spec};
use super::{format, theme};
use crate::app::state::App;
use crate::model::sort::SortColumn;
use crate::present::cells::{self, Row};
use crate::present::graph;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    draw(app, f.buffer_mut(), area);
}

/// Draws straight into the buffer: the table is the hot path of a frame.
pub fn draw(app: &App, buf: &mut Buffer, area: Rect) {
    if area.height == 0 {
        return;
    }
    let cols = &app.columns;
    let pos = positions(cols, area.width);
    // The line as if `h` cells wider, its first `h` cells scrolled off the left.
    let h = app.ui.hscroll;
    let put = |buf: &mut Buffer, x: u16, y: u16, w: u16, text: &str, right: bool, style: Style| {
        put_scrolled(buf, area, x, y, w, text, right, style, h)
    };
    buf.set_style(Rect::new(area.x, area.y, area.width, 1), theme::title());
    for ((x, w), c) in pos.iter().zip(cols).filter(|((_, w), _)| *w > 0) {
        let spec = spec(*c);
        let mut title = spec.title.to_string();
        let sorted = *c == app.opts.sort;
        if sorted {
            title.push(if app.opts.descending { '▽' } else { '△' });
        }
        let style = if sorted {
            theme::title_sorted()
        } else {
            theme::title()
        };
        // A narrow column (PRI, S) lends its arrow the separator beside it.
        let (mut x, mut w) = (*x, *w);
        if title.chars().count() > w as usize {
            if spec.right && x > 0 {
                x -= 1;
            }
            w += 1;
        }
        put(buf, x, area.y, w, &title, spec.right, style);
    }
    let rows = area.height as usize - 1;
    let t = &app.table;
    let pid_x = cols
        .iter()
        .position(|c| *c == SortColumn::Pid)
        .and_then(|i| (pos[i].1 > 0).then_some(pos[i].0));
    // One buffer for every row's sparkline, made once a frame.
    let mut spark = String::new();
    let mono = app.colourless();
    for (line, vr) in app.view.iter().skip(app.ui.scroll).take(rows).enumerate() {
        let y = area.y + 1 + line as u16;
        let p = &t.snapshot.procs[vr.idx];
        let selected = app.ui.scroll + line == app.ui.cursor;
        let tagged = app.ui.tagged.contains(&p.key());
        let base = match (selected, tagged) {
            (true, false) => theme::selected(),
            (true, true) => theme::selected().add_modifier(Modifier::BOLD),
            (false, true) => theme::tagged(),
            (false, false) => Style::new(),
        };
        buf.set_style(Rect::new(area.x, y, area.width, 1), base);
        let row = Row {
            p,
            s: &t.stats[vr.idx],
            why: t.snapshot.why.get(vr.idx).copied(),
            now: t.snapshot.taken_at,
        };
        for ((x, w), c) in pos.iter().zip(cols) {
            if *w == 0 {
                continue;
            }
            if *c == SortColumn::Command {
                let cmd = command_cell(app, vr, p);
                let style = if selected || tagged || !p.kernel_thread {
                    base
                } else {
                    theme::dim()
                };
                // COMMAND reaches past the screen's edge by as much as the line scrolled.
                put(buf, *x, y, w.saturating_add(h), &cmd, false, style);
                continue;
            }
            if *c == SortColumn::CpuHistory {
                sparkline(app, p, *w as usize, mono, &mut spark);
                let style = if selected { base } else { theme::meter_low() };
                put(buf, *x, y, *w, &spark, false, style);
                continue;
            }
            let style = match (*c, row.why) {
                _ if selected => base,
                (SortColumn::State, _) => theme::state(p.state),
                (SortColumn::Why, Some(w)) => theme::why(w),
                _ => base,
            };
            put(
                buf,
                *x,
                y,
                *w,
                &cells::text(*c, &row),
                spec(*c).right,
                style,
            );
        }
        // The mark in the PID cell's first place, free unless the pid takes
        // all seven: seen without colour too.
        if tagged && p.pid < 1_000_000 {
            put(buf, pid_x.unwrap_or(0), y, 1, "*", false, base);
        }
    }
}

/// The CPU history cell of `p`, `w` refreshes, into `out`: the newest at the
/// right; empty for a row with no history (a thread: the history is kept
/// per process). Each cell is one core's worth of CPU at most.
fn sparkline(app: &App, p: &crate::model::ProcSample, w: usize, mono: bool, out: &mut String) {
    out.clear();
    let Some(h) = p
        .tgid
        .is_none()
        .then(|| app.history.process(p.key()))
        .flatten()
    else {
        return;
    };
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(h.len())));
    out.extend(
        h.newest(w)
            .map(|pt| graph::spark(pt.cpu_percent(), 100.0, mono)),
    );
}

/// COMMAND as the table shows it: tree branches, a thread's name, the
/// program's basename when `p` asked for it, secrets redacted.
fn command_cell(
    app: &App,
    vr: &crate::model::view::ViewRow,
    p: &crate::model::ProcSample,
) -> String {
    let mut cmd = vr.tree_prefix();
    if p.tgid.is_some() {
        cmd.push_str(&format::printable(&p.comm));
        cmd.push_str(" (thread)");
    } else {
        let full = p.command();
        let shown = if app.ui.program_name_only && !p.kernel_thread {
            name_only(&full)
        } else {
            &full
        };
        cmd.push_str(&format::shown_command(shown));
    }
    cmd
}

/// A command line with its program's directory taken off (`/usr/bin/python3
/// x.py` -> `python3 x.py`).
fn name_only(cmd: &str) -> &str {
    let program = cmd.split(' ').next().unwrap_or(cmd);
    match program.rfind('/') {
        Some(i) => &cmd[i + 1..],
        None => cmd,
    }
}

/// `put` for a cell at `x` of a line scrolled `h` cells to the left: what
/// falls left of the edge is cut off.
#[allow(clippy::too_many_arguments)] // put's arguments plus where the line starts and its shift
fn put_scrolled(
    buf: &mut Buffer,
    area: Rect,
    x: u16,
    y: u16,
    w: u16,
    text: &str,
    right: bool,
    style: Style,
    h: u16,
) {
    let left = area.x;
    // A line wider than the table is cut at its right edge.
    let w = w.min((area.width + h).saturating_sub(x));
    if h == 0 {
        return put(buf, left + x, y, w, text, right, style);
    }
    if x.saturating_add(w) <= h {
        return;
    }
    let len = text.chars().count() as u16;
    let pad = if right && len < w { w - len } else { 0 };
    let skip = h.saturating_sub(x);
    let laid: String = std::iter::repeat_n(' ', pad as usize)
        .chain(text.chars())
        .skip(skip as usize)
        .collect();
    // Padding is not drawn, as `put` does not draw it.
    let lead = laid.chars().take_while(|c| *c == ' ').count() as u16;
    let room = w - skip;
    if lead < room {
        let at = left + x.saturating_sub(h) + lead;
        buf.set_stringn(at, y, &laid[lead as usize..], (room - lead) as usize, style);
    }
}

/// Writes `text` in a `w`-wide cell, clipped, right-aligned when asked.
fn put(buf: &mut Buffer, x: u16, y: u16, w: u16, text: &str, right: bool, style: Style) {
    if w == 0 {
        return;
    }
    let len = text.chars().count() as u16;
    let x = if right && len < w { x + (w - len) } else { x };
    buf.set_stringn(x, y, text, w as usize, style);
}
