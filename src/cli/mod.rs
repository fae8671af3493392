//! The command line: `whytop` alone starts the TUI; subcommands print and exit.

pub mod ps;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "whytop",
    version,
    about = "A process monitor that tells why each process is not running"
)]
pub struct Cli {
    /// Refresh interval in tenths of a second, as htop takes it (10 = 1 s).
    #[arg(short = 'd', long = "delay", value_name = "TENTHS",
          value_parser = clap::value_parser!(u64).range(1..=36000))]
    pub delay: Option<u64>,

    /// Start in tree view.
    #[arg(short = 't', long = "tree")]
    pub tree: bool,

    /// Start with this filter.
    #[arg(short = 'F', long = "filter", value_name = "TEXT")]
    pub filter: Option<String>,

    /// Start sorted by this column (pid, user, pri, ni, virt, res, s, cpu, mem, time, command).
    #[arg(short = 's', long = "sort", value_name = "COLUMN", value_parser = ps::parse_sort)]
    pub sort: Option<crate::model::sort::SortColumn>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print one snapshot of every process and exit.
    Ps(ps::PsArgs),
}
