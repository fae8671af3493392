//! `update(&mut App, Msg) -> Vec<Effect>`: the only place state changes.
//! A key is looked up in the open overlay's keymap section, then handled by
//! that overlay first and the table second.

use super::action::Action;
use super::diagnostics;
use super::keymap::Mode;
use super::msg::{Effect, Msg};
use super::process_actions;
use super::replay;
use super::search;
use super::state::{App, Overlay};
use super::table_keys::{self, apply_filter, close, focus_effect, sort_by};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(k) => match replay::lookup(app, &k) {
            Some(a) => act(app, a),
            None => unbound(app, &k),
        },
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
            let mut fx = focus_effect(app);
            // While the Ended view is open, a process that just ended may have
            // been stopped by a ladder (this one's or another whytop's): its
            // audit record comes a moment after.
            let seq = app.history.seq();
            if matches!(app.ui.overlay, Overlay::Ended { .. })
                && app.history.ended().iter().any(|e| seq - e.ended_seq < 3)
            {
                fx.push(Effect::LoadAudit);
            }
            fx
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
            // Its audit record is written: the Ended view says the step.
            vec![Effect::LoadAudit]
        }
        Msg::ActionDone(o) => {
            app.say(o.message);
            Vec::new()
        }
        Msg::CaptureProgress(id, p) => {
            diagnostics::capture_progress(app, id, p);
            Vec::new()
        }
        Msg::CaptureDone(id, c) => diagnostics::capture_done(app, id, *c),
        Msg::Log(id, ev) => {
            diagnostics::log_event(app, id, ev);
            Vec::new()
        }
        Msg::Audit(records) => {
            app.ladder_stops = crate::actions::stop::ladder_stops(&records);
            app.audit = records;
            Vec::new()
        }
        Msg::Replay(f) => replay::frame(app, *f),
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

/// A key the open overlay's section does not bind: text for a prompt, a hint
/// in the table, nothing elsewhere.
fn unbound(app: &mut App, k: &KeyEvent) -> Vec<Effect> {
    let plain = !k
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match (&mut app.ui.overlay, k.code) {
        (
            Overlay::Logs {
                filtering: true, ..
            },
            KeyCode::Char(c),
        ) if plain => diagnostics::typed(app, c),
        (Overlay::NicePrompt { input, selected }, KeyCode::Char(c @ ('0'..='9' | '-'))) => {
            if std::mem::take(selected) {
                input.clear();
            }
            input.push(c);
        }
        (Overlay::SearchPrompt(_), KeyCode::Char(c)) if plain => search::typed(app, c),
        (Overlay::TimePrompt { .. }, KeyCode::Char(c)) if plain => replay::typed(app, c),
        (Overlay::FilterPrompt { .. }, KeyCode::Char(c)) if plain => {
            app.ui.filter_text.push(c);
            apply_filter(app);
        }
        (Overlay::Table, _) => app.say("unbound key; ? shows the keys"),
        _ => {}
    }
    Vec::new()
}

/// Up, down, a page, the top or the end of the open pane: never past its end
/// as last drawn.
fn scroll_pane(app: &mut App, a: Action) {
    let ext = &app.ui.overlay_extent;
    let (last, page) = (ext.last_offset.get(), ext.height.get().max(1));
    let Some(scroll) = app.ui.overlay.pane_scroll_mut() else {
        return;
    };
    let at = (*scroll).min(last);
    *scroll = match a {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => (at + page).min(last),
        Action::Top => 0,
        _ => last,
    };
}

fn is_movement(a: Action) -> bool {
    matches!(
        a,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

/// Keys that open a diagnostics pane or save a bundle, from wherever they are bound.
fn starts_diagnostics(a: Action) -> bool {
    matches!(a, Action::SaveBundle | Action::Logs | Action::Capture)
}

/// Dispatch on the open overlay first, then the action.
pub(crate) fn act(app: &mut App, a: Action) -> Vec<Effect> {
    app.ui.quit_armed &= a == Action::Quit;
    if let Some(effects) = replay::intercept(app, a) {
        return effects;
    }
    match app.ui.overlay.mode() {
        Mode::Normal => table_keys::act(app, a),
        Mode::Filter => filter_key(app, a),
        Mode::Search => search_key(app, a),
        Mode::Sort => sort_key(app, a),
        Mode::User if super::user_menu::act(app, a) => Vec::new(),
        Mode::User => table_keys::act(app, a),
        Mode::Detail => detail_key(app, a),
        Mode::Help | Mode::Audit | Mode::Ended => match a {
            a if is_movement(a) => {
                scroll_pane(app, a);
                Vec::new()
            }
            Action::Close => close(app),
            a => table_keys::act(app, a),
        },
        // A dialog takes its own keys, and a key that acts on processes
        // (planning again, say) where a user binds one; nothing else.
        Mode::Confirm | Mode::Signal | Mode::Nice => match process_actions::dialog_key(app, a) {
            Some(effects) => effects,
            None if a.acts_on_processes() || starts_diagnostics(a) => table_keys::act(app, a),
            None => Vec::new(),
        },
        Mode::Logs | Mode::LogFilter | Mode::Capture => diagnostics::act(app, a),
        Mode::ReplayTime => replay::prompt_key(app, a),
        // A section looked up before the overlay's, never an overlay's own.
        Mode::Replay => Vec::new(),
        // Quitting from setup is quitting (a running stop asks first).
        Mode::Setup if a == Action::Quit => table_keys::act(app, a),
        Mode::Setup => super::setup::act(app, a),
    }
}

fn filter_key(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Action::FilterAccept => {
            let bad = matches!(&app.ui.overlay, Overlay::FilterPrompt { error: Some(_) });
            app.ui.overlay = Overlay::Table;
            if bad {
                app.ui.filter_text.clear();
                apply_filter(app);
            }
        }
        Action::FilterCancel => {
            app.ui.overlay = Overlay::Table;
            app.ui.filter_text.clear();
            apply_filter(app);
        }
        Action::FilterBackspace => {
            app.ui.filter_text.pop();
            apply_filter(app);
        }
        Action::FilterClear => {
            app.ui.filter_text.clear();
            apply_filter(app);
        }
        a => return table_keys::act(app, a),
    }
    Vec::new()
}

fn search_key(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        // F3 while searching: the next match, as in htop.
        Action::Search | Action::SearchNext => search::again(app, true),
        Action::SearchPrev => search::again(app, false),
        Action::SearchAccept => search::accept(app),
        Action::SearchCancel => search::cancel(app),
        Action::SearchBackspace => search::backspace(app),
        Action::SearchClear => search::clear(app),
        a => return table_keys::act(app, a),
    }
    Vec::new()
}

fn sort_key(app: &mut App, a: Action) -> Vec<Effect> {
    let last = app.columns.len().saturating_sub(1);
    let columns = app.columns.clone();
    let Overlay::SortMenu { cursor } = &mut app.ui.overlay else {
        return Vec::new();
    };
    match a {
        Action::Up => *cursor = cursor.saturating_sub(1),
        Action::Down => *cursor = (*cursor + 1).min(last),
        Action::Top => *cursor = 0,
        Action::Bottom => *cursor = last,
        // The menu does not page.
        Action::PageUp | Action::PageDown => {}
        Action::SortPick => {
            let Some(&col) = columns.get((*cursor).min(last)) else {
                return Vec::new();
            };
            app.ui.overlay = Overlay::Table;
            sort_by(app, col);
        }
        Action::Close => return close(app),
        a => return table_keys::act(app, a),
    }
    Vec::new()
}

/// The detail pane: focused, movement scrolls it; otherwise the table's keys,
/// and another process selected shows its details from their top.
fn detail_key(app: &mut App, a: Action) -> Vec<Effect> {
    let focused = matches!(app.ui.overlay, Overlay::Detail { focus: true, .. });
    match a {
        a if is_movement(a) && focused => scroll_pane(app, a),
        Action::FocusPane => {
            if let Overlay::Detail { focus, .. } = &mut app.ui.overlay {
                *focus = !*focus;
                let focus = *focus;
                app.say(if focus {
                    "keys scroll the details (Tab: back to the table)"
                } else {
                    "keys move in the table (Tab: scroll the details)"
                });
            }
        }
        Action::Close => return close(app),
        a if a.acts_on_processes() || starts_diagnostics(a) => return table_keys::act(app, a),
        a => {
            let shown = app.ui.selected;
            let mut effects = table_keys::act(app, a);
            if let Overlay::Detail { scroll, .. } = &mut app.ui.overlay
                && app.ui.selected != shown
            {
                // Another process: its details from their top, the verdict first.
                *scroll = 0;
            }
            if effects.is_empty() {
                effects = focus_effect(app);
            }
            return effects;
        }
    }
    focus_effect(app)
}

fn mouse(app: &mut App, m: crossterm::event::MouseEvent) -> Vec<Effect> {
    if !matches!(app.ui.overlay, Overlay::Table | Overlay::Detail { .. }) {
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
            // The titles scroll sideways with the rows.
            let x = m.column - t.x + app.ui.hscroll;
            if let Some(col) = crate::present::columns::column_at(&app.columns, t.width, x) {
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
