//! The running stop: which step, time left, who is still alive.

use super::theme;
use crate::app::state::App;
use crate::platform::signals;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::present::layout::LADDER_SHOWN as SHOWN;

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let Some(l) = &app.ladder else {
        return Vec::new();
    };
    let left = l
        .until
        .saturating_duration_since(std::time::Instant::now())
        .as_secs_f64();
    let mut out = vec![Line::from(vec![
        Span::styled(
            format!("step {}/{} ", l.step + 1, l.policy.steps.len()),
            theme::label(),
        ),
        Span::styled(signals::name(l.signal), theme::error()),
        Span::raw(format!(
            ", {left:.0}s left; {} of {} alive  ",
            l.alive.len(),
            l.targets.len()
        )),
        Span::styled(" X ", theme::key()),
        Span::raw(" kill now "),
        Span::styled(" C ", theme::key()),
        Span::raw(" cancel"),
    ])];
    // The ones still alive first: they are what the user is waiting for.
    let mut order: Vec<&crate::app::state::Target> = l.targets.iter().collect();
    order.sort_by_key(|t| !l.alive.contains(&t.key));
    let shown = if order.len() > SHOWN + 1 {
        SHOWN
    } else {
        order.len()
    };
    for t in &order[..shown] {
        let state = match l.exited.iter().find(|(k, _)| *k == t.key) {
            Some((_, step)) => format!("gone at step {}", step + 1),
            None if l.alive.contains(&t.key) => "alive".to_string(),
            None => "not signalled (gone or refused)".to_string(),
        };
        out.push(Line::raw(format!(
            "{:>7}  {:<28} {}",
            t.key.pid,
            state,
            super::format::printable(&t.command)
        )));
    }
    if shown < order.len() {
        let rest = &order[shown..];
        let alive = rest.iter().filter(|t| l.alive.contains(&t.key)).count();
        out.push(Line::styled(
            format!("         … {} more, {alive} of them alive", rest.len()),
            theme::dim(),
        ));
    }
    out
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let block = Block::default().borders(Borders::TOP).title(Span::styled(
        format!(
            " Stopping: {} ",
            app.ladder
                .as_ref()
                .map(|l| l.policy.describe())
                .unwrap_or_default()
        ),
        theme::error(),
    ));
    f.render_widget(Paragraph::new(lines(app)).block(block), area);
}
