//! F2 setup, as htop's: which columns and header meters show and in what
//! order, the refresh delay, the theme, the program's path in COMMAND, and
//! whether to save all this on quit. Every change applies at once; what
//! changed is remembered by its config key, for the save.

use super::action::Action;
use super::msg::Effect;
use super::state::{App, Overlay};
use crate::collectors::CollectorCmd;
use crate::model::sort::SortColumn;
use crate::present::columns::{self, REGISTRY};
use crate::present::meters::MeterKind;
use std::time::Duration;

pub use super::setup_view::{OPTIONS, SetupOption, SetupSection, SetupView};

/// The delays Left/Right step through, tenths of a second (htop's -d).
const DELAYS: [u64; 10] = [1, 2, 5, 10, 15, 20, 30, 50, 100, 300];

/// The columns as setup lists them: the shown ones in their order, then the
/// others in the registry's; `bool`: shown.
pub(crate) fn column_lines(app: &App) -> Vec<(SortColumn, bool)> {
    let mut out: Vec<(SortColumn, bool)> = app.columns.iter().map(|c| (*c, true)).collect();
    out.extend(
        REGISTRY
            .iter()
            .filter(|c| !app.columns.contains(&c.id))
            .map(|c| (c.id, false)),
    );
    out
}

/// The meters likewise.
pub(crate) fn meter_lines(app: &App) -> Vec<(MeterKind, bool)> {
    let mut out: Vec<(MeterKind, bool)> = app.meters.iter().map(|m| (*m, true)).collect();
    out.extend(
        MeterKind::ALL
            .into_iter()
            .filter(|m| !app.meters.contains(m))
            .map(|m| (m, false)),
    );
    out
}

fn lines(section: SetupSection) -> usize {
    match section {
        SetupSection::Columns => REGISTRY.len(),
        SetupSection::Meters => MeterKind::ALL.len(),
        SetupSection::Options => OPTIONS.len(),
    }
}

pub(crate) fn open(app: &mut App) {
    app.ui.overlay = Overlay::Setup(SetupView::default());
}

pub(crate) fn act(app: &mut App, a: Action) -> Vec<Effect> {
    let Overlay::Setup(mut v) = app.ui.overlay else {
        return Vec::new();
    };
    let last = lines(v.section).saturating_sub(1);
    let mut effects = Vec::new();
    match a {
        Action::Up => v.cursor = v.cursor.saturating_sub(1),
        Action::Down => v.cursor = (v.cursor + 1).min(last),
        Action::Top => v.cursor = 0,
        Action::Bottom => v.cursor = last,
        Action::SetupNextSection => v = section(v.section.step(1)),
        Action::SetupPrevSection => v = section(v.section.step(-1)),
        Action::SetupLess | Action::SetupMore if v.section != SetupSection::Options => {
            v = section(v.section.step(if a == Action::SetupMore { 1 } else { -1 }));
        }
        Action::SetupLess => effects = change_option(app, OPTIONS[v.cursor.min(3)], -1),
        Action::SetupMore | Action::SetupToggle if v.section == SetupSection::Options => {
            effects = change_option(app, OPTIONS[v.cursor.min(3)], 1);
        }
        Action::SetupToggle => {
            let item = item_at(app, v);
            effects = toggle(app, v);
            v.cursor = follow(app, v, item);
        }
        Action::SetupMoveUp | Action::SetupMoveDown => {
            let by = if a == Action::SetupMoveUp { -1 } else { 1 };
            if let Some(to) = move_item(app, v, by) {
                v.cursor = to;
            }
            effects = columns_changed(app);
        }
        Action::Close | Action::Setup => {
            app.ui.overlay = Overlay::Table;
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    app.ui.overlay = Overlay::Setup(v);
    effects
}

/// What is under the cursor, by its place in the registry's or the meters' list.
fn item_at(app: &App, v: SetupView) -> Option<usize> {
    match v.section {
        SetupSection::Columns => {
            let (c, _) = *column_lines(app).get(v.cursor)?;
            REGISTRY.iter().position(|s| s.id == c)
        }
        SetupSection::Meters => {
            let (m, _) = *meter_lines(app).get(v.cursor)?;
            MeterKind::ALL.iter().position(|k| *k == m)
        }
        SetupSection::Options => None,
    }
}

/// The cursor on `item` again after it moved in its list (shown or hidden).
fn follow(app: &App, v: SetupView, item: Option<usize>) -> usize {
    let found = item.and_then(|i| match v.section {
        SetupSection::Columns => {
            let c = REGISTRY[i].id;
            column_lines(app).iter().position(|(x, _)| *x == c)
        }
        SetupSection::Meters => {
            let m = MeterKind::ALL[i];
            meter_lines(app).iter().position(|(x, _)| *x == m)
        }
        SetupSection::Options => None,
    });
    found.unwrap_or(v.cursor)
}

fn section(section: SetupSection) -> SetupView {
    SetupView { section, cursor: 0 }
}

/// Shows or hides the line under the cursor; one column at least stays.
fn toggle(app: &mut App, v: SetupView) -> Vec<Effect> {
    match v.section {
        SetupSection::Columns => {
            let Some(&(c, shown)) = column_lines(app).get(v.cursor) else {
                return Vec::new();
            };
            if shown {
                if app.columns.len() == 1 {
                    app.say("one column at least");
                    return Vec::new();
                }
                app.columns.retain(|x| *x != c);
            } else {
                // Before COMMAND when it ends the line: it takes what is left.
                let at = match app.columns.last() {
                    Some(SortColumn::Command) => app.columns.len() - 1,
                    _ => app.columns.len(),
                };
                app.columns.insert(at, c);
            }
            columns_changed(app)
        }
        SetupSection::Meters => {
            let Some(&(m, shown)) = meter_lines(app).get(v.cursor) else {
                return Vec::new();
            };
            if shown {
                app.meters.retain(|x| *x != m);
            } else {
                app.meters.push(m);
            }
            app.changed("meters");
            Vec::new()
        }
        SetupSection::Options => Vec::new(),
    }
}

/// Moves the shown column or meter under the cursor one place; its new place.
fn move_item(app: &mut App, v: SetupView, by: isize) -> Option<usize> {
    let to = v.cursor.checked_add_signed(by)?;
    match v.section {
        SetupSection::Columns if to < app.columns.len() && v.cursor < app.columns.len() => {
            app.columns.swap(v.cursor, to);
        }
        SetupSection::Meters if to < app.meters.len() && v.cursor < app.meters.len() => {
            app.meters.swap(v.cursor, to);
            app.changed("meters");
        }
        _ => return None,
    }
    Some(to)
}

/// The table follows the new columns at once; the collector reads what they need.
fn columns_changed(app: &mut App) -> Vec<Effect> {
    app.changed("columns");
    if !app.columns.contains(&app.opts.sort) && !app.opts.tree {
        let first = app.columns.first().copied().unwrap_or(SortColumn::Pid);
        app.opts.sort = first;
        app.opts.descending = first.descending_by_default();
    }
    app.rebuild_view();
    let (io, oom) = columns::extra_reads(&app.columns);
    vec![Effect::Collector(CollectorCmd::ExtraReads(io, oom))]
}

fn change_option(app: &mut App, o: SetupOption, by: isize) -> Vec<Effect> {
    match o {
        SetupOption::Delay => {
            let now = (app.delay.as_millis() / 100) as u64;
            // The next step above or below now (which may be off the steps: -d 7).
            let i = DELAYS
                .iter()
                .position(|d| *d >= now)
                .unwrap_or(DELAYS.len());
            let j = match by {
                1.. if DELAYS.get(i) == Some(&now) => i + 1,
                1.. => i,
                _ => i.saturating_sub(1),
            };
            let tenths = DELAYS[j.min(DELAYS.len() - 1)];
            app.delay = Duration::from_millis(100 * tenths);
            app.changed("delay");
            return vec![Effect::Collector(CollectorCmd::Interval(app.delay))];
        }
        SetupOption::Theme => {
            let all = &app.theme_choices;
            let i = all.iter().position(|t| t.name() == app.theme.name());
            let n = all.len().max(1) as isize;
            let next = (i.unwrap_or(0) as isize + by).rem_euclid(n) as usize;
            if let Some(t) = all.get(next) {
                app.theme = t.clone();
            }
            app.changed("theme");
        }
        SetupOption::ProgramPath => {
            app.ui.program_name_only = !app.ui.program_name_only;
            app.changed("program_path");
        }
        SetupOption::SaveOnQuit => {
            app.save_on_quit = !app.save_on_quit;
            app.changed("save_on_quit");
        }
    }
    Vec::new()
}
