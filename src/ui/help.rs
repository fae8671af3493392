//! The help overlay, generated from the keymap so it never disagrees with it.

use super::theme;
use crate::app::keymap::Mode;
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::styled("whytop: why is each process not running?", theme::label()),
        Line::raw(""),
    ];
    if app.replay.is_some() {
        out.push(Line::raw(
            "A replay: the table shows a recording. Every key but actions works; \
             stop, signal, nice, scheduling, bundle, capture and log tail are not available.",
        ));
        out.push(Line::raw(""));
    }
    // A replay's keys first in a replay; after the rest in the live TUI.
    let mut modes = vec![
        Mode::Normal,
        Mode::Filter,
        Mode::Sort,
        Mode::Setup,
        Mode::Detail,
        Mode::Confirm,
        Mode::Signal,
        Mode::Logs,
        Mode::Capture,
    ];
    if app.replay.is_some() {
        modes.insert(0, Mode::Replay);
    } else {
        modes.push(Mode::Replay);
    }
    for mode in modes {
        out.push(Line::styled(
            match mode {
                Mode::Replay => {
                    "In a replay (whytop replay), over the other modes' keys".to_string()
                }
                m => format!("In {} mode", m.name()),
            },
            theme::label(),
        ));
        for (action, keys) in app.keymap.bindings(mode) {
            out.push(Line::from(vec![
                Span::styled(format!("{:>22}", keys.join(" ")), theme::key()),
                Span::raw("  "),
                Span::raw(action.describe()),
            ]));
        }
        out.push(Line::raw(""));
    }
    out.push(Line::raw(
        "Mouse: click selects, wheel scrolls, a click on a column title sorts by it.",
    ));
    out
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let w = area.width.min(72);
    let h = area.height.saturating_sub(2).max(3);
    let r = Rect::new(area.x + (area.width - w) / 2, area.y + 1, w, h);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Help: Esc closes, j/k scroll ");
    let para = Paragraph::new(lines(app)).wrap(Wrap { trim: false });
    let lines = para.line_count(w.saturating_sub(2));
    let top = app.ui.overlay_extent.measure(
        lines,
        h.saturating_sub(2) as usize,
        app.ui.overlay.pane_scroll(),
    );
    f.render_widget(para.block(block).scroll((top as u16, 0)), r);
}
