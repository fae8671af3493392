//! The stop confirmation: exactly which processes, with what ladder.

use super::{format, theme};
use crate::app::state::{App, PendingStop, TaggedChange, TaggedPlan};
use crate::platform::signals;
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
                theme::error(),
            ),
            Span::raw(format!(" with {}", app.policy.describe())),
        ]),
        Line::raw(if p.tagged {
            "the tagged processes, each alone:"
        } else if p.tree {
            "the process and its descendants, children first:"
        } else {
            "this process only:"
        }),
        Line::raw(""),
    ];
    // Shown parent first, as the tree reads; the ladder signals the deepest first.
    let mut shown: Vec<_> = p.targets.iter().collect();
    shown.sort_by_key(|t| t.depth);
    for t in shown.iter().take(SHOWN) {
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
    if n > SHOWN {
        out.push(Line::styled(
            format!("… and {} more", n - SHOWN),
            theme::dim(),
        ));
    }
    for (t, ppid) in &p.dropped {
        out.push(Line::styled(
            format!(
                "{:>7}  left out: no longer a descendant (parent now {ppid})  {}",
                t.key.pid,
                format::printable(&t.command)
            ),
            theme::dim(),
        ));
    }
    out.push(Line::raw(""));
    if p.tagged {
        out.push(yes_no("stop"));
        return out;
    }
    out.push(Line::from(vec![
        Span::styled(" y ", theme::key()),
        Span::raw(" stop  "),
        Span::styled(" n ", theme::key()),
        Span::raw(" cancel  "),
        Span::styled(" t ", theme::key()),
        Span::raw(if p.tree {
            " this process only"
        } else {
            " with descendants"
        }),
    ]));
    out
}

/// Targets listed before the rest are counted.
const SHOWN: usize = 12;

fn yes_no(what: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(" y ", theme::key()),
        Span::raw(format!(" {what}  ")),
        Span::styled(" n ", theme::key()),
        Span::raw(" cancel"),
    ])
}

/// A signal, nice or scheduling change for the tagged processes: what, and
/// exactly which processes, by pid and name.
pub(crate) fn tagged_lines(p: &TaggedPlan) -> Vec<Line<'static>> {
    let n = p.targets.len();
    let what = match p.change {
        TaggedChange::Signal(s) => format!("Send {}", signals::name(s)),
        TaggedChange::NiceBy(by) => format!("Nice {by:+}"),
        TaggedChange::NiceTo(to) => format!("Set nice {to}"),
        TaggedChange::NextPolicy => "Next CPU policy".to_string(),
        TaggedChange::NextIo => "Next I/O class".to_string(),
    };
    let mut out = vec![
        Line::styled(
            format!(
                "{what} for {n} tagged process{}",
                if n == 1 { "" } else { "es" }
            ),
            theme::error(),
        ),
        Line::raw(""),
    ];
    for t in p.targets.iter().take(SHOWN) {
        out.push(Line::raw(format!(
            "{:>7}  {}",
            t.key.pid,
            format::printable(&t.command)
        )));
    }
    if n > SHOWN {
        out.push(Line::styled(
            format!("… and {} more", n - SHOWN),
            theme::dim(),
        ));
    }
    out.push(Line::raw(""));
    out.push(yes_no("do it"));
    out
}

pub fn render(app: &App, p: &PendingStop, f: &mut Frame, area: Rect) {
    draw(lines(app, p), f, area);
}

pub(crate) fn render_tagged(p: &TaggedPlan, f: &mut Frame, area: Rect) {
    draw(tagged_lines(p), f, area);
}

fn draw(text: Vec<Line<'static>>, f: &mut Frame, area: Rect) {
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
