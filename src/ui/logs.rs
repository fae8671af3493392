//! The log pane: the followed process's lines, coloured by level, newest at the bottom.

use super::{format, theme};
use crate::app::state::App;
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
        Level::Debug => theme::DIM,
        Level::Info | Level::Unknown => Style::new(),
    }
}

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let Some(l) = &app.logs else { return };
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
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, theme::LABEL));
    let inner = block.inner(area);
    let mut lines: Vec<Line> = l
        .notes
        .iter()
        .map(|n| Line::styled(n.clone(), theme::DIM))
        .collect();
    if l.dropped > 0 {
        lines.push(Line::styled(
            format!("({} older lines dropped)", l.dropped),
            theme::DIM,
        ));
    }
    let visible = l.visible();
    let room = (inner.height as usize).saturating_sub(lines.len());
    let end = visible.len().saturating_sub(l.scroll);
    let start = end.saturating_sub(room);
    for line in &visible[start..end] {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8} ", line.source), theme::DIM),
            Span::styled(
                format::printable(&line.text).into_owned(),
                level_style(line.level),
            ),
        ]));
    }
    if visible.is_empty() && l.ended.is_none() {
        lines.push(Line::styled("waiting for output…", theme::DIM));
    }
    f.render_widget(Paragraph::new(lines).block(block), area);
}
