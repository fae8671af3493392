//! Settings: the embedded default, patched by the user's file, then by flags.
//! A file that does not parse or holds a wrong value is an error that names
//! the file, the line, the column and the key: nothing is silently ignored.

use super::options::BadUsage;
use crate::actions::ladder::{Order, Policy, PolicyError};
use crate::model::sort::SortColumn;
use crate::present::columns::{self, UnknownColumn};
use crate::present::meters::{MeterKind, UnknownMeter, parse_list};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub(crate) const DEFAULT_CONFIG: &str = include_str!("../../config/whytop.toml");

#[derive(Clone, Debug)]
pub struct Config {
    pub delay: u64,
    pub tree: bool,
    pub sort: String,
    pub ladder: String,
    pub ladder_order: Order,
    /// A built-in theme's name or a user theme's (`Config::theme_in`).
    pub theme: String,
    /// Where the file in force set `theme`, for an error about the theme
    /// (`user_theme::of_config`).
    pub(crate) theme_at: Option<ConfigError>,
    /// The header's meters in order (`present::meters` names).
    pub meters: Vec<String>,
    /// The table's columns in order (`present::columns` names).
    pub columns: Vec<String>,
    /// COMMAND shows programs with their directory (htop's `p`).
    pub program_path: bool,
    /// Quitting writes what setup (F2) or `p` changed back to the file.
    pub save_on_quit: bool,
}

/// A config file as written: every key optional, each value with where it
/// stands, so a wrong one is reported at its line and column.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    delay: Option<Spanned<u64>>,
    tree: Option<Spanned<bool>>,
    sort: Option<Spanned<String>>,
    ladder: Option<Spanned<String>>,
    ladder_order: Option<Spanned<Order>>,
    theme: Option<Spanned<String>>,
    meters: Option<Spanned<Vec<String>>>,
    /// Each name with its own place, so a wrong one is pointed at.
    columns: Option<Spanned<Vec<Spanned<String>>>>,
    program_path: Option<Spanned<bool>>,
    save_on_quit: Option<Spanned<bool>>,
}

/// What is wrong with a config file, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {}{message}", key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
pub(crate) struct ConfigError {
    /// The path, or `built-in default`.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The key concerned, when the error is about one.
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn at(
        file: &str,
        text: &str,
        span: Range<usize>,
        key: Option<&str>,
        message: String,
    ) -> Self {
        let start = span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        ConfigError {
            file: file.into(),
            line: text[..start].matches('\n').count() + 1,
            column: text[line_start..start].chars().count() + 1,
            key: key.map(str::to_string),
            message,
        }
    }
}

/// The built-in default's name in errors (it parses: a unit test holds it).
pub(crate) const DEFAULT_NAME: &str = "built-in default";

impl Config {
    /// The default patched by `user`: (its name in errors, its text).
    pub fn parse(user: Option<(&str, &str)>) -> Result<Config, ConfigError> {
        let mut c = Config {
            delay: 10,
            tree: false,
            sort: "cpu".into(),
            ladder: String::new(),
            ladder_order: Order::default(),
            theme: String::new(),
            theme_at: None,
            meters: Vec::new(),
            columns: Vec::new(),
            program_path: true,
            save_on_quit: true,
        };
        c.patch(DEFAULT_NAME, DEFAULT_CONFIG)?;
        if let Some((file, text)) = user {
            c.patch(file, text)?;
        }
        Ok(c)
    }

    /// Sets what `text` sets, each value checked where it stands.
    fn patch(&mut self, file: &str, text: &str) -> Result<(), ConfigError> {
        let f: ConfigFile = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let key = key_at(text, span.clone());
            ConfigError::at(file, text, span, key.as_deref(), e.message().to_string())
        })?;
        let wrong = |key: &str, span: Range<usize>, message: String| {
            ConfigError::at(file, text, span, Some(key), message)
        };
        if let Some(d) = f.delay {
            if !(1..=36000).contains(d.get_ref()) {
                let msg = format!("must be 1..=36000 tenths of a second, not {}", d.get_ref());
                return Err(wrong("delay", d.span(), msg));
            }
            self.delay = d.into_inner();
        }
        if let Some(t) = f.tree {
            self.tree = t.into_inner();
        }
        if let Some(p) = f.program_path {
            self.program_path = p.into_inner();
        }
        if let Some(s) = f.save_on_quit {
            self.save_on_quit = s.into_inner();
        }
        if let Some(s) = f.sort {
            if columns::parse(s.get_ref()).is_none() {
                let msg = format!(
                    "unknown sort column {:?}; one of: {}",
                    s.get_ref(),
                    columns::names()
                );
                return Err(wrong("sort", s.span(), msg));
            }
            self.sort = s.into_inner();
        }
        if let Some(l) = f.ladder {
            Policy::parse(l.get_ref()).map_err(|e| wrong("ladder", l.span(), e.to_string()))?;
            self.ladder = l.into_inner();
        }
        if let Some(o) = f.ladder_order {
            self.ladder_order = o.into_inner();
        }
        if let Some(m) = f.meters {
            parse_list(m.get_ref()).map_err(|e| wrong("meters", m.span(), e.to_string()))?;
            self.meters = m.into_inner();
        }
        if let Some(list) = f.columns {
            let names: Vec<&String> = list.get_ref().iter().map(|n| n.get_ref()).collect();
            if let Err(e) = columns::parse_list(&names) {
                let span = list.get_ref()[e.index].span();
                return Err(wrong("columns", span, e.to_string()));
            }
            if names.is_empty() {
                return Err(wrong("columns", list.span(), "names no column".into()));
            }
            self.columns = list
                .into_inner()
                .into_iter()
                .map(|n| n.into_inner())
                .collect();
        }
        if let Some(t) = f.theme {
            self.theme_at = Some(wrong("theme", t.span(), String::new()));
            self.theme = t.into_inner();
        }
        Ok(())
    }

    /// The default patched by the file in force (`--config PATH`, else the
    /// user's `config.toml` if there is one).
    pub fn load() -> anyhow::Result<Config> {
        let user = match chosen_file() {
            Some(path) => Some(read_named(path)?),
            None => read_user_file("config.toml")?,
        };
        let named = user
            .as_ref()
            .map(|(p, t)| (p.display().to_string(), t.as_str()));
        Config::parse(named.as_ref().map(|(p, t)| (p.as_str(), *t))).map_err(usage)
    }

    /// Checks the file at `path` as whytop would load it.
    pub fn check(path: &Path) -> anyhow::Result<Config> {
        let (path, text) = read_named(path)?;
        Config::parse(Some((&path.display().to_string(), &text))).map_err(usage)
    }

    pub fn policy(&self) -> Result<Policy, PolicyError> {
        let mut p = Policy::parse(&self.ladder)?;
        p.order = self.ladder_order;
        Ok(p)
    }

    pub(crate) fn meter_kinds(&self) -> Result<Vec<MeterKind>, UnknownMeter> {
        parse_list(&self.meters)
    }

    pub(crate) fn sort_column(&self) -> Result<SortColumn, UnknownColumn> {
        columns::named(&self.sort)
    }

    /// The table's columns (the default's when the config names none).
    pub(crate) fn column_ids(&self) -> Result<Vec<SortColumn>, UnknownColumn> {
        if self.columns.is_empty() {
            return Ok(columns::DEFAULT.to_vec());
        }
        columns::parse_list(&self.columns)
    }
}

/// The key a parse error is about: the one its line assigns (`key = value`),
/// or the span itself when it is a key (an unknown one).
pub(crate) fn key_at(text: &str, span: Range<usize>) -> Option<String> {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let key = match before.find('=') {
        Some(eq) => &before[..eq],
        None => text.get(span)?,
    };
    let key = key.trim().trim_matches('"');
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then(|| key.to_string())
}

/// `--config PATH`: the file every command loads instead of the user's.
static CHOSEN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Names the config file for this run (the command line's `--config`).
pub(crate) fn choose_file(path: PathBuf) {
    let _ = CHOSEN.set(path);
}

fn chosen_file() -> Option<&'static Path> {
    CHOSEN.get().map(PathBuf::as_path)
}

/// The file settings are saved to: the one `--config` names, else the user's.
pub(crate) fn save_path() -> Option<PathBuf> {
    chosen_file()
        .map(Path::to_path_buf)
        .or_else(|| Some(config_dir()?.join("config.toml")))
}

/// A file named on the command line: it must exist (else exit 2, as a wrong flag).
fn read_named(path: &Path) -> anyhow::Result<(PathBuf, String)> {
    std::fs::read_to_string(path)
        .map(|t| (path.to_path_buf(), t))
        .map_err(|e| BadUsage(format!("{}: {e}", path.display())).into())
}

/// A config that does not hold is a usage error: whytop does not start with it.
pub(crate) fn usage(e: ConfigError) -> anyhow::Error {
    BadUsage(e.to_string()).into()
}

/// `$XDG_CONFIG_HOME/whytop` (or the platform's equivalent).
pub(crate) fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "whytop").map(|d| d.config_dir().to_path_buf())
}

/// Reads a user file if present. Missing is fine; unreadable or malformed is an
/// error naming the path, so nothing is silently ignored.
pub(crate) fn read_user_file(name: &str) -> Result<Option<(PathBuf, String)>, UserFileError> {
    let Some(dir) = config_dir() else {
        return Ok(None);
    };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(UserFileError { path, source }),
    }
}

/// A user file (config, keymap) that is there but cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub(crate) struct UserFileError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Some(("my.toml", text)))
    }

    fn err(text: &str) -> String {
        user(text).unwrap_err().to_string()
    }

    #[test]
    fn defaults_and_patches() {
        let c = Config::parse(None).unwrap();
        assert_eq!(
            (c.delay, c.tree, c.sort_column().unwrap(), c.theme.as_str()),
            (10, false, SortColumn::Cpu, "dark")
        );
        let c = user("delay = 5\nsort = \"mem\"\ntheme = \"light\"\n").unwrap();
        assert_eq!(
            (c.delay, c.sort_column().unwrap(), c.theme.as_str()),
            (5, SortColumn::Mem, "light")
        );
        let c = user("ladder = \"HUP:1,KILL:2\"\nladder_order = \"all-at-once\"").unwrap();
        assert_eq!(c.policy().unwrap().order, Order::AllAtOnce);
    }

    #[test]
    fn every_error_names_file_line_column_and_key() {
        assert_eq!(
            err("tree = true\ndelay = \"fast\"\n"),
            "my.toml:2:9: delay: invalid type: string \"fast\", expected u64"
        );
        let unknown = err("delay = 5\n  colour = 1\n");
        assert!(
            unknown.starts_with("my.toml:2:3: colour: unknown field `colour`"),
            "{unknown}"
        );
        assert_eq!(
            err("sort = \"speed\""),
            format!(
                "my.toml:1:8: sort: unknown sort column \"speed\"; one of: {}",
                columns::names()
            )
        );
        assert!(err("\n\ndelay = 0").starts_with("my.toml:3:9: delay: must be 1..=36000"));
        assert!(err("ladder = \"TERM\"").starts_with("my.toml:1:10: ladder: "));
        // A theme's name is checked where it is read (`user_theme::of_config`).
        let neon = user("\ntheme = \"neon\"").unwrap();
        let at = neon.theme_at.as_ref().map(|a| (a.line, a.column));
        assert_eq!((neon.theme.as_str(), at), ("neon", Some((2, 9))));
        assert!(
            err("ladder_order = \"random\"").starts_with("my.toml:1:16: ladder_order: "),
            "{}",
            err("ladder_order = \"random\"")
        );
        // Syntax: where the parser stopped.
        let syntax = user("delay = 5\ntree = \n").unwrap_err();
        assert_eq!(
            (syntax.file.as_str(), syntax.line),
            ("my.toml", 2),
            "{syntax}"
        );
    }

    #[test]
    fn meters_default_to_htops_and_are_checked() {
        let c = Config::parse(None).unwrap();
        assert_eq!(c.meter_kinds().unwrap(), MeterKind::DEFAULT);
        let c = user("meters = [\"cpus\", \"clock\", \"io-pressure\"]").unwrap();
        assert_eq!(
            c.meter_kinds().unwrap(),
            [MeterKind::Cpus, MeterKind::Clock, MeterKind::IoPressure]
        );
        let c = user("meters = [\"cpus\", \"cpu-graph\", \"memory-graph\"]").unwrap();
        assert_eq!(
            c.meter_kinds().unwrap(),
            [MeterKind::Cpus, MeterKind::CpuGraph, MeterKind::MemoryGraph]
        );
        let e = err("meters = [\"fan\"]");
        assert!(
            e.starts_with("my.toml:1:10: meters: ") && e.contains("fan"),
            "{e}"
        );
    }

    #[test]
    fn columns_default_to_todays_and_a_wrong_name_is_pointed_at() {
        let c = Config::parse(None).unwrap();
        assert_eq!(c.column_ids().unwrap(), columns::DEFAULT);
        let c = user("columns = [\"pid\", \"ppid\", \"nlwp\", \"tty\", \"command\"]").unwrap();
        assert_eq!(
            c.column_ids().unwrap(),
            [
                SortColumn::Pid,
                SortColumn::Ppid,
                SortColumn::Nlwp,
                SortColumn::Tty,
                SortColumn::Command
            ]
        );
        let c = user("columns = [\"pid\", \"cpu-history\", \"command\"]").unwrap();
        assert_eq!(
            c.column_ids().unwrap(),
            [SortColumn::Pid, SortColumn::CpuHistory, SortColumn::Command]
        );
        assert!(!columns::DEFAULT.contains(&SortColumn::CpuHistory));
        // The wrong name itself, on its own line and column.
        let e = err("delay = 5\ncolumns = [\n  \"pid\",\n    \"fan\",\n]\n");
        assert!(
            e.starts_with("my.toml:4:5: columns: unknown column \"fan\"; one of: pid, ppid"),
            "{e}"
        );
        assert!(err("columns = []").starts_with("my.toml:1:11: columns: names no column"));
        assert!(
            err("columns = [\"pid\", 3]").starts_with("my.toml:1:19: columns: "),
            "{}",
            err("columns = [\"pid\", 3]")
        );
        // The macOS columns, by name and alias.
        let c = user("columns = [\"pid\", \"qos\", \"bg\", \"foot\", \"energy\", \"io-read\"]")
            .unwrap();
        assert_eq!(
            c.column_ids().unwrap(),
            [
                SortColumn::Pid,
                SortColumn::Qos,
                SortColumn::Bg,
                SortColumn::Footprint,
                SortColumn::Energy,
                SortColumn::IoRead
            ]
        );
        assert_eq!(
            user("sort = \"footprint\"").unwrap().sort_column(),
            Ok(SortColumn::Footprint)
        );
        // Sorting takes every column's name too.
        assert_eq!(
            user("sort = \"ppid\"").unwrap().sort_column(),
            Ok(SortColumn::Ppid)
        );
    }

    #[test]
    fn the_default_file_sets_every_key() {
        let f: ConfigFile = toml::from_str(DEFAULT_CONFIG).unwrap();
        assert!(f.delay.is_some() && f.tree.is_some() && f.sort.is_some());
        assert!(f.ladder.is_some() && f.ladder_order.is_some() && f.theme.is_some());
        assert!(f.columns.is_some() && f.meters.is_some());
        assert!(f.program_path.is_some() && f.save_on_quit.is_some());
    }
}
