//! htop's search: the cursor jumps to the next process that matches what is
//! typed; nothing is hidden (the filter hides). The same words as the filter
//! match: text, a pid, `why:REASON`, `re:` for a regex.

use super::state::{App, Overlay, SearchPrompt};
use crate::model::filter::Filter;

/// Moves the cursor to the first match of `query` from view position `from`,
/// going down (or up), wrapping around. False when nothing matches.
fn jump(app: &mut App, query: &str, from: usize, down: bool) -> bool {
    let Ok(Some(filter)) = Filter::parse(query) else {
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

/// Opens the prompt at the selected row. A new search replaces the last one,
/// even if it is cancelled.
pub fn start(app: &mut App) {
    app.ui.last_search.clear();
    app.ui.overlay = Overlay::SearchPrompt(SearchPrompt {
        origin: app.ui.cursor,
        ..Default::default()
    });
}

/// Edits the prompt's text, then jumps to the first match from where the
/// search started.
fn edit(app: &mut App, change: impl FnOnce(&mut String)) {
    let Overlay::SearchPrompt(p) = &mut app.ui.overlay else {
        return;
    };
    change(&mut p.input);
    let (query, origin) = (p.input.clone(), p.origin);
    let error = match Filter::parse(&query) {
        Err(e) => Some(e.to_string()),
        Ok(None) => {
            app.set_cursor(origin);
            None
        }
        Ok(Some(_)) => (!jump(app, &query, origin, true)).then(|| "no match".to_string()),
    };
    if let Overlay::SearchPrompt(p) = &mut app.ui.overlay {
        p.error = error;
    }
}

pub fn typed(app: &mut App, c: char) {
    edit(app, |s| s.push(c));
}

pub(crate) fn backspace(app: &mut App) {
    edit(app, |s| {
        s.pop();
    });
}

pub fn clear(app: &mut App) {
    edit(app, String::clear);
}

/// Enter: stay on this match; n/N find the next ones.
pub fn accept(app: &mut App) {
    if let Overlay::SearchPrompt(p) = std::mem::take(&mut app.ui.overlay) {
        app.ui.last_search = p.input;
    }
}

/// Esc: back where the search started.
pub fn cancel(app: &mut App) {
    if let Overlay::SearchPrompt(p) = std::mem::take(&mut app.ui.overlay) {
        app.set_cursor(p.origin);
    }
}

/// The next (or previous) match after the selected row (n, N, F3 again): of
/// the text being typed, or of the last search.
pub fn again(app: &mut App, down: bool) {
    let query = match &app.ui.overlay {
        Overlay::SearchPrompt(p) => p.input.clone(),
        _ => app.ui.last_search.clone(),
    };
    if query.is_empty() {
        app.say("no search yet: / or F3 starts one");
        return;
    }
    let n = app.view.len().max(1);
    let from = if down {
        app.ui.cursor + 1
    } else {
        app.ui.cursor + n - 1
    };
    if !jump(app, &query, from % n, down) {
        app.say(format!("no process matches {query:?}"));
    }
}
