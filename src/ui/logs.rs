//! The log pane: the followed process's lines, coloured by level, newest at the bottom.

use super::{format, theme};
use crate::app::state::{App, LogView};
use crate::model::logline::Level;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn level_style(l: Level) -> Style {
    match l {
        Level::Error => Style::new().fg(Color::Red),
        Level::Warn => Style::new().fg(Color::Yellow),
        Level::Debug => theme::dim(),
        Level::Info | Level::Unknown => Style::new(),
    }
}

/// The pane's lines above the log itself.
fn head_lines(l: &LogView, width: u16) -> Vec<Line<'static>> {
    crate::present::panes::log_head_lines(&l.notes, l.dropped, width)
}

fn block() -> Block<'static> {
    Block::default().borders(Borders::ALL)
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(l) = app.ui.overlay.logs() else {
        return;
    };
    f.render_widget(Clear, area);
    let mut state = if l.paused {
        "paused (Space resumes)".to_string()
    } else {
        "following".to_string()
    };
    if let Some(why) = &l.ended {
        state = format!("ended: {why}");
    }
    let filter = if l.filter.is_empty() {
        String::new()
    } else {
        format!(", filter {:?}", l.filter)
    };
    let title = format!(
        " Log of {}: {state}{filter}; {} lines ",
        format::printable(&l.title),
        l.lines.len()
    );
    let block = block().title(Span::styled(title, theme::label()));
    let inner = block.inner(area);
    let mut lines = head_lines(l, inner.width);
    let visible = l.visible();
    let room = (inner.height as usize).saturating_sub(lines.len());
    for line in &visible[l.window(visible.len(), room)] {
        let mut spans = vec![
            Span::styled(format!("{:<8} ", line.source), theme::dim()),
            Span::styled(
                format::printable(&line.text).into_owned(),
                level_style(line.level),
            ),
        ];
        if let Some(cut) = line.cut_marker() {
            spans.push(Span::styled(cut, theme::dim()));
        }
        lines.push(Line::from(spans));
    }
    if visible.is_empty() && l.ended.is_none() {
        lines.push(Line::styled("waiting for output…", theme::dim()));
    }
    f.render_widget(Paragraph::new(lines).block(block), area);
}
