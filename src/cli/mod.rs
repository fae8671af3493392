//! The command line: `whytop` alone starts the TUI; subcommands print and exit.

/// `println!`/`eprintln!` for commands that act: a closed pipe (`| head`) loses
/// the line, never the action or its audit record.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod act;
pub mod config;
pub mod docs;
mod interrupt;
pub mod logs;
pub mod ps;
pub mod record;
pub mod recorded;
pub mod sample;
mod sample_file;
pub mod snapshot;
mod stack_text;
pub(crate) mod target;
pub mod why;

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

    /// Start sorted by this column: any column's name (pid, ppid, user, cpu, mem, rss, time,
    /// nlwp, why, command, ...).
    #[arg(short = 's', long = "sort", value_name = "COLUMN", value_parser = ps::parse_sort)]
    pub sort: Option<crate::model::sort::SortColumn>,

    /// Show only this user's processes (a name or a uid), as htop's -u.
    #[arg(short = 'u', long = "user", value_name = "USER")]
    pub user: Option<String>,

    /// Show only these processes, as htop's -p.
    #[arg(
        short = 'p',
        long = "pid",
        value_name = "PID[,PID...]",
        value_delimiter = ','
    )]
    pub pids: Vec<crate::model::Pid>,

    /// Colours: dark (the default), light (for a light background), mono (bold
    /// and reverse only), or a user theme, $XDG_CONFIG_HOME/whytop/themes/NAME.toml.
    /// `NO_COLOR` set: no colour whatever the theme.
    #[arg(long = "theme", value_name = "NAME", value_parser = parse_theme)]
    pub theme: Option<crate::present::theme::Theme>,

    /// Read this config file instead of $XDG_CONFIG_HOME/whytop/config.toml
    /// (every command: the TUI, ps's sort, stop's ladder).
    #[arg(long = "config", value_name = "PATH", global = true)]
    pub config: Option<std::path::PathBuf>,

    /// Leave the mouse to the terminal (no clicks; its own selection works), as htop's -M.
    #[arg(short = 'M', long = "no-mouse")]
    pub no_mouse: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A theme's name, a user's file read and checked (exit 2 if it does not hold).
fn parse_theme(
    name: &str,
) -> Result<crate::present::theme::Theme, crate::app::user_theme::ThemeError> {
    use crate::app::user_theme::{dir, resolve, truecolor};
    resolve(name, dir().as_deref(), truecolor())
}

impl Cli {
    /// What every command shares: the config file `--config` names.
    pub fn apply_globals(&self) {
        if let Some(path) = &self.config {
            crate::app::config::choose_file(path.clone());
        }
    }

    /// The flags the TUI takes, as the app takes them.
    pub fn app_options(&self) -> crate::app::Options {
        crate::app::Options {
            delay: self.delay,
            tree: self.tree,
            filter: self.filter.clone(),
            sort: self.sort,
            only: crate::model::view::Only {
                user: self.user.clone(),
                pids: self.pids.clone(),
            },
            proc_root: crate::platform::PROC_ROOT.into(),
            // no-color.org: present and not empty means no colour.
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            no_mouse: self.no_mouse,
            theme: self.theme.clone(),
            replay: None,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print one snapshot of every process and exit.
    Ps(ps::PsArgs),
    /// Say why one process is not running, with the evidence.
    Why(why::WhyArgs),
    /// Stop a process and its descendants gracefully: TERM, wait, INT, wait, KILL.
    Stop(act::StopArgs),
    /// Send one signal to a process (or its process group).
    Signal(act::SignalArgs),
    /// Change a process's nice value.
    Renice(act::ReniceArgs),
    /// Show or set scheduling beyond nice: CPU policy and I/O class (Linux), background (macOS).
    Sched(act::SchedArgs),
    /// Show (and with --follow, follow) what a process writes to its log.
    Logs(logs::LogsArgs),
    /// Capture its stacks with the best tool present (py-spy, eu-stack, gdb),
    /// plus each thread's kernel stack; the raw output is saved under captures/.
    Sample(sample::SampleArgs),
    /// Save a diagnostic bundle (identity, exe hash, environment with secrets
    /// redacted, limits, usage, threads, open files, family, WHY) as JSON.
    Snapshot(snapshot::SnapshotArgs),
    /// Record the process table and WHY verdicts to a SQLite database, headless.
    Record(record::RecordArgs),
    /// List processes that ended recently, from the recording.
    Ended(recorded::EndedArgs),
    /// Open the TUI on a recording: [ ] step a sample, { } a minute, @ types a
    /// time; everything but actions works.
    Replay(recorded::ReplayArgs),
    /// Print the default config (`--print-default`) or check a config file (`--check PATH`).
    Config(config::ConfigArgs),
    /// Print whytop's man page (roff): `whytop man > whytop.1`.
    Man,
    /// Print a shell completion script: `whytop completions bash|zsh|fish`.
    Completions(docs::CompletionsArgs),
}

/// Writes a command's whole output; a closed pipe (`| head`) is not an error.
/// As `emit`, with control characters in each line replaced (`?`): for text
/// that comes from a capture, a file anyone may have written.
pub(crate) fn emit_printable(text: &str) -> anyhow::Result<i32> {
    let safe: Vec<std::borrow::Cow<'_, str>> = text
        .split('\n')
        .map(crate::present::format::printable)
        .collect();
    emit(&safe.join("\n"))
}

pub(crate) fn emit(text: &str) -> anyhow::Result<i32> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(e.into()),
    }
}
