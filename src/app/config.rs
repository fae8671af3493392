//! Settings: the embedded default, patched by the user's file, then by flags.

use crate::actions::ladder::{Order, Policy, PolicyError};
use crate::model::sort::SortColumn;
use serde::Deserialize;
use std::path::PathBuf;

pub const DEFAULT_CONFIG: &str = include_str!("../../config/whytop.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub delay: u64,
    pub tree: bool,
    pub sort: String,
    pub ladder: String,
    pub ladder_order: Order,
}

/// Why the settings are not usable; the user's file is named when it is at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Malformed(String),
    #[error("delay must be 1..=36000 tenths of a second, not {0}")]
    Delay(u64),
    #[error("unknown sort column {0:?}")]
    Sort(String),
    #[error("ladder: {0}")]
    Ladder(PolicyError),
    #[error("{}: {error}", path.display())]
    InFile {
        path: PathBuf,
        error: Box<ConfigError>,
    },
    #[error("{}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// A user config file patches the default: every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserConfig {
    delay: Option<u64>,
    tree: Option<bool>,
    sort: Option<String>,
    ladder: Option<String>,
    ladder_order: Option<Order>,
}

impl Config {
    pub fn parse(user: Option<&str>) -> Result<Config, ConfigError> {
        let mut c: Config =
            toml::from_str(DEFAULT_CONFIG).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        if let Some(text) = user {
            let u: UserConfig = toml::from_str(text)
                .map_err(|e| ConfigError::Malformed(e.message().to_string()))?;
            c.delay = u.delay.unwrap_or(c.delay);
            c.tree = u.tree.unwrap_or(c.tree);
            c.sort = u.sort.unwrap_or(c.sort);
            c.ladder = u.ladder.unwrap_or(c.ladder);
            c.ladder_order = u.ladder_order.unwrap_or(c.ladder_order);
        }
        if !(1..=36000).contains(&c.delay) {
            return Err(ConfigError::Delay(c.delay));
        }
        c.sort_column()?;
        c.policy().map_err(ConfigError::Ladder)?;
        Ok(c)
    }

    /// The default patched by the user's `config.toml`; an error names the file.
    pub fn load() -> Result<Config, ConfigError> {
        let user = read_user_file("config.toml")?;
        Config::parse(user.as_ref().map(|(_, t)| t.as_str())).map_err(|e| match &user {
            Some((path, _)) => ConfigError::InFile {
                path: path.clone(),
                error: Box::new(e),
            },
            None => e,
        })
    }

    pub fn policy(&self) -> Result<Policy, PolicyError> {
        let mut p = Policy::parse(&self.ladder)?;
        p.order = self.ladder_order;
        Ok(p)
    }

    pub fn sort_column(&self) -> Result<SortColumn, ConfigError> {
        SortColumn::parse(&self.sort).ok_or_else(|| ConfigError::Sort(self.sort.clone()))
    }
}

/// `$XDG_CONFIG_HOME/whytop` (or the platform's equivalent).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "whytop").map(|d| d.config_dir().to_path_buf())
}

/// Reads a user file if present. Missing is fine; unreadable or malformed is an
/// error naming the path, so nothing is silently ignored.
pub fn read_user_file(name: &str) -> Result<Option<(PathBuf, String)>, ConfigError> {
    let Some(dir) = config_dir() else {
        return Ok(None);
    };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ConfigError::Read { path, error }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_patches() {
        let c = Config::parse(None).unwrap();
        assert_eq!(
            (c.delay, c.tree, c.sort_column().unwrap()),
            (10, false, SortColumn::Cpu)
        );
        let c = Config::parse(Some("delay = 5\nsort = \"mem\"\n")).unwrap();
        assert_eq!((c.delay, c.sort_column().unwrap()), (5, SortColumn::Mem));
    }

    #[test]
    fn malformed_is_a_clear_error() {
        assert!(Config::parse(Some("delay = \"fast\"")).is_err());
        assert!(
            Config::parse(Some("colour = 1"))
                .unwrap_err()
                .to_string()
                .contains("colour")
        );
        assert!(
            Config::parse(Some("sort = \"speed\""))
                .unwrap_err()
                .to_string()
                .contains("speed")
        );
        assert!(
            Config::parse(Some("delay = 0"))
                .unwrap_err()
                .to_string()
                .contains("delay")
        );
        assert!(
            Config::parse(Some("ladder = \"TERM\""))
                .unwrap_err()
                .to_string()
                .contains("ladder")
        );
        let c = Config::parse(Some(
            "ladder = \"HUP:1,KILL:2\"\nladder_order = \"all-at-once\"",
        ))
        .unwrap();
        assert_eq!(c.policy().unwrap().order, Order::AllAtOnce);
    }
}
