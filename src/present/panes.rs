//! The lines of the capture and log panes: drawn by the ui, counted by the app
//! when it pages and moves the cursor, so both agree on what is where.

use super::{format, theme};
use crate::actions::capture::Capture;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use std::collections::HashSet;

/// Every line of the pane's body, and where each thread's heading is.
/// `result`: the finished capture (`None`: still starting); `raw`: its raw
/// text instead; `folded`: the threads shown folded; `cursor`: the thread the
/// cursor is on.
pub(crate) fn capture_lines(
    result: Option<&Capture>,
    raw: bool,
    folded: &HashSet<usize>,
    cursor: usize,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let Some(r) = result else {
        return (vec![Line::styled("starting…", theme::dim())], Vec::new());
    };
    if raw {
        let raw = r.raw.lines().map(|l| Line::raw(l.to_string())).collect();
        return (raw, Vec::new());
    }
    let mut headings = Vec::new();
    let mut out = vec![Line::from(vec![
        Span::styled(format!("stacks by {}", r.tool), theme::label()),
        Span::raw(
            r.saved
                .as_ref()
                .map(|p| format!("   saved: {}", p.display()))
                .unwrap_or_default(),
        ),
    ])];
    if let Some(w) = &r.why {
        out.push(Line::from(vec![
            Span::styled("why: ", theme::label()),
            Span::styled(
                w.main.reason.label().to_string(),
                theme::why((&w.main).into()),
            ),
            Span::raw(format!(
                ": {}{}",
                format::printable(&w.main.detail),
                if w.main.weak { " (weak evidence)" } else { "" }
            )),
        ]));
        if !w.main.decided_by.is_empty() {
            out.push(Line::from(vec![
                Span::styled("because: ", theme::label()),
                Span::raw(super::why_text::because_line(&w.main)),
            ]));
        }
    }
    for n in &r.notes {
        out.push(Line::styled(n.clone(), theme::dim()));
    }
    for (i, t) in r.tree.threads.iter().enumerate() {
        let is_folded = folded.contains(&i);
        headings.push(out.len());
        let head = format!(
            "{} thread {} {}  ({} frames)",
            if is_folded { "▸" } else { "▾" },
            t.id.map(|i| i.to_string()).unwrap_or_default(),
            t.name.as_deref().unwrap_or(""),
            t.frames.len()
        );
        out.push(if i == cursor {
            Line::styled(head, theme::selected())
        } else {
            Line::styled(head, theme::label())
        });
        if !is_folded {
            for f in t.frames.iter().take(8) {
                let loc = f
                    .location
                    .as_deref()
                    .map(|l| format!("  {l}"))
                    .unwrap_or_default();
                out.push(Line::from(vec![
                    Span::raw(format!("    {}", f.function)),
                    Span::styled(loc, theme::dim()),
                ]));
            }
            if r.tool != "kernel"
                && let Some(k) = r.kernel.summary_of(t.id)
            {
                out.push(Line::styled(format!("    kernel: {k}"), theme::dim()));
            }
        }
    }
    out.push(Line::styled("hottest frames", theme::label()));
    for (f, n) in r.tree.hottest(8) {
        out.push(Line::raw(format!("  {n:>4}  {f}")));
    }
    (out, headings)
}

/// Rows the capture pane's body has in `table` (below the gauge while a tool runs).
pub(crate) fn capture_body_rows(running: bool, table: Rect) -> usize {
    let inner = Block::default().borders(Borders::ALL).inner(table);
    let gauge = running;
    (inner.height as usize).saturating_sub(usize::from(gauge))
}

/// The pane's lines above the log itself: notes wrapped to `width`, and how
/// many lines the ring dropped.
pub(crate) fn log_head_lines(notes: &[String], dropped: u64, width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = notes
        .iter()
        .flat_map(|n| format::wrap(&format::printable(n), width as usize))
        .map(|n| Line::styled(n, theme::dim()))
        .collect();
    if dropped > 0 {
        lines.push(Line::styled(
            format!("({dropped} older lines dropped)"),
            theme::dim(),
        ));
    }
    lines
}

/// Rows left for log lines in `table` (what a page is when scrolling).
pub(crate) fn log_body_rows(notes: &[String], dropped: u64, table: Rect) -> usize {
    let inner = Block::default().borders(Borders::ALL).inner(table);
    (inner.height as usize).saturating_sub(log_head_lines(notes, dropped, inner.width).len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::why::{Evidence, StackLeaf, classify_process};

    #[test]
    fn the_capture_pane_leads_with_the_verdict_its_stacks_gave() {
        let main = Evidence {
            pid: 7,
            stack: Some(StackLeaf {
                word: "lock".into(),
                frame: "__psynch_cvwait".into(),
                weak: false,
                tool: "sample".into(),
            }),
            ..Default::default()
        };
        let c = Capture {
            pid: 7,
            tool: "sample".into(),
            tree: Default::default(),
            kernel: Default::default(),
            saved: None,
            notes: Vec::new(),
            exited: false,
            raw: String::new(),
            why: Some(classify_process(&main, &[])),
        };
        let (lines, _) = capture_lines(Some(&c), false, &HashSet::new(), 0);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert!(
            text[1].starts_with("why: lock: waiting on a lock"),
            "{text:?}"
        );
        assert!(text[1].contains("__psynch_cvwait"), "{text:?}");
        assert_eq!(text[2], "because: stack frame __psynch_cvwait (sample)");
    }
}
