//! The Ended view: processes that exited while whytop watched, newest first:
//! when, after how long, how, their last WHY word, CPU time and peak RSS;
//! the table's filter applies to it too.

use super::{format, theme};
use crate::app::state::App;
use crate::model::ending::{self, LadderStop};
use crate::model::history::{Ended, why_since};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The view's lines: a heading, one line per ended process, then what the
/// refreshes never saw.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let snap = &app.table.snapshot;
    let now = snap.taken_at;
    let head = format!(
        "{:<9} {:>5} {:>7} {:>8}  {:<HOW_WIDTH$} {:<10}  {:>8} {:>9}  COMMAND",
        "ENDED", "AGO", "PID", "LIVED", "HOW", "LAST WHY", "CPU TIME", "PEAK RSS"
    );
    let mut out = vec![Line::styled(head, theme::label())];
    // The filter in force applies here too (its WHY word: the last one).
    let filter = app.opts.filter.as_ref();
    let mut ended: Vec<&Ended> = app
        .history
        .ended()
        .iter()
        .filter(|e| match (filter, &e.last) {
            (None, _) => true,
            (Some(f), Some(p)) => f.matches(p, Some(&why_since(&e.history).0)),
            (Some(_), None) => false,
        })
        .collect();
    // Newest end first; the kernel's time where it said, else the last sighting.
    ended.sort_by(|a, b| ended_at(b).total_cmp(&ended_at(a)));
    if ended.is_empty() {
        let none = match (filter.is_some(), app.replay.is_some()) {
            (true, false) => "nothing that matches the filter has ended since whytop started",
            (false, false) => "nothing has ended since whytop started",
            (true, true) => {
                "nothing that matches the filter ended in the recorded minutes before this moment"
            }
            (false, true) => "nothing ended in the recorded minutes before this moment",
        };
        out.push(Line::styled(none, theme::dim()));
    }
    for e in &ended {
        let stop = app.ladder_stops.iter().find(|s| s.key == e.key);
        out.push(row(e, stop, now, snap.exits_known));
    }
    out.push(Line::raw(""));
    if !snap.exits_known {
        out.push(Line::styled(
            "How each ended (exit code, signal) is known as root on Linux, from the kernel's process events; here only that it went.",
            theme::dim(),
        ));
    }
    if !snap.oom_known {
        out.push(Line::styled(
            "Whether the OOM killer ended one is known as root on Linux, from the kernel log (/dev/kmsg); here it is not known.",
            theme::dim(),
        ));
    }
    let short = &app.history.short_lived;
    if short.total > 0 {
        let names: Vec<String> = short
            .by_parent_sorted()
            .iter()
            .take(5)
            .map(|(ppid, n)| {
                // The parent as it is now, or as it was when it ended.
                let name = app
                    .table
                    .snapshot
                    .procs
                    .iter()
                    .find(|p| p.pid == *ppid && p.tgid.is_none())
                    .or_else(|| {
                        ended
                            .iter()
                            .filter_map(|e| e.last.as_ref())
                            .find(|p| p.pid == *ppid)
                    })
                    .map_or_else(|| "?".into(), |p| format::printable(&p.comm).into_owned());
                format!("{name} {ppid}: {n}")
            })
            .collect();
        out.push(Line::raw(format!(
            "Ended before a refresh saw them: {} ({})",
            short.total,
            names.join(", ")
        )));
    }
    out
}

fn ended_at(e: &Ended) -> f64 {
    e.exit.as_ref().map_or(e.last_seen_at, |x| x.at)
}

/// Wide enough for `stopped by whytop's ladder at SIGTERM step`; a longer
/// cgroup name pushes the rest of its row right.
const HOW_WIDTH: usize = 42;

/// How it ended: the OOM killer's kill or whytop's ladder where known, else
/// what the kernel's exit said.
fn how(e: &Ended, stop: Option<&LadderStop>, exits_known: bool) -> String {
    if let Some(k) = &e.oom {
        return ending::oom_words(k.memcg, k.cgroup.as_deref());
    }
    if let Some(s) = stop {
        return ending::ladder_words(&s.signal);
    }
    match &e.exit {
        Some(x) => ending::how(x).unwrap_or_else(|| "ended".into()),
        None if exits_known => "gone (no exit reported)".into(),
        None => "gone".into(),
    }
}

fn row(e: &Ended, stop: Option<&LadderStop>, now: f64, exits_known: bool) -> Line<'static> {
    let at = ended_at(e);
    let when = format::local_time(at);
    let clock = when.get(11..).unwrap_or(&when).to_string();
    let ago = format::duration_secs((now - at).max(0.0).round() as u64);
    let last = e.last.as_ref();
    let lived = last.map_or_else(
        || "?".into(),
        |s| format::duration_secs((at - s.started_at).max(0.0).round() as u64),
    );
    let how = how(e, stop, exits_known);
    let (tag, _) = why_since(&e.history);
    let cpu = last.map_or_else(|| "?".into(), |s| format::cpu_time(s.cpu_ns));
    let peak = format::bytes(e.history.peak_rss_bytes());
    let command = last.map_or_else(String::new, |s| {
        if s.cmdline.is_empty() {
            format::printable(&s.comm).into_owned()
        } else {
            format::shown_command(&s.cmdline)
        }
    });
    let how_style = match &e.exit {
        _ if e.oom.is_some() => theme::error(),
        Some(x) if x.signal.is_some() || x.code.is_some_and(|c| c != 0) => theme::error(),
        _ => Style::default(),
    };
    Line::from(vec![
        Span::raw(format!("{clock:<9} {ago:>5} {:>7} {lived:>8}  ", e.key.pid)),
        Span::styled(format!("{how:<HOW_WIDTH$} "), how_style),
        Span::styled(format!("{:<10}", tag.text()), theme::why(tag)),
        Span::raw(format!("  {cpu:>8} {peak:>9}  {command}")),
    ])
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let para = Paragraph::new(lines(app));
    super::audit::scrolled_pane(app, f, area, " Ended (newest first; Esc closes) ", para);
}
