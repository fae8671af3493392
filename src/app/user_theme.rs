//! User themes: `$XDG_CONFIG_HOME/whytop/themes/NAME.toml`, chosen by name as
//! the built-in ones are. A file names colours for the palette's roles; what
//! it leaves out comes from the theme it `inherits` (dark by default). A bad
//! file is an error at its line and column, as a bad config is.

use super::config::{Config, ConfigError, DEFAULT_NAME, UserFileError, config_dir, key_at, usage};
use crate::present::palette::{self, DARK, Palette, TABLES};
use crate::present::theme::{Theme, ThemeName};
use ratatui::style::Color;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

/// Where user themes are looked for.
pub(crate) fn dir() -> Option<PathBuf> {
    Some(config_dir()?.join("themes"))
}

/// The terminal announced 24-bit colour (`COLORTERM`): `#rrggbb` is drawn as
/// it is written; elsewhere as the nearest of 256 colours.
pub(crate) fn truecolor() -> bool {
    matches!(
        std::env::var("COLORTERM").as_deref(),
        Ok("truecolor" | "24bit")
    )
}

/// Why a theme's name gives no theme.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ThemeError {
    #[error("unknown theme {name:?}; one of: {builtin}; {user}", builtin = ThemeName::names())]
    Unknown { name: String, user: UserList },
    #[error(transparent)]
    File(ConfigError),
    #[error(transparent)]
    Unreadable(UserFileError),
}

/// The user themes there are, for a message.
#[derive(Debug)]
pub(crate) struct UserList {
    dir: Option<PathBuf>,
    names: Vec<String>,
}

impl std::fmt::Display for UserList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.dir, self.names.is_empty()) {
            (None, _) => f.write_str("no directory for user themes"),
            (Some(d), true) => write!(f, "no user themes in {}", d.display()),
            (Some(d), false) => write!(
                f,
                "user themes in {}: {}",
                d.display(),
                self.names.join(", ")
            ),
        }
    }
}

/// A built-in theme, or the user's file `NAME.toml` in `dir`.
pub(crate) fn resolve(
    name: &str,
    dir: Option<&Path>,
    truecolor: bool,
) -> Result<Theme, ThemeError> {
    if let Some(t) = ThemeName::parse(name) {
        return Ok(t.into());
    }
    let unknown = || ThemeError::Unknown {
        name: name.to_string(),
        user: UserList {
            dir: dir.map(Path::to_path_buf),
            names: dir.map(names).unwrap_or_default(),
        },
    };
    let Some(dir) = dir.filter(|_| is_file_name(name)) else {
        return Err(unknown());
    };
    let path = dir.join(format!("{name}.toml"));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(unknown()),
        Err(source) => return Err(ThemeError::Unreadable(UserFileError { path, source })),
    };
    read(name, &path.display().to_string(), &text, truecolor).map_err(ThemeError::File)
}

/// A user theme from its file's text (`file`: its name in errors), its
/// colours fitted to the terminal.
pub fn from_text(name: &str, file: &str, text: &str, truecolor: bool) -> anyhow::Result<Theme> {
    read(name, file, text, truecolor).map_err(usage)
}

fn read(name: &str, file: &str, text: &str, truecolor: bool) -> Result<Theme, ConfigError> {
    Ok(Theme::user(
        name,
        parse(file, text)?.for_terminal(truecolor),
    ))
}

/// The theme the config names, its file read from the user's themes: every
/// command that draws or checks the config takes it from here.
pub(crate) fn of_config(c: &Config) -> anyhow::Result<Theme> {
    of_config_in(c, dir().as_deref(), truecolor()).map_err(usage)
}

/// The theme the config names, a user's looked for in `dir`: a wrong name
/// is an error at the config's `theme`, a bad file at its own place.
fn of_config_in(c: &Config, dir: Option<&Path>, truecolor: bool) -> Result<Theme, ConfigError> {
    resolve(&c.theme, dir, truecolor).map_err(|e| match e {
        ThemeError::File(e) => e,
        other => ConfigError {
            message: other.to_string(),
            ..c.theme_at.clone().unwrap_or_else(|| ConfigError {
                file: DEFAULT_NAME.into(),
                line: 1,
                column: 1,
                key: Some("theme".into()),
                message: String::new(),
            })
        },
    })
}

/// `whytop config --check-theme PATH`: the file as `--theme` would read it;
/// a missing or bad one is a usage error (exit 2).
pub(crate) fn check(path: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| super::options::BadUsage(format!("{}: {e}", path.display())))?;
    parse(&path.display().to_string(), &text).map_err(usage)?;
    Ok(())
}

/// What F2 setup steps through: the built-in themes, then each user theme
/// that loads (one with an error is said by `--theme NAME`).
pub(crate) fn choices(dir: Option<&Path>, truecolor: bool) -> Vec<Theme> {
    let user = dir.map(names).unwrap_or_default();
    ThemeName::ALL
        .map(Theme::from)
        .into_iter()
        .chain(user.iter().filter_map(|n| resolve(n, dir, truecolor).ok()))
        .collect()
}

/// The user themes' names in `dir`, sorted (a file named as a built-in theme
/// is not one: the built-in wins).
fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.strip_suffix(".toml")?.to_string();
            (is_file_name(&name) && ThemeName::parse(&name).is_none()).then_some(name)
        })
        .collect();
    out.sort();
    out
}

/// A name that is one file in the themes directory, not a path.
fn is_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A theme file's palette, before its colours are fitted to the terminal.
pub(crate) fn parse(file: &str, text: &str) -> Result<Palette, ConfigError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let key = key_at(text, span.clone());
        ConfigError::at(file, text, span, key.as_deref(), e.message().to_string())
    })?;
    let doc = doc.into_inner();
    let wrong = |key: &str, span: Range<usize>, message: String| {
        ConfigError::at(file, text, span, Some(key), message)
    };
    let mut p = DARK;
    if let Some((_, base)) = doc.iter().find(|(k, _)| k.get_ref() == "inherits") {
        p = match base.get_ref() {
            DeValue::String(s) if s == "dark" => DARK,
            DeValue::String(s) if s == "light" => Palette::light(),
            other => {
                let msg = format!("{} is no base theme; one of: dark, light", shown(other));
                return Err(wrong("inherits", base.span(), msg));
            }
        };
    }
    for (k, v) in doc.iter().filter(|(k, _)| k.get_ref() != "inherits") {
        match v.get_ref() {
            DeValue::Table(roles) if TABLES.contains(&k.get_ref().as_ref()) => {
                for (rk, rv) in roles {
                    set(&mut p, Some(k.get_ref()), rk, rv, &wrong)?;
                }
            }
            _ => set(&mut p, None, k, v, &wrong)?,
        }
    }
    Ok(p)
}

type Wrong<'a> = dyn Fn(&str, Range<usize>, String) -> ConfigError + 'a;

/// Sets one role from `key = "colour"` (its text) or `key = { fg = .., bg = .. }`.
fn set(
    p: &mut Palette,
    table: Option<&str>,
    key: &Spanned<DeString>,
    value: &Spanned<DeValue>,
    wrong: &Wrong,
) -> Result<(), ConfigError> {
    let path = match table {
        Some(t) => format!("{t}.{}", key.get_ref()),
        None => key.get_ref().to_string(),
    };
    let Some(style) = p.role_mut(table, key.get_ref()) else {
        let mut known = Palette::role_names(table);
        if table.is_none() {
            known.extend(TABLES);
            known.push("inherits");
        }
        let msg = format!("unknown role; one of: {}", known.join(", "));
        return Err(wrong(&path, key.span(), msg));
    };
    match value.get_ref() {
        DeValue::String(_) => style.fg = Some(colour(value, &path, wrong)?),
        DeValue::Table(parts) => {
            for (part, c) in parts {
                let slot = match part.get_ref().as_ref() {
                    "fg" => &mut style.fg,
                    "bg" => &mut style.bg,
                    _ => {
                        let at = format!("{path}.{}", part.get_ref());
                        return Err(wrong(
                            &at,
                            part.span(),
                            "unknown part; one of: fg, bg".into(),
                        ));
                    }
                };
                *slot = Some(colour(c, &format!("{path}.{}", part.get_ref()), wrong)?);
            }
        }
        other => {
            let msg = format!(
                "{} is no colour; a colour's name, \"#rrggbb\", or {{ fg = .., bg = .. }}",
                shown(other)
            );
            return Err(wrong(&path, value.span(), msg));
        }
    }
    Ok(())
}

fn colour(value: &Spanned<DeValue>, key: &str, wrong: &Wrong) -> Result<Color, ConfigError> {
    if let DeValue::String(s) = value.get_ref()
        && let Some(c) = palette::parse_colour(s)
    {
        return Ok(c);
    }
    let names: Vec<&str> = palette::COLOUR_NAMES.iter().map(|(n, _)| *n).collect();
    let msg = format!(
        "{} is no colour; one of: {}, or \"#rrggbb\"",
        shown(value.get_ref()),
        names.join(", ")
    );
    Err(wrong(key, value.span(), msg))
}

/// A value as an error quotes it.
fn shown(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Table(_) => "a table".into(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Boolean(_) => "a boolean".into(),
        DeValue::Datetime(_) => "a date".into(),
        _ => "a number".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::why::WaitReason;
    use ratatui::style::Modifier;

    fn err(text: &str) -> String {
        parse("mine.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn roles_by_name_the_rest_from_the_base() {
        let p = parse(
            "mine.toml",
            "label = \"#5f87af\"\nselected = { fg = \"black\", bg = \"lightcyan\" }\n\
             [cpu]\nuser = \"LightGreen\"\n[why]\ninput-ready = { bg = \"#d7af00\" }\n\
             event-loop = \"default\"\n",
        )
        .unwrap();
        assert_eq!(p.label.fg, Some(Color::Rgb(0x5f, 0x87, 0xaf)));
        assert_eq!(
            (p.selected.fg, p.selected.bg),
            (Some(Color::Black), Some(Color::LightCyan))
        );
        assert_eq!(p.cpu[1].fg, Some(Color::LightGreen));
        assert_eq!(p.why_input_ready.bg, Some(Color::Rgb(0xd7, 0xaf, 0)));
        assert_eq!(p.why_input_ready.fg, DARK.why_input_ready.fg, "fg kept");
        let el = WaitReason::ALL
            .iter()
            .position(|r| *r == WaitReason::EventLoop);
        assert_eq!(p.why[el.unwrap()].fg, Some(Color::Reset));
        // Untouched roles are the base's, bold and all.
        assert_eq!(
            (p.title, p.error, p.cpu[0]),
            (DARK.title, DARK.error, DARK.cpu[0])
        );
        assert!(p.error.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn the_shipped_example_sets_every_role() {
        let mut dusk = parse("dusk.toml", include_str!("../../config/themes/dusk.toml")).unwrap();
        let mut dark = DARK;
        for (mine, base) in dusk.styles_mut().zip(dark.styles_mut()) {
            assert_ne!(mine, base);
        }
    }

    #[test]
    fn inherits_light_or_dark() {
        let l = parse("t", "inherits = \"light\"\nlabel = \"red\"").unwrap();
        assert_eq!(l.meter_mid, Palette::light().meter_mid);
        assert_eq!(l.label.fg, Some(Color::Red));
        assert_eq!(parse("t", "inherits = \"dark\"").unwrap(), DARK);
        assert_eq!(parse("t", "").unwrap(), DARK, "dark by default");
    }

    #[test]
    fn every_error_names_file_line_column_and_key() {
        assert_eq!(
            err("label = \"cyan\"\n[cpu]\nuser = \"grene\"\n"),
            format!(
                "mine.toml:3:8: cpu.user: \"grene\" is no colour; one of: {}, or \"#rrggbb\"",
                palette::COLOUR_NAMES.map(|(n, _)| n).join(", ")
            )
        );
        let e = err("\n  titel = \"red\"");
        assert!(
            e.starts_with("mine.toml:2:3: titel: unknown role; one of: title, "),
            "{e}"
        );
        assert!(
            e.ends_with("cpu, memory, swap, state, why, inherits"),
            "{e}"
        );
        let e = err("[why]\nrunning = \"red\"\nsleeping = \"red\"\n");
        assert!(
            e.starts_with("mine.toml:3:1: why.sleeping: unknown role; one of: running, starved"),
            "{e}"
        );
        assert!(e.ends_with("unknown, input-ready"), "{e}");
        assert!(
            err("key = { fg = \"red\", bg = \"#12345\" }")
                .starts_with("mine.toml:1:26: key.bg: \"#12345\" is no colour"),
            "{}",
            err("key = { fg = \"red\", bg = \"#12345\" }")
        );
        assert_eq!(
            err("key = { fg = \"red\", under = \"red\" }"),
            "mine.toml:1:21: key.under: unknown part; one of: fg, bg"
        );
        assert!(err("dim = 3").starts_with("mine.toml:1:7: dim: a number is no colour"));
        assert_eq!(
            err("inherits = \"mono\"\n"),
            "mine.toml:1:12: inherits: \"mono\" is no base theme; one of: dark, light"
        );
        // Syntax: where the parser stopped, with the key its line sets.
        let e = err("label = \"cyan\"\ndim = \n");
        assert!(e.starts_with("mine.toml:2:7: dim: "), "{e}");
        let e = err("label = \"cyan\"\nlabel = \"red\"\n");
        assert!(e.starts_with("mine.toml:2:1: label: "), "{e}");
    }

    #[test]
    fn resolve_finds_user_files_and_lists_them_when_unknown() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("sunset.toml"), "label = \"#ff8700\"\n").unwrap();
        std::fs::write(d.path().join("dark.toml"), "label = \"red\"\n").unwrap();
        std::fs::write(d.path().join("broken.toml"), "label = \"nope\"\n").unwrap();
        std::fs::write(d.path().join("notes.txt"), "").unwrap();
        let t = resolve("sunset", Some(d.path()), true).unwrap();
        assert_eq!(t.name(), "sunset");
        assert_eq!(t.palette().label.fg, Some(Color::Rgb(0xff, 0x87, 0)));
        let t = resolve("sunset", Some(d.path()), false).unwrap();
        assert_eq!(
            t.palette().label.fg,
            Some(Color::Indexed(208)),
            "downgraded"
        );
        assert_eq!(
            resolve("dark", Some(d.path()), true).unwrap(),
            ThemeName::Dark,
            "built-in wins"
        );
        let e = resolve("neon", Some(d.path()), true)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "unknown theme \"neon\"; one of: dark, light, mono; user themes in {}: broken, sunset",
                d.path().display()
            )
        );
        assert!(resolve("../sunset", Some(d.path()), true).is_err());
        let e = resolve("broken", Some(d.path()), true)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("broken.toml:1:9: label: \"nope\" is no colour"),
            "{e}"
        );
        let names: Vec<String> = choices(Some(d.path()), true)
            .iter()
            .map(|t| t.name().to_string())
            .collect();
        assert_eq!(
            names,
            ["dark", "light", "mono", "sunset"],
            "the broken one left out"
        );
    }
}
