//! The selected process's history as text rows for the detail pane: CPU and
//! memory as bar charts with a value axis and a time axis, and the WHY
//! timeline, one cell a refresh coloured by the reason, with its legend.
//!
//! Rows of text rather than chart widgets: the pane is one scrolling
//! paragraph, and the charts scroll with it. Every row starts with the same
//! `PREFIX` cells, so one refresh sits in the same column in all of them, the
//! newest at the right edge.

use super::{format, theme};
use crate::model::history::{ProcHistory, ProcPoint};
use crate::model::why::{WaitReason, WhyTag};
use ratatui::text::{Line, Span};
use std::time::Duration;

/// Label (9), value (5) and the axis (1).
const PREFIX: usize = 15;
/// Rows of each chart.
const ROWS: usize = 3;
const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// What the charts need beside the history: room, the refresh, and whether
/// colour is shown (without it the timeline prints each reason's initial).
pub(crate) struct ChartFrame {
    pub width: u16,
    pub delay: Duration,
    pub no_color: bool,
}

impl ChartFrame {
    /// Refreshes that fit, at one cell each.
    fn columns(&self) -> usize {
        (self.width as usize).saturating_sub(PREFIX + 1)
    }
}

/// The timeline and its legend line.
pub(crate) fn why_timeline(h: &ProcHistory, frame: &ChartFrame) -> Vec<Line<'static>> {
    let points = newest(h, frame.columns());
    if points.is_empty() {
        return Vec::new();
    }
    let pad = frame.columns() - points.len();
    let mut cells = vec![Span::styled(
        format!("{:<w$}", "Timeline", w = PREFIX + pad),
        theme::label(),
    )];
    for p in &points {
        let tag = tag_of(*p);
        let glyph = if frame.no_color {
            initial(tag.reason).to_string()
        } else {
            "▇".to_string()
        };
        cells.push(Span::styled(glyph, theme::why(tag)));
    }
    // Reasons in the order they last appeared, newest first.
    let mut seen: Vec<WhyTag> = Vec::new();
    for p in points.iter().rev() {
        let tag = tag_of(*p);
        if !seen.iter().any(|t| t.reason == tag.reason) {
            seen.push(tag);
        }
    }
    let mut legend = vec![Span::raw(" ".repeat(PREFIX))];
    let now = h.last().reason().label();
    // From the first refresh that showed it, as the time axis counts.
    let lasted = frame.delay.as_secs_f64() * f64::from(h.why_for().saturating_sub(1));
    legend.push(Span::raw(format!(
        "{now} for {}  ·  ",
        format::duration_secs(lasted.round() as u64)
    )));
    for (i, tag) in seen.iter().enumerate() {
        if i > 0 {
            legend.push(Span::raw("  "));
        }
        let key = if frame.no_color {
            initial(tag.reason).to_string()
        } else {
            "■".to_string()
        };
        legend.push(Span::styled(key, theme::why(*tag)));
        legend.push(Span::raw(format!(" {}", tag.reason.label())));
    }
    vec![Line::from(cells), Line::from(legend)]
}

/// CPU % (of one core) and resident memory, each `ROWS` high, with the time
/// axis under each.
pub fn charts(h: &ProcHistory, frame: &ChartFrame) -> Vec<Line<'static>> {
    let points = newest(h, frame.columns());
    if points.is_empty() {
        return Vec::new();
    }
    let cpu: Vec<f64> = points.iter().map(|p| f64::from(p.cpu_percent())).collect();
    // Whole cores: 100 % until something used more.
    let cpu_top = (cpu.iter().copied().fold(0.0, f64::max) / 100.0)
        .ceil()
        .max(1.0)
        * 100.0;
    let rss: Vec<f64> = points.iter().map(|p| p.rss_bytes() as f64).collect();
    // A quarter of headroom, so a steady size is a level, not a full block.
    let rss_top = (rss.iter().copied().fold(0.0, f64::max) * 1.25).max(1024.0);
    let pad = frame.columns() - points.len();
    let cpu_label = format!("{cpu_top:.0}%");
    let mut out = chart(("CPU", &cpu_label, "0%"), &cpu, cpu_top, pad);
    out.push(time_axis(points.len(), frame));
    let rss_label = format::bytes(rss_top as u64);
    out.extend(chart(("Memory", &rss_label, "0"), &rss, rss_top, pad));
    out.push(time_axis(points.len(), frame));
    out
}

/// `labels`: the chart's name, its top value and its bottom one. `pad`: empty
/// columns before the oldest point, so the newest is at the right edge.
fn chart(labels: (&str, &str, &str), values: &[f64], top: f64, pad: usize) -> Vec<Line<'static>> {
    let (label, top_label, bottom) = labels;
    (0..ROWS)
        .map(|row| {
            // Row 0 is the top one.
            let from_bottom = ROWS - 1 - row;
            let (name, value) = match row {
                0 => (label, top_label),
                r if r == ROWS - 1 => ("", bottom),
                _ => ("", ""),
            };
            let bars: String = std::iter::repeat_n(' ', pad)
                .chain(values.iter().map(|v| {
                    let eighths = (v / top * (ROWS * 8) as f64).round() as usize;
                    EIGHTHS[eighths.saturating_sub(from_bottom * 8).min(8)]
                }))
                .collect();
            Line::from(vec![
                Span::styled(format!("{name:<9}"), theme::label()),
                Span::styled(format!("{value:>5}┤"), theme::dim()),
                Span::styled(bars, theme::meter_low()),
            ])
        })
        .collect()
}

/// `└── -1 m ───── now`: the rule across the chart, the oldest point's age
/// where it starts (when there is room for it), `now` at the right.
fn time_axis(n: usize, frame: &ChartFrame) -> Line<'static> {
    let columns = frame.columns();
    let span = frame.delay.as_secs_f64() * n.saturating_sub(1) as f64;
    let start = format!(" -{} ", format::duration_secs(span.round() as u64));
    let now = " now";
    let before = columns - n;
    let after = n.saturating_sub(start.chars().count() + now.len());
    let axis = if n > 1 && after > 0 {
        format!("{}{start}{}{now}", "─".repeat(before), "─".repeat(after))
    } else {
        format!("{}{now}", "─".repeat(columns.saturating_sub(now.len())))
    };
    Line::from(vec![
        Span::raw(" ".repeat(PREFIX - 1)),
        Span::styled(format!("└{axis}"), theme::dim()),
    ])
}

/// The newest `n` points, oldest first.
fn newest(h: &ProcHistory, n: usize) -> Vec<ProcPoint> {
    let points = h.points();
    let skip = points.len().saturating_sub(n);
    points[skip..].to_vec()
}

fn tag_of(p: ProcPoint) -> WhyTag {
    WhyTag {
        weak: p.weak(),
        ..WhyTag::of(p.reason())
    }
}

/// The timeline's cell without colour: the reason's first letter (`S` for
/// starved against `s` for socket).
fn initial(r: WaitReason) -> char {
    match r {
        WaitReason::Starved => 'S',
        WaitReason::Stopped => 'T',
        WaitReason::Traced => 't',
        WaitReason::Zombie => 'Z',
        WaitReason::EventLoop => 'e',
        // A Mach message: `i` is input's.
        WaitReason::Ipc => 'm',
        WaitReason::Unknown => '?',
        other => other.label().chars().next().unwrap_or('?'),
    }
}

/// Style a caller can compare: the timeline colours exactly as the WHY column.
#[cfg(test)]
fn cell_style(r: WaitReason) -> ratatui::style::Style {
    theme::why(WhyTag::of(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(points: &[(f32, u64, WaitReason)]) -> ProcHistory {
        let p = |&(cpu, rss, r): &(f32, u64, WaitReason)| ProcPoint::new(cpu, rss, WhyTag::of(r));
        let mut h = ProcHistory::new(p(&points[0]));
        for q in &points[1..] {
            h.push(p(q), 300);
        }
        h
    }

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn frame(width: u16) -> ChartFrame {
        ChartFrame {
            width,
            delay: Duration::from_secs(1),
            no_color: false,
        }
    }

    #[test]
    fn the_timeline_has_a_cell_a_refresh_coloured_as_the_why_column() {
        let mut pts = vec![(0.0, 1 << 20, WaitReason::Input); 5];
        pts.extend([(50.0, 1 << 20, WaitReason::Running); 3]);
        let lines = why_timeline(&history(&pts), &frame(80));
        assert_eq!(lines.len(), 2);
        let cells = &lines[0].spans[1..];
        assert_eq!(cells.len(), 8);
        assert_eq!(cells[0].style, cell_style(WaitReason::Input));
        assert_eq!(cells[7].style, cell_style(WaitReason::Running));
        let legend = text(&lines[1]);
        assert!(legend.contains("running for 2 s"), "{legend}");
        let (run, input) = (
            legend.find(" running").unwrap(),
            legend.rfind(" input").unwrap(),
        );
        assert!(run < input, "newest reason first: {legend}");
    }

    #[test]
    fn without_colour_the_timeline_spells_initials() {
        let pts = [
            (0.0, 0, WaitReason::Socket),
            (0.0, 0, WaitReason::Starved),
            (0.0, 0, WaitReason::Disk),
        ];
        let f = ChartFrame {
            no_color: true,
            ..frame(80)
        };
        let lines = why_timeline(&history(&pts), &f);
        assert_eq!(text(&lines[0]).trim_start_matches("Timeline").trim(), "sSd");
    }

    #[test]
    fn only_what_fits_is_drawn_and_the_newest_is_at_the_right() {
        let mut pts: Vec<_> = (0..200)
            .map(|_| (0.0, 1 << 20, WaitReason::Timer))
            .collect();
        pts.push((100.0, 1 << 20, WaitReason::Running));
        let lines = charts(&history(&pts), &frame(80));
        for l in &lines {
            assert!(text(l).chars().count() <= 80, "{:?}", text(l));
        }
        let top = text(&lines[0]);
        assert!(top.starts_with("CPU") && top.contains("100%┤"), "{top}");
        assert_eq!(
            top.chars().last(),
            Some('█'),
            "the last refresh used a core: {top}"
        );
        let axis = text(&lines[ROWS]);
        assert!(
            axis.trim_start().starts_with("└ -1 m ") && axis.ends_with(" now"),
            "{axis}"
        );
    }

    #[test]
    fn cpu_over_a_core_raises_the_scale_and_a_level_size_is_not_a_full_block() {
        let pts = [
            (150.0, 10 << 20, WaitReason::Running),
            (30.0, 10 << 20, WaitReason::Running),
        ];
        let lines = charts(&history(&pts), &frame(40));
        assert!(text(&lines[0]).contains("200%┤"), "{}", text(&lines[0]));
        let mem_top = text(&lines[ROWS + 1]);
        assert!(
            mem_top.starts_with("Memory") && mem_top.contains("12.5M┤"),
            "{mem_top}"
        );
        // 10 MiB of a 12.5 MiB scale: 80 % of three rows, so the top row is partly filled.
        assert!(
            !mem_top.ends_with('█') && !mem_top.ends_with(' '),
            "{mem_top}"
        );
        let mem_bottom = text(&lines[ROWS + ROWS]);
        assert!(mem_bottom.ends_with("██"), "{mem_bottom}");
    }

    #[test]
    fn a_narrow_pane_draws_nothing_rather_than_garbage() {
        let h = history(&[(0.0, 0, WaitReason::Timer)]);
        assert!(charts(&h, &frame(10)).is_empty());
        assert!(why_timeline(&h, &frame(16)).is_empty());
    }
}
