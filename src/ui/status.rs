//! The bottom line: the filter being typed, a message, or the main keys.

use super::theme;
use crate::app::keymap::Mode;
use crate::app::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn line(app: &App) -> Line<'static> {
    if app.ui.mode == Mode::Filter {
        let mut spans = vec![
            Span::styled("Filter: ", theme::KEY),
            Span::raw(app.ui.filter_input.clone()),
            Span::raw("▏"),
        ];
        if let Some(e) = &app.ui.filter_error {
            spans.push(Span::styled(format!("  {e}"), theme::ERROR));
        }
        return Line::from(spans);
    }
    if app.ui.mode == Mode::LogFilter {
        let text = app
            .logs
            .as_ref()
            .map(|l| l.filter.clone())
            .unwrap_or_default();
        return Line::from(vec![
            Span::styled("Log filter: ", theme::KEY),
            Span::raw(text),
            Span::raw("▏"),
        ]);
    }
    if app.ui.mode == Mode::Nice {
        return Line::from(vec![
            Span::styled("Nice (-20..19, Enter sets): ", theme::KEY),
            Span::raw(app.ui.nice_input.clone()),
            Span::raw("▏"),
        ]);
    }
    if let Some(e) = &app.collector_error {
        return Line::styled(format!("cannot read processes: {e}"), theme::ERROR);
    }
    if let Some(msg) = &app.ui.status {
        return Line::raw(msg.clone());
    }
    let mut spans = Vec::new();
    for (key, what) in [
        ("F1", "Help"),
        ("F3", "Search"),
        ("F5", "Tree"),
        ("F6", "SortBy"),
        ("Enter", "Details"),
        ("F10", "Quit"),
    ] {
        spans.push(Span::styled(key, theme::KEY));
        spans.push(Span::raw(format!("{what} ")));
    }
    if !app.ui.filter_input.is_empty() {
        spans.push(Span::styled(
            format!(" filter: {} ", app.ui.filter_input),
            theme::LABEL,
        ));
    }
    spans.push(Span::styled(
        format!(" {} shown", app.view.len()),
        theme::DIM,
    ));
    Line::from(spans)
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    f.render_widget(Paragraph::new(line(app)), area);
}
