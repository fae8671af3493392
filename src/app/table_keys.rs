//! The table's keys: moving, sorting, filtering, the tree, and opening the
//! overlays. An overlay hands on the keys it does not take itself.

use super::action::Action;
use super::diagnostics;
use super::keymap::Mode;
use super::msg::Effect;
use super::process_actions;
use super::search;
use super::state::{App, Overlay};
use crate::collectors::CollectorCmd;
use crate::model::Filter;
use crate::model::sort::SortColumn;

pub(crate) fn act(app: &mut App, a: Action) -> Vec<Effect> {
    if a.acts_on_processes() {
        return process_actions::act(app, a);
    }
    let page = app.page_rows();
    match a {
        Action::SaveBundle | Action::Logs | Action::Capture => return diagnostics::act(app, a),
        // Quitting cancels a running stop (its outcome is still audited): ask first.
        Action::Quit if app.ladder.is_some() && !app.ui.quit_armed => {
            app.ui.quit_armed = true;
            app.say("a stop is running: quit again to cancel it and leave, X to kill now");
        }
        Action::Quit => app.quit = true,
        Action::Suspend => return vec![Effect::Suspend],
        Action::Up => app.set_cursor(app.ui.cursor.saturating_sub(1)),
        Action::Down => app.set_cursor(app.ui.cursor + 1),
        Action::PageUp => {
            app.ui.scroll = app.ui.scroll.saturating_sub(page);
            app.set_cursor(app.ui.cursor.saturating_sub(page));
        }
        Action::PageDown => {
            app.ui.scroll += page;
            app.set_cursor(app.ui.cursor + page);
        }
        Action::Top => app.set_cursor(0),
        Action::Bottom => app.set_cursor(usize::MAX),
        Action::SortMenu => {
            let cursor = app
                .columns
                .iter()
                .position(|c| *c == app.opts.sort)
                .unwrap_or(0);
            app.ui.overlay = Overlay::SortMenu { cursor };
        }
        Action::UserMenu => super::user_menu::open(app),
        Action::SortNext => sort_by(app, app.sort_step(1)),
        Action::SortPrev => sort_by(app, app.sort_step(-1)),
        Action::SortCpu => sort_by(app, SortColumn::Cpu),
        Action::SortMem => sort_by(app, SortColumn::Mem),
        Action::SortTime => sort_by(app, SortColumn::Time),
        Action::SortReverse => {
            app.opts.descending = !app.opts.descending;
            app.rebuild_view();
        }
        Action::Filter => {
            app.ui.overlay = Overlay::FilterPrompt { error: None };
            apply_filter(app);
        }
        Action::Search => search::start(app),
        Action::SearchNext => search::again(app, true),
        Action::SearchPrev => search::again(app, false),
        Action::ClearFilter => {
            app.ui.filter_text.clear();
            apply_filter(app);
        }
        Action::Tree => {
            app.opts.tree = !app.opts.tree;
            if app.opts.tree {
                app.opts.sort = SortColumn::Pid;
                app.opts.descending = false;
            }
            app.rebuild_view();
            app.say(if app.opts.tree {
                "tree view"
            } else {
                "flat view"
            });
        }
        Action::Collapse | Action::Expand | Action::ToggleFold => fold(app, a),
        Action::Tag | Action::TagTree | Action::UntagAll => super::tagged::tag_key(app, a),
        Action::Detail => {
            app.ui.overlay = Overlay::Detail {
                scroll: 0,
                focus: false,
            };
            return focus_effect(app);
        }
        Action::FullScreen => app.ui.detail_full = !app.ui.detail_full,
        Action::ScrollLeft => app.ui.hscroll = app.ui.hscroll.saturating_sub(HSCROLL_STEP),
        Action::ScrollRight => {
            app.ui.hscroll = (app.ui.hscroll + HSCROLL_STEP).min(widest_overflow(app));
        }
        Action::Setup => super::setup::open(app),
        Action::ProgramPath => {
            app.ui.program_name_only = !app.ui.program_name_only;
            app.changed("program_path");
            app.say(if app.ui.program_name_only {
                "programs by name"
            } else {
                "programs with their path"
            });
        }
        Action::Freeze => {
            app.ui.frozen = !app.ui.frozen;
            if !app.ui.frozen
                && let Some(s) = app.held_snapshot.take()
            {
                app.ingest(s);
            }
            app.say(if app.ui.frozen {
                "frozen: the table keeps this moment (Z resumes)"
            } else {
                "live again"
            });
        }
        Action::Help => app.ui.overlay = Overlay::Help { scroll: 0 },
        Action::EndedView => {
            app.ui.overlay = Overlay::Ended { scroll: 0 };
            // Which of them a stop ladder ended: from the audit log.
            return vec![Effect::LoadAudit];
        }
        Action::KernelThreads => {
            app.opts.hide_kernel = !app.opts.hide_kernel;
            app.say(if app.opts.hide_kernel {
                "hiding kernel threads"
            } else {
                "showing kernel threads"
            });
            app.rebuild_view();
        }
        Action::Threads => {
            app.show_threads = !app.show_threads;
            app.say(if app.show_threads {
                "showing threads"
            } else {
                "hiding threads"
            });
            return vec![Effect::Collector(CollectorCmd::ShowThreads(
                app.show_threads,
            ))];
        }
        Action::Refresh => return vec![Effect::Collector(CollectorCmd::RefreshNow)],
        Action::Close => return close(app),
        // The rest belong to an overlay that is not open.
        _ => {}
    }
    Vec::new()
}

/// Cells a Left/Right moves the table, as htop's.
const HSCROLL_STEP: u16 = 5;

/// How far right the table can go: until the longest command's end (tree
/// branches included) is in view, and no further.
fn widest_overflow(app: &App) -> u16 {
    let width = app.areas().table.width;
    let pos = crate::present::columns::positions(&app.columns, width);
    let line_end = pos.iter().map(|(x, w)| x + w).max().unwrap_or(0);
    let past_edge = line_end.saturating_sub(width);
    let Some(cmd) = app.columns.iter().position(|c| *c == SortColumn::Command) else {
        return past_edge;
    };
    let (cmd_x, cmd_w) = pos[cmd];
    let procs = &app.table.snapshot.procs;
    let longest = app
        .view
        .iter()
        .filter_map(|r| {
            let p = procs.get(r.idx)?;
            Some(r.tree_prefix().chars().count() + p.command().chars().count())
        })
        .max()
        .unwrap_or(0);
    // The longest command's end, where COMMAND starts (past the edge or not).
    let cmd_past = (cmd_x as usize + longest.max(cmd_w as usize)).saturating_sub(width as usize);
    u16::try_from(cmd_past).unwrap_or(u16::MAX).max(past_edge)
}

/// The collector reads detail fields only for the process the detail pane shows.
pub(crate) fn focus_effect(app: &App) -> Vec<Effect> {
    if app.ui.overlay.mode() != Mode::Detail {
        return Vec::new();
    }
    let want = app.ui.selected;
    let have = app.detail.as_ref().and_then(|d| d.key);
    if want == have {
        Vec::new()
    } else {
        vec![Effect::Collector(CollectorCmd::Focus(want))]
    }
}

/// Back to the table; the overlay's cursor and input go with it.
pub(crate) fn close(app: &mut App) -> Vec<Effect> {
    let was = std::mem::take(&mut app.ui.overlay);
    if let Overlay::Detail { .. } = was {
        app.detail = None;
        return vec![Effect::Collector(CollectorCmd::Focus(None))];
    }
    Vec::new()
}

/// Sorting on the column already sorted by flips the order; a new column starts
/// in its natural direction.
pub(crate) fn sort_by(app: &mut App, col: SortColumn) {
    if app.opts.sort == col {
        app.opts.descending = !app.opts.descending;
    } else {
        app.opts.sort = col;
        app.opts.descending = col.descending_by_default();
    }
    app.rebuild_view();
}

/// The typed filter in force; a regex being typed is often invalid halfway:
/// the last good filter stays, and the prompt says why.
pub(crate) fn apply_filter(app: &mut App) {
    let error = match Filter::parse(&app.ui.filter_text) {
        Ok(f) => {
            app.opts.filter = f;
            None
        }
        Err(e) => Some(e.to_string()),
    };
    if let Overlay::FilterPrompt { error: shown } = &mut app.ui.overlay {
        *shown = error;
    }
    app.rebuild_view();
}

pub(crate) fn fold(app: &mut App, a: Action) {
    if !app.opts.tree {
        app.say("folding works in tree view (t)");
        return;
    }
    let Some(key) = app.ui.selected else { return };
    if !app.view.get(app.ui.cursor).is_some_and(|r| r.has_children) {
        app.say("no children to fold here");
        return;
    }
    let folded = app.opts.collapsed.contains(&key);
    let fold = match a {
        Action::Collapse => true,
        Action::Expand => false,
        _ => !folded,
    };
    if fold {
        app.opts.collapsed.insert(key);
    } else {
        app.opts.collapsed.remove(&key);
    }
    app.rebuild_view();
}
