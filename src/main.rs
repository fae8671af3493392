#![forbid(unsafe_code)]

use clap::Parser;
use std::io::Write;
use whytop::cli::{Cli, Command};

fn main() {
    whytop::platform::tune_allocator();
    let cli = Cli::parse();
    cli.apply_globals();
    let code = match &cli.command {
        Some(Command::Ps(args)) => whytop::cli::ps::run(args),
        Some(Command::Why(args)) => whytop::cli::why::run(args),
        Some(Command::Stop(args)) => whytop::cli::act::stop(args),
        Some(Command::Signal(args)) => whytop::cli::act::signal(args),
        Some(Command::Renice(args)) => whytop::cli::act::renice(args),
        Some(Command::Sched(args)) => whytop::cli::act::sched_cmd(args),
        Some(Command::Logs(args)) => whytop::cli::logs::run(args),
        Some(Command::Sample(args)) => whytop::cli::sample::run(args),
        Some(Command::Snapshot(args)) => whytop::cli::snapshot::run(args),
        Some(Command::Record(args)) => whytop::cli::record::run(args),
        Some(Command::Ended(args)) => whytop::cli::recorded::ended(args),
        Some(Command::Replay(args)) => {
            whytop::cli::recorded::replay(args, cli.app_options(), whytop::ui::render)
        }
        Some(Command::Config(args)) => whytop::cli::config::run(args),
        Some(Command::Man) => whytop::cli::docs::run_man(),
        Some(Command::Completions(args)) => whytop::cli::docs::run_completions(args),
        None => whytop::app::run(&cli.app_options(), whytop::ui::render),
    };
    match code {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // Not eprintln!: it panics (and the release build aborts) when stderr is full.
            let _ = writeln!(std::io::stderr(), "whytop: {e:#}");
            let usage = e.downcast_ref::<whytop::app::BadUsage>().is_some();
            std::process::exit(if usage { 2 } else { 1 });
        }
    }
}
