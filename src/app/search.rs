//! htop's search: the cursor jumps to the next process that matches what is
//! typed; nothing is hidden (the filter hides). The same words as the filter
//! match: text, a pid, `why:REASON`, `re:` for a regex.

use super::state::App;
use crate::model::filter::Filter;

/// Moves the cursor to the first match from view position `from`, going down
/// (or up), wrapping around. False when nothing matches.
fn jump(app: &mut App, from: usize, down: bool) -> bool {
    let Ok(Some(filter)) = Filter::parse(&app.ui.search_input) else {
        return false;
    };
    let n = app.view.len();
    let found = (0..n)
        .map(|step| {
            if down {
                (from + step) % n
            } else {
                (from + n - step) % n
            }
        })
        .find(|&pos| {
            let idx = app.view[pos].idx;
            let snap = &app.table.snapshot;
            filter.matches(&snap.procs[idx], snap.why.get(idx))
        });
    match found {
        Some(pos) => {
            app.set_cursor(pos);
            true
        }
        None => false,
    }
}

/// Starts a search from the selected row.
pub fn start(app: &mut App) {
    app.ui.search_input.clear();
    app.ui.search_error = None;
    app.ui.search_origin = app.ui.cursor;
}

/// What was typed changed: the first match from where the search started.
fn retype(app: &mut App) {
    app.ui.search_error = match Filter::parse(&app.ui.search_input) {
        Err(e) => Some(e),
        Ok(None) => {
            app.set_cursor(app.ui.search_origin);
            None
        }
        Ok(Some(_)) => (!jump(app, app.ui.search_origin, true)).then(|| "no match".to_string()),
    };
}

pub fn typed(app: &mut App, c: char) {
    app.ui.search_input.push(c);
    retype(app);
}

pub fn backspace(app: &mut App) {
    app.ui.search_input.pop();
    retype(app);
}

pub fn clear(app: &mut App) {
    app.ui.search_input.clear();
    retype(app);
}

/// Esc: back where the search started.
pub fn cancel(app: &mut App) {
    app.set_cursor(app.ui.search_origin);
    app.ui.search_input.clear();
    app.ui.search_error = None;
}

/// The next (or previous) match after the selected row (n, N, F3 again).
pub fn again(app: &mut App, down: bool) {
    if app.ui.search_input.is_empty() {
        app.say("no search yet: / or F3 starts one");
        return;
    }
    let n = app.view.len().max(1);
    let from = if down {
        app.ui.cursor + 1
    } else {
        app.ui.cursor + n - 1
    };
    if !jump(app, from % n, down) {
        let what = app.ui.search_input.clone();
        app.say(format!("no process matches {what:?}"));
    }
}
