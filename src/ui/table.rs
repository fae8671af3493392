//! The process table: column titles, one line per view row, the cursor highlighted.

use super::columns::{COLUMNS, positions};
use super::{format, theme};
use crate::app::state::App;
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
    let pos = positions(area.width);
    // The line as if `h` cells wider, its first `h` cells scrolled off the left.
    let h = app.ui.hscroll;
    let put = |buf: &mut Buffer, x: u16, y: u16, w: u16, text: &str, right: bool, style: Style| {
        put_scrolled(buf, area.x, x, y, w, text, right, style, h)
    };
    buf.set_style(Rect::new(area.x, area.y, area.width, 1), theme::TITLE);
    for ((x, w), c) in pos.iter().zip(COLUMNS).filter(|((_, w), _)| *w > 0) {
        let mut title = c.sort.title().to_string();
        let sorted = c.sort == app.opts.sort;
        if sorted {
            title.push(if app.opts.descending { '▽' } else { '△' });
        }
        let style = if sorted {
            theme::TITLE_SORTED
        } else {
            theme::TITLE
        };
        // A narrow column (PRI, S) lends its arrow the separator beside it.
        let (mut x, mut w) = (*x, *w);
        if title.chars().count() > w as usize {
            if c.right && x > 0 {
                x -= 1;
            }
            w += 1;
        }
        put(buf, x, area.y, w, &title, c.right, style);
    }
    let rows = area.height as usize - 1;
    let t = &app.table;
    for (line, vr) in app.view.iter().skip(app.ui.scroll).take(rows).enumerate() {
        let y = area.y + 1 + line as u16;
        let p = &t.snapshot.procs[vr.idx];
        let s = t.stats[vr.idx];
        let selected = app.ui.scroll + line == app.ui.cursor;
        let tagged = app.ui.tagged.contains(&p.key());
        let base = match (selected, tagged) {
            (true, false) => theme::SELECTED,
            (true, true) => theme::SELECTED.add_modifier(Modifier::BOLD),
            (false, true) => theme::TAGGED,
            (false, false) => Style::new(),
        };
        buf.set_style(Rect::new(area.x, y, area.width, 1), base);
        let user = p.user.as_deref().unwrap_or("?");
        let why = t.snapshot.why.get(vr.idx).copied();
        let why_cell = match why {
            Some(w) => (w.text(), if selected { base } else { theme::why(w) }),
            None => (String::new(), base),
        };
        let cells: [(String, Style); 11] = [
            (p.pid.to_string(), base),
            (user.to_string(), base),
            (
                if p.priority <= -100 {
                    "RT".into()
                } else {
                    p.priority.to_string()
                },
                base,
            ),
            (p.nice.to_string(), base),
            (format::bytes(p.vsz_bytes), base),
            (format::bytes(p.rss_bytes), base),
            (
                p.state.letter().to_string(),
                if selected {
                    base
                } else {
                    theme::state(p.state)
                },
            ),
            (format!("{:.1}", s.cpu_percent), base),
            (format!("{:.1}", s.mem_percent), base),
            (format::cpu_time(p.cpu_ns), base),
            why_cell,
        ];
        for (((x, w), c), (text, style)) in pos.iter().zip(COLUMNS).zip(cells.iter()) {
            put(buf, *x, y, *w, text, c.right, *style);
        }
        let (x, w) = pos[COLUMNS.len() - 1];
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
        let style = if selected || tagged || !p.kernel_thread {
            base
        } else {
            theme::DIM
        };
        // COMMAND reaches past the screen's edge by as much as the line scrolled.
        put(buf, x, y, w.saturating_add(h), &cmd, false, style);
        // The mark in the PID cell's first place, free unless the pid takes
        // all seven: seen without colour too.
        if tagged && pos[0].1 > 0 && p.pid < 1_000_000 {
            put(buf, 0, y, 1, "*", false, base);
        }
    }
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
    left: u16,
    x: u16,
    y: u16,
    w: u16,
    text: &str,
    right: bool,
    style: Style,
    h: u16,
) {
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
