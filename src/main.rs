use clap::Parser;
use std::io::Write;
use whytop::cli::{Cli, Command};

fn main() {
    tune_allocator();
    let cli = Cli::parse();
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
        None => whytop::app::run(&cli),
    };
    match code {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // Not eprintln!: it panics (and the release build aborts) when stderr is full.
            let _ = writeln!(std::io::stderr(), "whytop: {e:#}");
            let usage = e.downcast_ref::<whytop::app::run::BadUsage>().is_some();
            std::process::exit(if usage { 2 } else { 1 });
        }
    }
}

/// Part of the 9 MiB budget. A fixed mmap threshold stops glibc from raising it
/// after the first large free, so the per-pass sample vectors are mapped and
/// unmapped instead of parking a megabyte each in the heap; one arena lets the
/// UI thread reuse what the collector thread freed (measured: 8.7 -> 8.3 MiB peak).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; called before any thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
