//! F2 setup over the table: the columns, the header's meters and the options
//! side by side, the section the keys act in framed bold, and what the line
//! under the cursor is, at the foot.

use super::theme;
use crate::app::setup::{self, OPTIONS, SetupOption, SetupSection, SetupView};
use crate::app::state::App;
use crate::present::columns;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(app: &App, v: SetupView, f: &mut Frame, area: Rect) {
    if area.height < 4 || area.width < 30 {
        return;
    }
    f.render_widget(Clear, area);
    let body = Rect::new(area.x, area.y, area.width, area.height - 1);
    let w_cols = 22.min(body.width / 3);
    let w_meters = 22.min(body.width / 3);
    let boxes = [
        Rect::new(body.x, body.y, w_cols, body.height),
        Rect::new(body.x + w_cols, body.y, w_meters, body.height),
        Rect::new(
            body.x + w_cols + w_meters,
            body.y,
            body.width - w_cols - w_meters,
            body.height,
        ),
    ];
    let mark = |shown: bool| if shown { "[x] " } else { "[ ] " };
    let columns: Vec<String> = setup::column_lines(app)
        .into_iter()
        .map(|(c, shown)| format!("{}{}", mark(shown), columns::title(c)))
        .collect();
    let meters: Vec<String> = setup::meter_lines(app)
        .into_iter()
        .map(|(m, shown)| format!("{}{}", mark(shown), m.name()))
        .collect();
    let options: Vec<String> = OPTIONS
        .iter()
        .map(|o| format!("{:<14}{}", option_name(*o), option_value(app, *o)))
        .collect();
    let sections = [
        (SetupSection::Columns, " Columns ", columns),
        (SetupSection::Meters, " Meters ", meters),
        (SetupSection::Options, " Options ", options),
    ];
    for ((section, title, lines), r) in sections.into_iter().zip(boxes) {
        let here = section == v.section;
        draw_list(f, r, title, &lines, here.then_some(v.cursor));
    }
    let foot = Line::styled(about(app, v), theme::dim());
    f.render_widget(
        Paragraph::new(foot),
        Rect::new(area.x, area.y + area.height - 1, area.width, 1),
    );
}

/// One section's box; `cursor` where the keys act, scrolled to keep it shown.
fn draw_list(f: &mut Frame, r: Rect, title: &str, lines: &[String], cursor: Option<usize>) {
    let rows = r.height.saturating_sub(2) as usize;
    let first = cursor.map_or(0, |c| (c + 1).saturating_sub(rows));
    let text: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, l)| match cursor {
            Some(c) if c == i => Line::styled(l.clone(), theme::selected()),
            _ => Line::raw(l.clone()),
        })
        .collect();
    let frame = if cursor.is_some() {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        theme::dim()
    };
    f.render_widget(
        Paragraph::new(text).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(frame)
                .title(title),
        ),
        r,
    );
}

fn option_name(o: SetupOption) -> &'static str {
    match o {
        SetupOption::Delay => "Delay",
        SetupOption::Theme => "Theme",
        SetupOption::ProgramPath => "Program path",
        SetupOption::SaveOnQuit => "Save on quit",
    }
}

fn option_value(app: &App, o: SetupOption) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    match o {
        SetupOption::Delay => format!("{:.1} s", app.delay.as_secs_f64()),
        SetupOption::Theme => app.theme.name().to_string(),
        SetupOption::ProgramPath => yes(!app.ui.program_name_only),
        SetupOption::SaveOnQuit => yes(app.save_on_quit),
    }
}

/// The foot: what the line under the cursor is, and the keys.
fn about(app: &App, v: SetupView) -> String {
    let what = match v.section {
        SetupSection::Columns => setup::column_lines(app)
            .get(v.cursor)
            .map(|(c, _)| {
                let s = columns::spec(*c);
                format!("{} ({}): {}", s.title, s.name, s.about)
            })
            .unwrap_or_default(),
        SetupSection::Meters => "the header's meters, in order".into(),
        SetupSection::Options => "←→ or Space change it".into(),
    };
    format!("Space show/hide  [ ] move  Tab section  Esc done  ·  {what}")
}
