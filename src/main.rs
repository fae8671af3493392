use clap::Parser;
use whytop::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Some(Command::Ps(args)) => whytop::cli::ps::run(args),
        None => whytop::app::run(&cli),
    };
    match code {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("whytop: {e:#}");
            std::process::exit(1);
        }
    }
}
