//! Settings: the embedded default, patched by the user's file, then by flags.

use crate::actions::ladder::{Order, Policy};
use crate::model::sort::SortColumn;
use crate::present::meters::{MeterKind, parse_list};
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
    /// The header's meters in order (`present::meters` names).
    pub meters: Vec<String>,
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
    meters: Option<Vec<String>>,
}

impl Config {
    pub fn parse(user: Option<&str>) -> Result<Config, String> {
        let mut c: Config = toml::from_str(DEFAULT_CONFIG).map_err(|e| e.to_string())?;
        if let Some(text) = user {
            let u: UserConfig = toml::from_str(text).map_err(|e| e.message().to_string())?;
            c.delay = u.delay.unwrap_or(c.delay);
            c.tree = u.tree.unwrap_or(c.tree);
            c.sort = u.sort.unwrap_or(c.sort);
            c.ladder = u.ladder.unwrap_or(c.ladder);
            c.ladder_order = u.ladder_order.unwrap_or(c.ladder_order);
            c.meters = u.meters.unwrap_or(c.meters);
        }
        if !(1..=36000).contains(&c.delay) {
            return Err(format!(
                "delay must be 1..=36000 tenths of a second, not {}",
                c.delay
            ));
        }
        c.sort_column()?;
        c.policy().map_err(|e| format!("ladder: {e}"))?;
        c.meter_kinds()?;
        Ok(c)
    }

    /// The default patched by the user's `config.toml`; an error names the file.
    pub fn load() -> Result<Config, String> {
        let user = read_user_file("config.toml")?;
        Config::parse(user.as_ref().map(|(_, t)| t.as_str())).map_err(|e| match &user {
            Some((path, _)) => format!("{}: {e}", path.display()),
            None => e,
        })
    }

    pub fn policy(&self) -> Result<Policy, String> {
        let mut p = Policy::parse(&self.ladder)?;
        p.order = self.ladder_order;
        Ok(p)
    }

    pub fn meter_kinds(&self) -> Result<Vec<MeterKind>, String> {
        parse_list(&self.meters).map_err(|e| format!("meters: {e}"))
    }

    pub fn sort_column(&self) -> Result<SortColumn, String> {
        SortColumn::parse(&self.sort).ok_or_else(|| format!("unknown sort column {:?}", self.sort))
    }
}

/// `$XDG_CONFIG_HOME/whytop` (or the platform's equivalent).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "whytop").map(|d| d.config_dir().to_path_buf())
}

/// Reads a user file if present. Missing is fine; unreadable or malformed is an
/// error naming the path, so nothing is silently ignored.
pub fn read_user_file(name: &str) -> Result<Option<(PathBuf, String)>, String> {
    let Some(dir) = config_dir() else {
        return Ok(None);
    };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
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
                .contains("colour")
        );
        assert!(
            Config::parse(Some("sort = \"speed\""))
                .unwrap_err()
                .contains("speed")
        );
        assert!(
            Config::parse(Some("delay = 0"))
                .unwrap_err()
                .contains("delay")
        );
        assert!(
            Config::parse(Some("ladder = \"TERM\""))
                .unwrap_err()
                .contains("ladder")
        );
        let c = Config::parse(Some(
            "ladder = \"HUP:1,KILL:2\"\nladder_order = \"all-at-once\"",
        ))
        .unwrap();
        assert_eq!(c.policy().unwrap().order, Order::AllAtOnce);
    }

    #[test]
    fn meters_default_to_htops_and_are_checked() {
        let c = Config::parse(None).unwrap();
        assert_eq!(c.meter_kinds().unwrap(), MeterKind::DEFAULT);
        let c = Config::parse(Some("meters = [\"cpus\", \"clock\", \"io-pressure\"]")).unwrap();
        assert_eq!(
            c.meter_kinds().unwrap(),
            [MeterKind::Cpus, MeterKind::Clock, MeterKind::IoPressure]
        );
        let e = Config::parse(Some("meters = [\"fan\"]")).unwrap_err();
        assert!(e.contains("meters") && e.contains("fan"), "{e}");
    }
}
