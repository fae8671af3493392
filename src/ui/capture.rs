//! The capture pane: a gauge while the tool runs, then threads (foldable) with
//! their top frames and the hottest frames; `R` shows the raw text.

use super::theme;
use crate::actions::capture::Progress;
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph};

/// The lines from `scroll` on, as drawn.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let scroll = app.capture.as_ref().map_or(0, |c| c.scroll);
    let (all, _) = all_lines(app);
    all.into_iter().skip(scroll).collect()
}

/// Every line of the pane's body, and where each thread's heading is.
pub fn all_lines(app: &App) -> (Vec<Line<'static>>, Vec<usize>) {
    let Some(c) = &app.capture else {
        return Default::default();
    };
    let Some(r) = &c.result else {
        return (vec![Line::styled("starting…", theme::DIM)], Vec::new());
    };
    if c.raw {
        let raw = r.raw.lines().map(|l| Line::raw(l.to_string())).collect();
        return (raw, Vec::new());
    }
    let mut headings = Vec::new();
    let mut out = vec![Line::from(vec![
        Span::styled(format!("stacks by {}", r.tool), theme::LABEL),
        Span::raw(
            r.saved
                .as_ref()
                .map(|p| format!("   saved: {}", p.display()))
                .unwrap_or_default(),
        ),
    ])];
    for n in &r.notes {
        out.push(Line::styled(n.clone(), theme::DIM));
    }
    for (i, t) in r.tree.threads.iter().enumerate() {
        let folded = c.folded.contains(&i);
        headings.push(out.len());
        let head = format!(
            "{} thread {} {}  ({} frames)",
            if folded { "▸" } else { "▾" },
            t.id.map(|i| i.to_string()).unwrap_or_default(),
            t.name.as_deref().unwrap_or(""),
            t.frames.len()
        );
        out.push(if i == c.cursor {
            Line::styled(head, theme::SELECTED)
        } else {
            Line::styled(head, theme::LABEL)
        });
        if !folded {
            for f in t.frames.iter().take(8) {
                let loc = f
                    .location
                    .as_deref()
                    .map(|l| format!("  {l}"))
                    .unwrap_or_default();
                out.push(Line::from(vec![
                    Span::raw(format!("    {}", f.function)),
                    Span::styled(loc, theme::DIM),
                ]));
            }
            if r.tool != "kernel"
                && let Some(k) = r.kernel.summary_of(t.id)
            {
                out.push(Line::styled(format!("    kernel: {k}"), theme::DIM));
            }
        }
    }
    out.push(Line::styled("hottest frames", theme::LABEL));
    for (f, n) in r.tree.hottest(8) {
        out.push(Line::raw(format!("  {n:>4}  {f}")));
    }
    (out, headings)
}

/// Rows the body has at the current size (below the gauge while a tool runs).
pub fn body_rows(app: &App) -> usize {
    let inner = Block::default()
        .borders(Borders::ALL)
        .inner(super::layout::areas(app).table);
    let gauge = app.capture.as_ref().is_some_and(|c| c.running.is_some());
    (inner.height as usize).saturating_sub(usize::from(gauge))
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(c) = &app.capture else { return };
    f.render_widget(Clear, area);
    let title = format!(
        " Stacks of {} (R raw, Space folds, c cancels, Esc closes) ",
        c.title
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme::LABEL));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut body = inner;
    if let Some(Progress::Running { tool, left, total }) = &c.running {
        let (left, total) = (left.as_secs_f64(), total.as_secs_f64().max(0.001));
        let g = Gauge::default()
            .gauge_style(theme::METER_MID)
            .ratio((1.0 - left / total).clamp(0.0, 1.0))
            .label(format!("{tool}: {left:.0}s left"));
        f.render_widget(g, Rect::new(inner.x, inner.y, inner.width, 1));
        body = Rect::new(
            inner.x,
            inner.y + 1,
            inner.width,
            inner.height.saturating_sub(1),
        );
    }
    f.render_widget(Paragraph::new(lines(app)), body);
}
