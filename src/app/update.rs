//! `update(&mut App, Msg) -> Vec<Effect>`: the only place state changes.

use super::action::Action;
use super::diagnostics;
use super::keymap::Mode;
use super::msg::{Effect, Msg};
use super::process_actions;
use super::search;
use super::state::App;
use crate::collectors::CollectorCmd;
use crate::model::Filter;
use crate::model::sort::SortColumn;
use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(k) => {
            let action = app.keymap.lookup(app.ui.mode, &k);
            match (app.ui.mode, action) {
                (_, Some(a)) => act(app, a),
                (Mode::LogFilter, None) => {
                    if let KeyCode::Char(c) = k.code
                        && !k
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    {
                        diagnostics::typed(app, c);
                    }
                    Vec::new()
                }
                (Mode::Nice, None) => {
                    if let KeyCode::Char(c @ ('0'..='9' | '-')) = k.code {
                        if std::mem::take(&mut app.ui.nice_selected) {
                            app.ui.nice_input.clear();
                        }
                        app.ui.nice_input.push(c);
                    }
                    Vec::new()
                }
                (Mode::Search, None) => {
                    if let KeyCode::Char(c) = k.code
                        && !k
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    {
                        search::typed(app, c);
                    }
                    Vec::new()
                }
                (Mode::Filter, None) => {
                    if let KeyCode::Char(c) = k.code
                        && !k
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    {
                        app.ui.filter_input.push(c);
                        apply_filter(app);
                    }
                    Vec::new()
                }
                (Mode::Normal, None) => {
                    app.say("unbound key; ? shows the keys");
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        Msg::Mouse(m) => mouse(app, m),
        Msg::Resize(w, h) => {
            app.ui.size = (w, h);
            app.rebuild_view();
            Vec::new()
        }
        // Frozen (Z): the table stays as it is; the newest pass waits.
        Msg::Snapshot(s) if app.ui.frozen => {
            app.held_snapshot = Some(s);
            Vec::new()
        }
        Msg::Snapshot(s) => {
            app.ingest(s);
            focus_effect(app)
        }
        Msg::Detail(d) => {
            app.detail = d;
            Vec::new()
        }
        Msg::CollectorError(e) => {
            app.collector_error = e;
            Vec::new()
        }
        Msg::LadderProgress(p) => {
            process_actions::ladder_progress(app, p);
            Vec::new()
        }
        Msg::LadderDone(o) => {
            process_actions::ladder_done(app, o);
            Vec::new()
        }
        Msg::ActionDone(o) => {
            app.say(o.message);
            Vec::new()
        }
        Msg::CaptureProgress(id, p) => {
            diagnostics::capture_progress(app, id, p);
            Vec::new()
        }
        Msg::CaptureDone(id, c) => {
            diagnostics::capture_done(app, id, *c);
            Vec::new()
        }
        Msg::Log(id, ev) => {
            diagnostics::log_event(app, id, ev);
            Vec::new()
        }
        Msg::Audit(records) => {
            app.audit = records;
            Vec::new()
        }
        Msg::Tick => {
            if app.ui.status_ttl > 0 {
                app.ui.status_ttl -= 1;
                if app.ui.status_ttl == 0 {
                    app.ui.status = None;
                }
            }
            Vec::new()
        }
    }
}

/// The collector reads detail fields only for the process the detail pane shows.
fn focus_effect(app: &App) -> Vec<Effect> {
    if app.ui.mode != Mode::Detail {
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

/// Up, down, a page, the top or the end of the open pane: never past its end
/// as last drawn.
fn scroll_pane(app: &mut App, a: Action) {
    let ext = &app.ui.overlay_extent;
    let (last, page) = (ext.last_offset.get(), ext.height.get().max(1));
    let at = app.ui.overlay_scroll.min(last);
    app.ui.overlay_scroll = match a {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => (at + page).min(last),
        Action::Top => 0,
        _ => last,
    };
}

fn act(app: &mut App, a: Action) -> Vec<Effect> {
    app.ui.quit_armed &= a == Action::Quit;
    let page = app.page_rows();
    let overlay = matches!(app.ui.mode, Mode::Help | Mode::Sort | Mode::Audit)
        || app.ui.mode == Mode::Detail && app.ui.detail_focus;
    let shown = app.ui.selected;
    if matches!(app.ui.mode, Mode::Logs | Mode::LogFilter | Mode::Capture)
        || matches!(a, Action::Snapshot | Action::Logs | Action::Capture)
    {
        return diagnostics::act(app, a);
    }
    if matches!(app.ui.mode, Mode::Nice) && a == Action::FilterBackspace {
        app.ui.nice_selected = false;
        app.ui.nice_input.pop();
        return Vec::new();
    }
    if matches!(app.ui.mode, Mode::Nice) && a == Action::FilterClear {
        app.ui.nice_selected = false;
        app.ui.nice_input.clear();
        return Vec::new();
    }
    if matches!(app.ui.mode, Mode::Confirm | Mode::Signal | Mode::Nice) || a.acts_on_processes() {
        return process_actions::act(app, a);
    }
    match a {
        // Quitting cancels a running stop (its outcome is still audited): ask first.
        Action::Quit if app.ladder.is_some() && !app.ui.quit_armed => {
            app.ui.quit_armed = true;
            app.say("a stop is running: quit again to cancel it and leave, X to kill now");
        }
        Action::Quit => app.quit = true,
        Action::Suspend => return vec![Effect::Suspend],
        Action::Up if app.ui.mode == Mode::Sort => {
            app.ui.sort_cursor = app.ui.sort_cursor.saturating_sub(1)
        }
        Action::Down if app.ui.mode == Mode::Sort => {
            app.ui.sort_cursor = (app.ui.sort_cursor + 1).min(SortColumn::ALL.len() - 1)
        }
        Action::Top if app.ui.mode == Mode::Sort => app.ui.sort_cursor = 0,
        Action::Bottom if app.ui.mode == Mode::Sort => {
            app.ui.sort_cursor = SortColumn::ALL.len() - 1
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if overlay =>
        {
            scroll_pane(app, a)
        }
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
            app.ui.sort_cursor = SortColumn::ALL
                .iter()
                .position(|c| *c == app.opts.sort)
                .unwrap_or(0);
            app.ui.mode = Mode::Sort;
        }
        Action::SortPick => {
            sort_by(
                app,
                SortColumn::ALL[app.ui.sort_cursor.min(SortColumn::ALL.len() - 1)],
            );
            app.ui.mode = Mode::Normal;
        }
        Action::SortNext => sort_by(app, app.opts.sort.next()),
        Action::SortPrev => sort_by(app, app.opts.sort.prev()),
        Action::SortCpu => sort_by(app, SortColumn::Cpu),
        Action::SortMem => sort_by(app, SortColumn::Mem),
        Action::SortTime => sort_by(app, SortColumn::Time),
        Action::SortReverse => {
            app.opts.descending = !app.opts.descending;
            app.rebuild_view();
        }
        Action::Filter => {
            app.ui.mode = Mode::Filter;
            apply_filter(app);
        }
        // F3 while searching: the next match, as in htop.
        Action::Search if app.ui.mode == Mode::Search => search::again(app, true),
        Action::Search => {
            app.ui.mode = Mode::Search;
            search::start(app);
        }
        Action::SearchNext => search::again(app, true),
        Action::SearchPrev => search::again(app, false),
        Action::SearchAccept => app.ui.mode = Mode::Normal,
        Action::SearchCancel => {
            search::cancel(app);
            app.ui.mode = Mode::Normal;
        }
        Action::SearchBackspace => search::backspace(app),
        Action::SearchClear => search::clear(app),
        Action::ClearFilter => {
            app.ui.filter_input.clear();
            apply_filter(app);
        }
        Action::FilterAccept => {
            app.ui.mode = Mode::Normal;
            if app.ui.filter_error.is_some() {
                app.ui.filter_input.clear();
                apply_filter(app);
            }
        }
        Action::FilterCancel => {
            app.ui.filter_input.clear();
            apply_filter(app);
            app.ui.mode = Mode::Normal;
        }
        Action::FilterBackspace => {
            app.ui.filter_input.pop();
            apply_filter(app);
        }
        Action::FilterClear => {
            app.ui.filter_input.clear();
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
        Action::Detail => {
            app.ui.mode = Mode::Detail;
            app.ui.overlay_scroll = 0;
            app.ui.detail_focus = false;
            return focus_effect(app);
        }
        Action::FocusPane => {
            app.ui.detail_focus = !app.ui.detail_focus;
            app.say(if app.ui.detail_focus {
                "keys scroll the details (Tab: back to the table)"
            } else {
                "keys move in the table (Tab: scroll the details)"
            });
        }
        Action::FullScreen => app.ui.detail_full = !app.ui.detail_full,
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
        Action::Help => {
            app.ui.mode = Mode::Help;
            app.ui.overlay_scroll = 0;
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
        Action::Close => {
            if app.ui.mode == Mode::Detail {
                app.detail = None;
                app.ui.mode = Mode::Normal;
                return vec![Effect::Collector(CollectorCmd::Focus(None))];
            }
            app.ui.mode = Mode::Normal;
        }
        // The rest are handled above (process actions, diagnostics) or need a mode.
        _ => {}
    }
    if app.ui.mode == Mode::Detail {
        if app.ui.selected != shown {
            // Another process: its details from their top, the verdict first.
            app.ui.overlay_scroll = 0;
        }
        focus_effect(app)
    } else {
        Vec::new()
    }
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

fn apply_filter(app: &mut App) {
    match Filter::parse(&app.ui.filter_input) {
        Ok(f) => {
            app.opts.filter = f;
            app.ui.filter_error = None;
        }
        // A regex being typed is often invalid halfway: keep the last good filter.
        Err(e) => app.ui.filter_error = Some(e),
    }
    app.rebuild_view();
}

fn fold(app: &mut App, a: Action) {
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

fn mouse(app: &mut App, m: crossterm::event::MouseEvent) -> Vec<Effect> {
    if app.ui.mode != Mode::Normal && app.ui.mode != Mode::Detail {
        return Vec::new();
    }
    let areas = app.areas();
    let t = areas.table;
    let inside =
        m.column >= t.x && m.column < t.x + t.width && m.row >= t.y && m.row < t.y + t.height;
    match m.kind {
        MouseEventKind::ScrollDown => app.set_cursor(app.ui.cursor + 3),
        MouseEventKind::ScrollUp => app.set_cursor(app.ui.cursor.saturating_sub(3)),
        MouseEventKind::Down(MouseButton::Left) if inside && m.row == t.y => {
            if let Some(col) = crate::present::columns::column_at(t.width, m.column - t.x) {
                sort_by(app, col);
            }
        }
        MouseEventKind::Down(MouseButton::Left) if inside => {
            let pos = app.ui.scroll + (m.row - t.y - 1) as usize;
            if pos < app.view.len() {
                app.set_cursor(pos);
            }
        }
        _ => {}
    }
    focus_effect(app)
}
