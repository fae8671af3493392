//! htop's `u`: a menu of the users whose processes are listed, to show only
//! one user's (the first line shows everyone's again). The same filter as
//! `-u USER`, so the footer says `user: NAME` either way.

use super::action::Action;
use super::overlay::Overlay;
use super::state::App;

/// The menu's first line: everyone's processes.
pub(crate) const ALL_USERS: &str = "";

/// Opens the menu on the user shown now (or on "all users").
pub(crate) fn open(app: &mut App) {
    let mut users: Vec<String> = app
        .table
        .snapshot
        .procs
        .iter()
        .filter(|p| p.tgid.is_none())
        .map(user_of)
        .collect();
    users.sort_unstable();
    users.dedup();
    users.insert(0, ALL_USERS.to_string());
    let cursor = match &app.opts.only.user {
        Some(u) => users.iter().position(|x| x == u).unwrap_or(0),
        None => 0,
    };
    app.ui.overlay = Overlay::UserMenu { users, cursor };
}

/// A process's user as `-u` takes it: the name, else the numeric uid.
fn user_of(p: &crate::model::ProcSample) -> String {
    match (&p.user, p.uid) {
        (Some(name), _) => name.to_string(),
        (None, Some(uid)) => uid.to_string(),
        (None, None) => "?".to_string(),
    }
}

/// The menu's own keys; false: not one of them (the table's keys take it).
pub(crate) fn act(app: &mut App, a: Action) -> bool {
    let Overlay::UserMenu { users, cursor } = &mut app.ui.overlay else {
        return false;
    };
    let last = users.len().saturating_sub(1);
    match a {
        Action::Up => *cursor = cursor.saturating_sub(1),
        Action::Down => *cursor = (*cursor + 1).min(last),
        Action::Top => *cursor = 0,
        Action::Bottom => *cursor = last,
        Action::PageUp | Action::PageDown => {}
        Action::UserPick => {
            let picked = users.get(*cursor).cloned().unwrap_or_default();
            app.opts.only.user = (picked != ALL_USERS).then_some(picked);
            app.ui.overlay = Overlay::Table;
            app.rebuild_view();
            app.set_cursor(0);
        }
        Action::Close => app.ui.overlay = Overlay::Table,
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::app::keymap::Keymap;
    use crate::app::msg::Msg;
    use crate::app::overlay::Overlay;
    use crate::app::state::App;
    use crate::app::update::update;
    use crate::model::testutil::sample;
    use crate::model::view::ViewOptions;
    use crate::model::{ProcInfo, ProcSample, Snapshot};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::sync::Arc;
    use std::time::Duration;

    fn owned(pid: i32, user: Option<&str>, uid: u32) -> ProcSample {
        let mut p = sample(pid, 1, "work");
        p.info = Arc::new(ProcInfo {
            uid: Some(uid),
            user: user.map(Into::into),
            ..(*p.info).clone()
        });
        p
    }

    fn app() -> App {
        let mut app = App::new(
            Keymap::default_map(),
            ViewOptions::default(),
            Duration::from_secs(1),
        );
        update(&mut app, Msg::Resize(100, 30));
        let procs = vec![
            owned(10, Some("root"), 0),
            owned(11, Some("alice"), 1001),
            owned(12, Some("alice"), 1001),
            owned(13, None, 4242),
            owned(14, Some("bob"), 1002),
        ];
        update(
            &mut app,
            Msg::Snapshot(Arc::new(Snapshot {
                mono_ns: 1,
                procs: Arc::new(procs),
                ..Default::default()
            })),
        );
        app
    }

    fn key(app: &mut App, code: KeyCode) {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn shown(app: &App) -> Vec<i32> {
        let mut pids: Vec<i32> = app
            .view
            .iter()
            .map(|r| app.table.snapshot.procs[r.idx].pid)
            .collect();
        pids.sort_unstable();
        pids
    }

    #[test]
    fn u_lists_each_user_once_and_shows_only_the_one_picked() {
        let mut app = app();
        key(&mut app, KeyCode::Char('u'));
        let Overlay::UserMenu { users, cursor } = &app.ui.overlay else {
            panic!("no user menu: {:?}", app.ui.overlay);
        };
        // Everyone first, then names in order; a uid with no name as a number.
        assert_eq!(users, &["", "4242", "alice", "bob", "root"]);
        assert_eq!(*cursor, 0);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert!(matches!(app.ui.overlay, Overlay::Table));
        assert_eq!(app.opts.only.user.as_deref(), Some("alice"));
        assert_eq!(shown(&app), [11, 12]);
        // Opened again, it starts on the user shown; the first line is everyone.
        key(&mut app, KeyCode::Char('u'));
        assert!(matches!(
            app.ui.overlay,
            Overlay::UserMenu { cursor: 2, .. }
        ));
        key(&mut app, KeyCode::Home);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.opts.only.user, None);
        assert_eq!(shown(&app), [10, 11, 12, 13, 14]);
        // A user with no name is picked by uid, as `-u 4242` takes it.
        key(&mut app, KeyCode::Char('u'));
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert_eq!(shown(&app), [13]);
        // Esc leaves the choice as it was.
        key(&mut app, KeyCode::Char('u'));
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.opts.only.user.as_deref(), Some("4242"));
    }
}
