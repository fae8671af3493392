//! The header as htop draws it: per-CPU bars split by kind, memory and swap
//! bars, and text meters (tasks, load, uptime, clock, pressure), placed as
//! `present::meters` plans them from the app's list; under them, btop-style
//! history graphs of the machine's CPU and memory.

use super::{format, theme};
use crate::app::state::{App, ReplayView};
use crate::model::history::SystemHistory;
use crate::model::{StateCounts, SystemSample};
use crate::present::graph;
use crate::present::meters::{CpuGrid, GRAPH_LINES, MeterKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::time::Duration;

/// One part of a bar: its share of the whole (0..=1) and colour; its place
/// in the bar gives its monochrome character.
type Part = (f64, Style);

/// An htop-style bar, `width` cells in all: `CPU[|||||||      12.5%]`. The
/// value is written over the bar's right end, in the colour of the part under
/// each of its characters, as htop does. `mono`: each part drawn with its own
/// character (htop's monochrome), since colour does not tell them apart.
pub fn bar(label: &str, parts: &[Part], value: &str, width: u16, mono: bool) -> Line<'static> {
    let inner = (width as usize).saturating_sub(label.len() + 2);
    // Where each part ends, rounded on the running total so parts never
    // overflow the bar.
    let mut ends = Vec::with_capacity(parts.len());
    let mut sum = 0.0;
    for (share, _) in parts {
        sum += share.clamp(0.0, 1.0);
        ends.push(((sum.min(1.0) * inner as f64).round() as usize).min(inner));
    }
    let text: Vec<char> = value.chars().collect();
    let text_at = inner.saturating_sub(text.len());
    let mut spans = vec![
        Span::styled(label.to_string(), theme::label()),
        Span::raw("["),
    ];
    let mut run = String::new();
    let mut run_style = theme::dim();
    for i in 0..inner {
        let part = ends.iter().position(|e| i < *e);
        let style = part.map_or(theme::dim(), |k| parts[k].1);
        let c = match (i.checked_sub(text_at).and_then(|t| text.get(t)), part) {
            (Some(c), _) => *c,
            (None, Some(k)) if mono => theme::MONO_BAR[k % theme::MONO_BAR.len()],
            (None, Some(_)) => '|',
            (None, None) => ' ',
        };
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    spans.push(Span::raw("]"));
    Line::from(spans)
}

/// The mark of a replay, never mistaken for the live system's header.
const REPLAY_MARK: Style = Style::new()
    .fg(ratatui::style::Color::Black)
    .bg(ratatui::style::Color::Yellow)
    .add_modifier(ratatui::style::Modifier::BOLD);

/// ` REPLAY  2026-12-07 23:40:01  sample 12 of 40 (23:39:55 to 23:40:15)  rec.sqlite`
pub(crate) fn replay_line(r: &ReplayView) -> Line<'static> {
    let mut spans = vec![Span::styled(" REPLAY ", REPLAY_MARK)];
    match &r.position {
        Some(p) => {
            let hms = |t: f64| {
                let s = format::local_time(t);
                s.rsplit(' ').next().unwrap_or(&s).to_string()
            };
            spans.push(Span::styled(
                format!(" {} ", format::local_time(p.taken_at)),
                theme::label().add_modifier(ratatui::style::Modifier::BOLD),
            ));
            spans.push(Span::raw(format!(
                " sample {} of {} ({} to {})  {}",
                p.index + 1,
                p.count,
                hms(p.first),
                hms(p.last),
                r.db
            )));
        }
        None => spans.push(Span::raw(format!(" reading {}…", r.db))),
    }
    Line::from(spans)
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    // A replay's line first, above the meters of the moment it shows.
    let area = match &app.replay {
        Some(r) if area.height > 0 => {
            f.render_widget(Paragraph::new(replay_line(r)), Rect { height: 1, ..area });
            Rect {
                y: area.y + 1,
                height: area.height - 1,
                ..area
            }
        }
        _ => area,
    };
    let sys = &app.table.snapshot.system;
    let plan = app.header_plan();
    let half = area.width / 2;
    let right_w = area.width.saturating_sub(half + 1);
    let mono = app.colourless();
    let mut left: Vec<Line> = Vec::new();
    let mut right: Vec<Line> = Vec::new();
    if plan.cpus {
        let n = sys.cpu_percent.len();
        let grid = CpuGrid::for_cpus(n);
        let (a, b) = grid.split(n);
        left.extend(cpu_rows(sys, a, grid, half.saturating_sub(1), mono));
        right.extend(cpu_rows(sys, b, grid, right_w, mono));
    }
    for m in &plan.left {
        left.push(bar_meter(*m, sys, half.saturating_sub(1), mono));
    }
    for m in &plan.right {
        right.push(text_meter(*m, app));
    }
    let l = Rect::new(area.x, area.y, half, area.height);
    let r = Rect::new(area.x + half + 1, area.y, right_w, area.height);
    f.render_widget(Paragraph::new(left), l);
    f.render_widget(Paragraph::new(right), r);
    let mut y = area.y + plan.half_lines(app.cpu_count());
    for m in &plan.graphs {
        let height = (GRAPH_LINES as u16).min(area.bottom().saturating_sub(y));
        if height == 0 {
            break;
        }
        let lines = graph_meter(*m, &app.history.system, app.delay, area.width, mono);
        f.render_widget(
            Paragraph::new(lines),
            Rect::new(area.x, y, area.width, height),
        );
        y += height;
    }
}

/// The labels' column of a graph: the name and the newest value, a second
/// figure, and the time the graph spans.
const GRAPH_LABEL: usize = 14;

/// A history graph `width` cells wide: the labels, then `GRAPH_LINES` lines
/// of the history kept (as much of it as fits, the newest at the right edge).
/// CPU is the share of all CPUs, memory the share of it used; both on 0-100 %.
fn graph_meter(
    m: MeterKind,
    h: &SystemHistory,
    delay: Duration,
    width: u16,
    mono: bool,
) -> Vec<Line<'static>> {
    let cells = (width as usize).saturating_sub(GRAPH_LABEL + 1);
    let fit = cells * graph::per_cell(mono);
    let skip = h.points().len().saturating_sub(fit);
    let points = h.points().skip(skip);
    let values: Vec<f32> = match m {
        MeterKind::MemoryGraph => points.map(|p| p.mem_percent()).collect(),
        _ => points.map(|p| p.cpu_percent()).collect(),
    };
    let last = h.last();
    let pct = |v: Option<f32>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}%"));
    let labels: [(String, String); GRAPH_LINES] = match m {
        MeterKind::MemoryGraph => [
            ("Mem".into(), pct(last.map(|p| p.mem_percent()))),
            // `13.94G swp 25%`: used, and swap's share, which fill together.
            (
                String::new(),
                last.map_or_else(String::new, |p| {
                    let swap = format!("{:.0}%", p.swap_percent());
                    format!("{} swp{swap:>4}", format::bytes(p.mem_used_bytes()))
                }),
            ),
            (span(values.len(), delay), String::new()),
        ],
        _ => [
            ("CPU".into(), pct(last.map(|p| p.cpu_percent()))),
            (
                "load".into(),
                last.map_or_else(String::new, |p| format!("{:.2}", p.load1())),
            ),
            (span(values.len(), delay), String::new()),
        ],
    };
    let mut text = String::new();
    labels
        .into_iter()
        .enumerate()
        .map(|(i, (name, value))| {
            let gap = GRAPH_LABEL.saturating_sub(name.chars().count() + value.chars().count());
            let mut spans = vec![
                Span::styled(name, theme::label()),
                Span::raw(format!("{:gap$}{value} ", "")),
            ];
            if cells > 0 {
                graph::graph_line(&values, 100.0, cells, (i, GRAPH_LINES), mono, &mut text);
                let style = match m {
                    MeterKind::MemoryGraph => theme::graph_memory(),
                    _ => theme::graph_cpu()[i.min(theme::graph_cpu().len() - 1)],
                };
                spans.push(Span::styled(text.clone(), style));
            }
            Line::from(spans)
        })
        .collect()
}

/// How far back a graph of `n` refreshes reaches: `-2 m` (nothing before
/// a second refresh).
fn span(n: usize, delay: Duration) -> String {
    if n < 2 {
        return String::new();
    }
    let secs = delay.as_secs_f64() * n.saturating_sub(1) as f64;
    format!("-{}", format::duration_secs(secs.round() as u64))
}

/// The bars of CPUs `cpus`, `grid.per_row` to a line `width` cells wide.
fn cpu_rows(
    sys: &SystemSample,
    cpus: std::ops::Range<usize>,
    grid: CpuGrid,
    width: u16,
    mono: bool,
) -> Vec<Line<'static>> {
    let per = grid.per_row as u16;
    let cell = width.saturating_sub(per - 1) / per;
    let ids: Vec<usize> = cpus.collect();
    ids.chunks(grid.per_row)
        .map(|row| {
            let mut spans = Vec::new();
            for (j, i) in row.iter().enumerate() {
                if j > 0 {
                    spans.push(Span::raw(" "));
                }
                spans.extend(cpu_bar(sys, *i, cell, mono).spans);
            }
            Line::from(spans)
        })
        .collect()
}

fn cpu_bar(sys: &SystemSample, i: usize, width: u16, mono: bool) -> Line<'static> {
    let label = format!("{i:>3}");
    match sys.cpu_kinds.get(i) {
        Some(k) => {
            let parts: Vec<Part> = k
                .parts()
                .iter()
                .zip(theme::cpu_kinds())
                .map(|(p, s)| (f64::from(*p) / 100.0, s))
                .collect();
            bar(&label, &parts, &format!("{:.1}%", k.busy()), width, mono)
        }
        // No split on this platform: all of it as user time.
        None => {
            let pct = sys.cpu_percent.get(i).copied().unwrap_or(0.0);
            let parts = [
                (0.0, theme::cpu_kinds()[0]),
                (f64::from(pct) / 100.0, theme::cpu_kinds()[1]),
            ];
            bar(&label, &parts, &format!("{pct:.1}%"), width, mono)
        }
    }
}

fn share(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 / total as f64
    }
}

fn bar_meter(m: MeterKind, sys: &SystemSample, width: u16, mono: bool) -> Line<'static> {
    let used_of =
        |used: u64, total: u64| format!("{}/{}", format::bytes(used), format::bytes(total));
    match m {
        MeterKind::Swap => {
            let t = sys.swap_total;
            let parts = [
                (share(sys.swap_used, t), theme::swap_kinds()[0]),
                (share(sys.swap_cache, t), theme::swap_kinds()[1]),
            ];
            bar("Swp", &parts, &used_of(sys.swap_used, t), width, mono)
        }
        _ => {
            let t = sys.mem_total;
            let split = sys.mem_split.unwrap_or(crate::model::MemSplit {
                used: sys.mem_used,
                ..Default::default()
            });
            let parts: Vec<Part> = [split.used, split.buffers, split.shared, split.cache]
                .iter()
                .zip(theme::mem_kinds())
                .map(|(b, s)| (share(*b, t), s))
                .collect();
            bar("Mem", &parts, &used_of(sys.mem_used, t), width, mono)
        }
    }
}

fn text_meter(m: MeterKind, app: &App) -> Line<'static> {
    let snap = &app.table.snapshot;
    let sys = &snap.system;
    let labelled = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(label.to_string(), theme::label()),
            Span::raw(value),
        ])
    };
    let psi = |label: &str, p: Option<[f32; 3]>| {
        let [a, b, c] = p.unwrap_or_default();
        labelled(label, format!("{a:.2}% {b:.2}% {c:.2}%"))
    };
    match m {
        MeterKind::Tasks => tasks(&app.table.counts),
        MeterKind::Load => labelled(
            "Load average: ",
            format!("{:.2} {:.2} {:.2}", sys.load[0], sys.load[1], sys.load[2]),
        ),
        // The recording keeps no uptime: said, not shown as zero.
        MeterKind::Uptime if app.replay.is_some() => labelled("Uptime: ", "not recorded".into()),
        MeterKind::Uptime => labelled("Uptime: ", format::uptime(sys.uptime_secs)),
        MeterKind::Clock => {
            let t = format::local_time(snap.taken_at);
            let hms = t.rsplit(' ').next().unwrap_or(&t).to_string();
            labelled("Time: ", hms)
        }
        MeterKind::CpuPressure => psi("PSI some CPU:    ", sys.pressure.cpu),
        MeterKind::IoPressure => psi("PSI some IO:     ", sys.pressure.io),
        MeterKind::MemoryPressure => psi("PSI some memory: ", sys.pressure.memory),
        MeterKind::Cpus
        | MeterKind::Memory
        | MeterKind::Swap
        | MeterKind::CpuGraph
        | MeterKind::MemoryGraph => Line::default(),
    }
}

/// `Tasks: N, M thr, K kthr; R running`, then what whytop adds: processes in
/// disk sleep, stopped and zombie, when there are any.
fn tasks(c: &StateCounts) -> Line<'static> {
    Line::from(vec![
        Span::styled("Tasks: ", theme::label()),
        Span::raw(format!(
            "{}, {} thr, {} kthr; ",
            c.tasks, c.threads, c.kernel_threads
        )),
        Span::styled(format!("{} running", c.running), theme::meter_low()),
        Span::raw(state_tail(c)),
    ])
}

fn state_tail(c: &StateCounts) -> String {
    let mut s = String::new();
    for (n, what) in [
        (c.disk_sleep, "disk"),
        (c.stopped, "stopped"),
        (c.zombie, "zombie"),
    ] {
        if n > 0 {
            s.push_str(&format!(", {n} {what}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::theme;

    fn text(l: &ratatui::text::Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_graph_without_history_or_room_shows_its_labels_only() {
        use crate::model::history::SystemHistory;
        use crate::present::meters::MeterKind;
        use std::time::Duration;
        let h = SystemHistory::new(10);
        let lines = super::graph_meter(MeterKind::CpuGraph, &h, Duration::from_secs(1), 80, false);
        let t: Vec<String> = lines.iter().map(text).collect();
        assert_eq!(t[0].trim_end(), "CPU          -", "{t:?}");
        assert!(
            t[2].trim().is_empty(),
            "no span before two refreshes: {t:?}"
        );
        let lines =
            super::graph_meter(MeterKind::MemoryGraph, &h, Duration::from_secs(1), 10, true);
        assert!(lines.iter().all(|l| l.spans.len() == 2), "labels only");
        assert_eq!(super::span(3, Duration::from_millis(1500)), "-3 s");
    }

    #[test]
    fn bar_fills_in_proportion() {
        let l = super::bar("CPU", &[(0.5, theme::meter_low())], "50.0%", 30, false);
        let t = text(&l);
        assert_eq!(t.len(), 30);
        assert!(t.starts_with("CPU[|||||||||||||"), "{t}");
        assert!(t.ends_with("50.0%]"), "{t}");
    }

    #[test]
    fn parts_keep_their_order_and_monochrome_characters() {
        let parts = [
            (0.2, theme::cpu_kinds()[0]),
            (0.2, theme::cpu_kinds()[1]),
            (0.2, theme::cpu_kinds()[2]),
        ];
        let t = text(&super::bar("  0", &parts, "", 15, true));
        assert_eq!(t, "  0[||##**    ]");
        // The value over a full bar takes the colour of the part under it.
        let l = super::bar("  0", &[(1.0, theme::cpu_kinds()[2])], "99%", 10, false);
        assert_eq!(text(&l), "  0[||99%]");
        assert!(
            l.spans
                .iter()
                .any(|s| s.content.contains("99%") && s.style == theme::cpu_kinds()[2])
        );
    }
}
