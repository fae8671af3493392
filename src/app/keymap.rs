//! Keys are data: per mode, a key spec maps to a named action. The default comes
//! from `config/keymap.toml`; a user file patches it.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};

pub(crate) const DEFAULT_KEYMAP: &str = include_str!("../../config/keymap.toml");

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    #[default]
    Normal,
    Filter,
    Search,
    Sort,
    /// `u`: the menu of users.
    User,
    Detail,
    Help,
    Confirm,
    Signal,
    Nice,
    Audit,
    Ended,
    Logs,
    LogFilter,
    Capture,
    /// Keys taken first in a replay, over the table's and the panes'.
    Replay,
    /// The replay's prompt for a time.
    ReplayTime,
    /// F2: columns, meters and options.
    Setup,
}

impl Mode {
    pub(crate) const ALL: [Mode; 18] = [
        Mode::Setup,
        Mode::Capture,
        Mode::Logs,
        Mode::LogFilter,
        Mode::Normal,
        Mode::Filter,
        Mode::Search,
        Mode::Sort,
        Mode::User,
        Mode::Detail,
        Mode::Help,
        Mode::Confirm,
        Mode::Signal,
        Mode::Nice,
        Mode::Audit,
        Mode::Ended,
        Mode::Replay,
        Mode::ReplayTime,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Filter => "filter",
            Mode::Search => "search",
            Mode::Sort => "sort",
            Mode::User => "user",
            Mode::Detail => "detail",
            Mode::Help => "help",
            Mode::Confirm => "confirm",
            Mode::Signal => "signal",
            Mode::Nice => "nice",
            Mode::Audit => "audit",
            Mode::Ended => "ended",
            Mode::Logs => "logs",
            Mode::LogFilter => "log-filter",
            Mode::Capture => "capture",
            Mode::Replay => "replay",
            Mode::ReplayTime => "replay-time",
            Mode::Setup => "setup",
        }
    }
}

/// Why a keymap file is not one; each names the mode or key it is about.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("{0}")]
    Malformed(String),
    #[error("unknown mode [{0}]")]
    UnknownMode(String),
    #[error("unknown key {0:?}")]
    UnknownKey(String),
}

/// A key as the keymap stores it: code plus Ctrl/Alt (Shift is in the character).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub(crate) fn from_event(e: &KeyEvent) -> Self {
        let code = match e.code {
            // Some terminals report Shift-Tab as Tab + SHIFT.
            KeyCode::Tab if e.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            c => c,
        };
        Key {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    pub fn parse(spec: &str) -> Result<Key, KeymapError> {
        let (mut ctrl, mut alt, mut rest) = (false, false, spec);
        loop {
            if rest.len() > 2 && (rest.starts_with("C-") || rest.starts_with("c-")) {
                ctrl = true;
                rest = &rest[2..];
            } else if rest.len() > 2 && (rest.starts_with("M-") || rest.starts_with("A-")) {
                alt = true;
                rest = &rest[2..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest {
                "Enter" => KeyCode::Enter,
                "Esc" => KeyCode::Esc,
                "Tab" => KeyCode::Tab,
                "BackTab" => KeyCode::BackTab,
                "Backspace" => KeyCode::Backspace,
                "Delete" => KeyCode::Delete,
                "Space" => KeyCode::Char(' '),
                "Up" => KeyCode::Up,
                "Down" => KeyCode::Down,
                "Left" => KeyCode::Left,
                "Right" => KeyCode::Right,
                "PageUp" => KeyCode::PageUp,
                "PageDown" => KeyCode::PageDown,
                "Home" => KeyCode::Home,
                "End" => KeyCode::End,
                f if f.starts_with('F') => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=24).contains(&n) => KeyCode::F(n),
                    _ => return Err(KeymapError::UnknownKey(spec.to_string())),
                },
                _ => return Err(KeymapError::UnknownKey(spec.to_string())),
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The spec text again, for the help overlay.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            c => format!("{c:?}"),
        };
        format!(
            "{}{}{}",
            if self.ctrl { "C-" } else { "" },
            if self.alt { "M-" } else { "" },
            base
        )
    }
}

#[derive(Clone, Debug, Default)]
pub struct Keymap {
    modes: HashMap<Mode, HashMap<Key, Action>>,
    /// Entries in file order per mode, for the help overlay.
    listing: BTreeMap<Mode, Vec<(Key, Action)>>,
}

type RawKeymap = BTreeMap<String, BTreeMap<String, Action>>;

impl Keymap {
    pub fn default_map() -> Keymap {
        let mut k = Keymap::default();
        k.patch(DEFAULT_KEYMAP).expect("the embedded keymap parses");
        k
    }

    /// Loads the default, patched by a user file's text when given.
    pub fn with_user(user: Option<&str>) -> Result<Keymap, KeymapError> {
        let mut k = Keymap::default_map();
        if let Some(text) = user {
            k.patch(text)?;
        }
        Ok(k)
    }

    /// Applies a keymap file's entries over this one.
    pub(crate) fn patch(&mut self, text: &str) -> Result<(), KeymapError> {
        let raw: RawKeymap =
            toml::from_str(text).map_err(|e| KeymapError::Malformed(e.message().to_string()))?;
        for (mode_name, keys) in raw {
            let mode = Mode::ALL
                .into_iter()
                .find(|m| m.name() == mode_name)
                .ok_or_else(|| KeymapError::UnknownMode(mode_name.clone()))?;
            let map = self.modes.entry(mode).or_default();
            let list = self.listing.entry(mode).or_default();
            for (spec, action) in keys {
                let key = Key::parse(&spec)?;
                list.retain(|(k, _)| *k != key);
                if action == Action::None {
                    map.remove(&key);
                } else {
                    map.insert(key, action);
                    list.push((key, action));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn lookup(&self, mode: Mode, key: &KeyEvent) -> Option<Action> {
        let map = self.modes.get(&mode)?;
        let k = Key::from_event(key);
        map.get(&k).copied()
    }

    /// Per action, the keys bound to it in a mode (help overlay).
    pub(crate) fn bindings(&self, mode: Mode) -> Vec<(Action, Vec<String>)> {
        let mut out: Vec<(Action, Vec<String>)> = Vec::new();
        for (key, action) in self.listing.get(&mode).into_iter().flatten() {
            match out.iter_mut().find(|(a, _)| a == action) {
                Some((_, keys)) => keys.push(key.label()),
                None => out.push((*action, vec![key.label()])),
            }
        }
        // Actions in their declared order: movement, sorting, filter, tree, panes.
        out.sort_by_key(|(a, _)| *a);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn default_map_has_htop_and_vim_keys() {
        let k = Keymap::default_map();
        let n = Mode::Normal;
        assert_eq!(
            k.lookup(n, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.lookup(n, &ev(KeyCode::F(10), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.lookup(n, &ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            k.lookup(n, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.lookup(n, &ev(KeyCode::Char('z'), KeyModifiers::CONTROL)),
            Some(Action::Suspend)
        );
        assert_eq!(
            k.lookup(n, &ev(KeyCode::F(6), KeyModifiers::NONE)),
            Some(Action::SortMenu)
        );
        assert_eq!(
            k.lookup(Mode::Filter, &ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn user_file_patches_and_unbinds() {
        let k = Keymap::with_user(Some("[normal]\n\"x\" = \"quit\"\n\"q\" = \"none\"\n")).unwrap();
        assert_eq!(
            k.lookup(Mode::Normal, &ev(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.lookup(Mode::Normal, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        let quit_keys = k
            .bindings(Mode::Normal)
            .into_iter()
            .find(|(a, _)| *a == Action::Quit)
            .unwrap()
            .1;
        assert!(quit_keys.contains(&"x".to_string()) && !quit_keys.contains(&"q".to_string()));
    }

    #[test]
    fn malformed_user_files_are_clear_errors() {
        assert!(
            Keymap::with_user(Some("[normal]\n\"q\" = \"fly\"\n"))
                .unwrap_err()
                .to_string()
                .contains("fly")
        );
        assert!(
            Keymap::with_user(Some("[nope]\n"))
                .unwrap_err()
                .to_string()
                .contains("nope")
        );
        assert!(
            Keymap::with_user(Some("[normal]\n\"Hyper\" = \"quit\"\n"))
                .unwrap_err()
                .to_string()
                .contains("Hyper")
        );
    }
}
