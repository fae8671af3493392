//! Quitting with `save_on_quit`: what setup or `p` changed this session is
//! written into the config file (the built-in default's text when there is
//! none yet, so the new file is commented), each key where it stands.

use super::config::{Config, DEFAULT_CONFIG, save_path};
use super::config_write::{array, set_keys};
use super::state::App;
use std::path::{Path, PathBuf};

/// Saves if asked to and anything changed; the file written, if one was.
pub(crate) fn on_quit(app: &App) -> Result<Option<PathBuf>, SaveError> {
    let keys = changed_keys(app);
    if keys.is_empty() {
        return Ok(None);
    }
    let path = save_path().ok_or(SaveError::NoConfigDir)?;
    save(&path, &keys).map(|()| Some(path))
}

/// The changed settings as config keys and TOML values; with saving turned
/// off only that choice itself is kept.
pub(crate) fn changed_keys(app: &App) -> Vec<(&'static str, String)> {
    let value = |key: &str| -> String {
        match key {
            "delay" => (app.delay.as_millis() / 100).to_string(),
            "theme" => format!("{:?}", app.theme.name()),
            "columns" => {
                let names: Vec<&str> = app
                    .columns
                    .iter()
                    .map(|c| crate::present::columns::name(*c))
                    .collect();
                array(&names)
            }
            "meters" => {
                let names: Vec<&str> = app.meters.iter().map(|m| m.name()).collect();
                array(&names)
            }
            "program_path" => (!app.ui.program_name_only).to_string(),
            _ => app.save_on_quit.to_string(),
        }
    };
    app.settings_changed
        .iter()
        .filter(|k| app.save_on_quit || **k == "save_on_quit")
        .map(|k| (*k, value(k)))
        .collect()
}

/// Writes `keys` into the file at `path`, checked as whytop would load it
/// first, and replaced whole (a crash mid-write leaves the old file).
pub(crate) fn save(path: &Path, keys: &[(&str, String)]) -> Result<(), SaveError> {
    let at = |source: std::io::Error| SaveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_CONFIG.to_string(),
        Err(e) => return Err(at(e)),
    };
    let new = set_keys(&text, keys);
    Config::parse(Some((&path.display().to_string(), &new)))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(at)?;
    }
    let tmp = path.with_extension("toml.new");
    let written = std::fs::write(&tmp, new).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // A full disk leaves no half-written file beside the user's.
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(at)
}

/// Why the settings were not saved; the config file is as it was.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SaveError {
    #[error("no config directory to save to")]
    NoConfigDir,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Invalid(#[from] super::config::ConfigError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_keeps_the_users_lines_and_a_new_file_is_the_commented_default() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("config.toml");
        std::fs::write(
            &mine,
            "# my settings\nsort = \"mem\" # I like memory\ndelay = 5\n",
        )
        .unwrap();
        save(
            &mine,
            &[("delay", "20".into()), ("columns", array(&["pid", "nlwp"]))],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&mine).unwrap(),
            "# my settings\nsort = \"mem\" # I like memory\ndelay = 20\ncolumns = [\"pid\", \"nlwp\"]\n"
        );
        let fresh = dir.path().join("new/config.toml");
        save(&fresh, &[("theme", "\"light\"".into())]).unwrap();
        let text = std::fs::read_to_string(&fresh).unwrap();
        assert!(text.starts_with("# whytop's defaults."), "{text}");
        let c = Config::parse(Some(("new", &text))).unwrap();
        assert_eq!(c.theme, "light");
        // What would not load is not written.
        let e = save(&mine, &[("columns", array(&["fan"]))]).unwrap_err();
        assert!(e.to_string().contains("unknown column \"fan\""), "{e}");
        assert!(std::fs::read_to_string(&mine).unwrap().contains("\"nlwp\""));
    }
}
