//! The stop confirmation: exactly which processes, with what ladder.

use super::{format, theme};
use crate::app::state::{App, PendingStop};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn lines(app: &App, p: &PendingStop) -> Vec<Line<'static>> {
    let n = p.targets.len();
    let mut out = vec![
        Line::from(vec![
            Span::styled(
                format!("Stop {n} process{}", if n == 1 { "" } else { "es" }),
                theme::ERROR,
            ),
            Span::raw(format!(" with {}", app.policy.describe())),
        ]),
        Line::raw(if p.tree {
            "the process and its descendants, children first:"
        } else {
            "this process only:"
        }),
        Line::raw(""),
    ];
    // Shown parent first, as the tree reads; the ladder signals the deepest first.
    let mut shown: Vec<_> = p.targets.iter().collect();
    shown.sort_by_key(|t| t.depth);
    for t in shown.iter().take(12) {
        let kids = match t.descendants {
            0 => String::new(),
            1 => "1 descendant".to_string(),
            n => format!("{n} descendants"),
        };
        out.push(Line::raw(format!(
            "{:>7}  {kids:<15} {}{}",
            t.key.pid,
            "  ".repeat(t.depth as usize),
            format::printable(&t.command)
        )));
    }
    if n > 12 {
        out.push(Line::styled(format!("… and {} more", n - 12), theme::DIM));
    }
    for (t, ppid) in &p.dropped {
        out.push(Line::styled(
            format!(
                "{:>7}  left out: no longer a descendant (parent now {ppid})  {}",
                t.key.pid,
                format::printable(&t.command)
            ),
            theme::DIM,
        ));
    }
    out.push(Line::raw(""));
    out.push(Line::from(vec![
        Span::styled(" y ", theme::KEY),
        Span::raw(" stop  "),
        Span::styled(" n ", theme::KEY),
        Span::raw(" cancel  "),
        Span::styled(" t ", theme::KEY),
        Span::raw(if p.tree {
            " this process only"
        } else {
            " with descendants"
        }),
    ]));
    out
}

pub fn render(app: &App, p: &PendingStop, f: &mut Frame, area: Rect) {
    let text = lines(app, p);
    let w = area.width.min(90);
    let h = (text.len() as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height.saturating_sub(h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(text).block(Block::default().borders(Borders::ALL).title(" Confirm ")),
        r,
    );
}
