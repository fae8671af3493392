//! The bottom line: the filter being typed, a message, or the main keys.

use super::theme;
use crate::app::action::Action;
use crate::app::keymap::Mode;
use crate::app::state::{App, Overlay};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn line(app: &App) -> Line<'static> {
    if let Overlay::FilterPrompt { error } = &app.ui.overlay {
        let mut spans = vec![
            Span::styled("Filter: ", theme::key()),
            Span::raw(app.ui.filter_text.clone()),
            Span::raw("▏"),
        ];
        if let Some(e) = error {
            spans.push(Span::styled(format!("  {e}"), theme::error()));
        }
        return Line::from(spans);
    }
    if let Overlay::SearchPrompt(p) = &app.ui.overlay {
        let mut spans = vec![
            Span::styled("Search: ", theme::key()),
            Span::raw(p.input.clone()),
            Span::raw("▏"),
        ];
        if let Some(e) = &p.error {
            spans.push(Span::styled(format!("  {e}"), theme::error()));
        }
        spans.push(Span::styled(
            "  F3/Down next, Up previous, Enter stays, Esc goes back",
            theme::dim(),
        ));
        return Line::from(spans);
    }
    if let Overlay::Logs {
        view,
        filtering: true,
    } = &app.ui.overlay
    {
        let text = view.filter.clone();
        return Line::from(vec![
            Span::styled("Log filter: ", theme::key()),
            Span::raw(text),
            Span::raw("▏"),
        ]);
    }
    if let Overlay::NicePrompt { input, selected } = &app.ui.overlay {
        return Line::from(vec![
            Span::styled("Nice (-20..19, Enter sets): ", theme::key()),
            Span::styled(
                input.clone(),
                if *selected {
                    theme::selected()
                } else {
                    ratatui::style::Style::default()
                },
            ),
            Span::raw("▏"),
        ]);
    }
    if let Overlay::TimePrompt { input, error } = &app.ui.overlay {
        let mut spans = vec![
            Span::styled("Go to: ", theme::key()),
            Span::raw(input.clone()),
            Span::raw("▏"),
        ];
        match error {
            Some(e) => spans.push(Span::styled(format!("  {e}"), theme::error())),
            None => spans.push(Span::styled(
                "  HH:MM:SS, YYYY-MM-DD HH:MM:SS or -5m; Enter goes, Esc leaves",
                theme::dim(),
            )),
        }
        return Line::from(spans);
    }
    if let Some(e) = &app.collector_error {
        return Line::styled(format!("cannot read processes: {e}"), theme::error());
    }
    // Frozen (Z): said first on the line, whatever else it says.
    let mark = app
        .ui
        .frozen
        .then(|| Span::styled(" FROZEN ", theme::error()));
    if let Some(msg) = &app.ui.status {
        let mut spans: Vec<Span> = mark.into_iter().collect();
        spans.push(Span::raw(msg.clone()));
        return Line::from(spans);
    }
    let width = app.ui.size.0 as usize;
    // A filter in force is always said; the count only where it fits.
    let mut filter = if app.ui.filter_text.is_empty() {
        String::new()
    } else {
        format!(" filter: {} ", app.ui.filter_text)
    };
    // -u and -p leave processes out too: said as a filter is.
    let only = &app.opts.only;
    if let Some(u) = &only.user {
        filter.push_str(&format!(" user: {u} "));
    }
    if !only.pids.is_empty() {
        let pids: Vec<String> = only.pids.iter().map(|p| p.to_string()).collect();
        filter.push_str(&format!(" pids: {} ", pids.join(",")));
    }
    let count = format!(" {} shown", app.view.len());
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    if let Some(m) = mark {
        used += m.content.chars().count();
        spans.push(m);
    }
    let mut bindings = app.keymap.bindings(Mode::Normal);
    // A replay offers its moves where the live footer offers nice and kill.
    let footer: &[(Action, &str)] = if app.replay.is_some() {
        bindings.splice(0..0, app.keymap.bindings(Mode::Replay));
        &REPLAY_FOOTER
    } else {
        &FOOTER
    };
    used += filter.chars().count();
    // An action the keymap leaves unbound is not offered.
    let entries: Vec<(&String, &str)> = footer
        .iter()
        .filter_map(|&(action, what)| {
            let (_, keys) = bindings.iter().find(|(a, _)| *a == action)?;
            let key = keys
                .iter()
                .find(|k| k.len() > 1 && k.starts_with('F'))
                .unwrap_or(&keys[0]);
            Some((key, what))
        })
        .collect();
    // As htop at 80 columns: where a space after each label would push the
    // last keys or the count off, the labels touch; the key's own colour
    // (reversed under NO_COLOR) still tells each from the next.
    let spaced: usize = entries.iter().map(|(k, w)| k.len() + w.len() + 1).sum();
    let gap = if used + spaced + count.len() <= width {
        " "
    } else {
        ""
    };
    for (key, what) in entries {
        let len = key.len() + what.len() + gap.len();
        if used + len > width {
            break;
        }
        used += len;
        spans.push(Span::styled(key.clone(), theme::key()));
        spans.push(Span::raw(format!("{what}{gap}")));
    }
    if !filter.is_empty() {
        spans.push(Span::styled(filter, theme::label()));
    }
    if used + count.len() <= width {
        spans.push(Span::styled(count, theme::dim()));
    }
    Line::from(spans)
}

/// htop's footer and whytop's stop, each under the key the keymap gives it
/// (its F-key where it has one).
const FOOTER: [(Action, &str); 11] = [
    (Action::Help, "Help"),
    (Action::Setup, "Setup"),
    (Action::Search, "Search"),
    (Action::Filter, "Filter"),
    (Action::Tree, "Tree"),
    (Action::SortMenu, "SortBy"),
    (Action::NiceDown, "Nice-"),
    (Action::NiceUp, "Nice+"),
    (Action::SignalMenu, "Kill"),
    (Action::Quit, "Quit"),
    (Action::Stop, "Stop"),
];

const REPLAY_FOOTER: [(Action, &str); 10] = [
    (Action::Help, "Help"),
    (Action::ReplayBack, "Back"),
    (Action::ReplayForward, "On"),
    (Action::ReplayBackMinute, "-1min"),
    (Action::ReplayForwardMinute, "+1min"),
    (Action::ReplayGoto, "Time"),
    (Action::Filter, "Filter"),
    (Action::Tree, "Tree"),
    (Action::SortMenu, "SortBy"),
    (Action::Quit, "Quit"),
];

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    f.render_widget(Paragraph::new(line(app)), area);
}
