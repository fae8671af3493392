//! `whytop config`: the defaults as a file to start from, and a check of a
//! config or theme file.

use crate::app::config::{Config, DEFAULT_CONFIG};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct ConfigArgs {
    /// Print the default config, commented: `whytop config --print-default > ~/.config/whytop/config.toml`.
    #[arg(long)]
    pub print_default: bool,
    /// Check a config file as whytop would load it: `ok` (exit 0), or the
    /// file, line, column and key of what is wrong (exit 2).
    #[arg(long, value_name = "PATH")]
    pub check: Option<PathBuf>,
    /// Check a user theme file (themes/NAME.toml) likewise.
    #[arg(long, value_name = "PATH")]
    pub check_theme: Option<PathBuf>,
}

pub fn run(args: &ConfigArgs) -> anyhow::Result<i32> {
    if args.print_default {
        return super::emit(DEFAULT_CONFIG);
    }
    if let Some(path) = &args.check {
        let c = Config::check(path)?;
        crate::app::user_theme::of_config(&c)?;
        outln!("ok");
    }
    if let Some(path) = &args.check_theme {
        crate::app::user_theme::check(path)?;
        outln!("ok");
    }
    Ok(0)
}
