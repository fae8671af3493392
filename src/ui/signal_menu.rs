//! F9: every signal by name and number, sent to the selected process or its group.

use super::{format, theme};
use crate::app::state::App;
use crate::platform::signals;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(app: &App, cursor: usize, group: bool, f: &mut Frame, area: Rect) {
    let all = signals::all();
    let mut lines = targets(app, group);
    lines.push(Line::styled("g: process/group", theme::dim()));
    let head = lines.len() as u16 + 2;
    let h = area.height.min(all.len() as u16 + head);
    let visible = h.saturating_sub(head) as usize;
    let first = cursor.saturating_sub(visible.saturating_sub(1));
    for (i, (name, num)) in all.iter().enumerate().skip(first).take(visible) {
        let text = format!("{num:>3} SIG{name:<8}");
        lines.push(if i == cursor {
            Line::styled(text, theme::selected())
        } else {
            Line::raw(text)
        });
    }
    let r = Rect::new(area.x, area.y, 34.min(area.width), h);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Send signal "),
        ),
        r,
    );
}

/// Who the signal reaches: the process, or every member of its group (the
/// group is shown before it is signalled, as a stop shows its targets).
fn targets(app: &App, group: bool) -> Vec<Line<'static>> {
    if !app.ui.tagged.is_empty() {
        return tagged(app);
    }
    let Some(p) = app.selected_sample() else {
        return Vec::new();
    };
    if !group {
        let who = format!("to {} {}", p.pid, format::printable(&p.comm));
        return vec![Line::styled(who, theme::label())];
    }
    let members: Vec<_> = app
        .table
        .snapshot
        .procs
        .iter()
        .filter(|q| q.tgid.is_none() && q.pgid == p.pgid)
        .collect();
    let mut out = vec![Line::styled(
        format!("to group {}: {} process(es)", p.pgid, members.len()),
        theme::label(),
    )];
    for q in members.iter().take(GROUP_SHOWN) {
        out.push(Line::raw(format!(
            "{:>7} {}",
            q.pid,
            format::printable(&q.comm)
        )));
    }
    if members.len() > GROUP_SHOWN {
        out.push(Line::styled(
            format!("        … {} more", members.len() - GROUP_SHOWN),
            theme::dim(),
        ));
    }
    out
}

const GROUP_SHOWN: usize = 4;

/// Every tagged process, by pid and name: the menu's Enter sends to them all.
fn tagged(app: &App) -> Vec<Line<'static>> {
    let t = &app.table;
    let mut out = vec![Line::styled(
        format!("to {} tagged:", app.ui.tagged.len()),
        theme::label(),
    )];
    for key in app.ui.tagged.iter().take(TAGGED_SHOWN) {
        let name = t
            .find(*key)
            .map(|i| format::printable(&t.snapshot.procs[i].comm))
            .unwrap_or_default();
        out.push(Line::raw(format!("{:>7} {name}", key.pid)));
    }
    if app.ui.tagged.len() > TAGGED_SHOWN {
        out.push(Line::styled(
            format!("        … {} more", app.ui.tagged.len() - TAGGED_SHOWN),
            theme::dim(),
        ));
    }
    out
}

const TAGGED_SHOWN: usize = 8;
