//! Header meters: per-core CPU, memory and swap on the left; tasks, load and uptime on the right.

use super::{format, theme};
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// An htop-style bar: `CPU0[|||||       12.5%]`, `width` cells in all.
pub fn meter(label: &str, fraction: f64, value: &str, width: u16) -> Line<'static> {
    let inner = (width as usize).saturating_sub(label.len() + 2);
    let fill = ((fraction.clamp(0.0, 1.0) * inner as f64).round() as usize).min(inner);
    let text_room = inner.saturating_sub(value.len());
    let bars = fill.min(text_room);
    Line::from(vec![
        Span::styled(label.to_string(), theme::LABEL),
        Span::raw("["),
        Span::styled("|".repeat(bars), theme::meter(fraction * 100.0)),
        Span::raw(" ".repeat(text_room - bars)),
        Span::styled(value.to_string(), theme::DIM),
        Span::raw("]"),
    ])
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let sys = &app.table.snapshot.system;
    let half = area.width / 2;
    let mut left: Vec<Line> = Vec::new();
    let cores = &sys.cpu_percent;
    let two_per_line = cores.len() > 8;
    let cell = if two_per_line {
        half.saturating_sub(1) / 2
    } else {
        half.saturating_sub(1)
    };
    let mut line: Vec<Span> = Vec::new();
    for (i, pct) in cores.iter().enumerate() {
        let m = meter(
            &format!("{i:>3}"),
            *pct as f64 / 100.0,
            &format!("{pct:.1}%"),
            cell,
        );
        line.extend(m.spans);
        if !two_per_line || i % 2 == 1 || i + 1 == cores.len() {
            left.push(Line::from(std::mem::take(&mut line)));
        } else {
            line.push(Span::raw(" "));
        }
    }
    let mem_frac = if sys.mem_total > 0 {
        sys.mem_used as f64 / sys.mem_total as f64
    } else {
        0.0
    };
    let swap_frac = if sys.swap_total > 0 {
        sys.swap_used as f64 / sys.swap_total as f64
    } else {
        0.0
    };
    let mem_text = format!(
        "{}/{}",
        format::bytes(sys.mem_used),
        format::bytes(sys.mem_total)
    );
    let swap_text = format!(
        "{}/{}",
        format::bytes(sys.swap_used),
        format::bytes(sys.swap_total)
    );
    left.push(meter("Mem", mem_frac, &mem_text, half.saturating_sub(1)));
    left.push(meter("Swp", swap_frac, &swap_text, half.saturating_sub(1)));

    let c = &app.table.counts;
    let right = vec![
        Line::from(vec![
            Span::styled("Tasks: ", theme::LABEL),
            Span::raw(format!(
                "{}, {} thr, {} kthr; ",
                c.tasks, c.threads, c.kernel_threads
            )),
            Span::styled(format!("{} running", c.running), theme::METER_LOW),
            Span::raw(state_tail(c)),
        ]),
        Line::from(vec![
            Span::styled("Load average: ", theme::LABEL),
            Span::raw(format!(
                "{:.2} {:.2} {:.2}",
                sys.load[0], sys.load[1], sys.load[2]
            )),
        ]),
        Line::from(
            [
                Span::styled("Uptime: ", theme::LABEL),
                Span::raw(format::uptime(sys.uptime_secs)),
            ]
            .into_iter()
            .chain(sys.cpu_pressure.into_iter().flat_map(|p| {
                [
                    Span::styled("  CPU pressure: ", theme::LABEL),
                    Span::raw(format!("{p:.1}%")),
                ]
            }))
            .collect::<Vec<_>>(),
        ),
    ];
    let l = Rect::new(area.x, area.y, half, area.height);
    let r = Rect::new(
        area.x + half + 1,
        area.y,
        area.width.saturating_sub(half + 1),
        area.height,
    );
    f.render_widget(Paragraph::new(left), l);
    f.render_widget(Paragraph::new(right), r);
}

fn state_tail(c: &crate::model::StateCounts) -> String {
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
    #[test]
    fn meter_fills_in_proportion() {
        let l = super::meter("CPU", 0.5, "50.0%", 30);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text.len(), 30);
        assert!(text.starts_with("CPU[|||||||||||||"), "{text}");
        assert!(text.ends_with("50.0%]"), "{text}");
    }
}
