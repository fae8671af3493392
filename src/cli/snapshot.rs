//! `whytop snapshot PID`: a diagnostic bundle saved for a bug report.

use crate::actions::bundle;
use crate::model::Pid;
use crate::platform::ListOptions;

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    pub pid: Pid,
    /// Also print the bundle as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Keep the values of secret-looking environment variables.
    #[arg(long)]
    pub no_redact: bool,
}

pub fn run(args: &SnapshotArgs) -> anyhow::Result<i32> {
    let mut platform = crate::platform::native()?;
    let listing = platform.list(ListOptions::default())?;
    let Some(p) = listing
        .procs
        .iter()
        .find(|p| p.pid == args.pid && p.tgid.is_none())
    else {
        eprintln!("whytop snapshot: no such process: pid {}", args.pid);
        return Ok(1);
    };
    let b = match bundle::build(platform.as_mut(), &listing.procs, p.key(), !args.no_redact) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("whytop snapshot: {e}");
            return Ok(1);
        }
    };
    let path = match bundle::save(&b) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("whytop snapshot: cannot save: {e}");
            return Ok(1);
        }
    };
    eprintln!("saved {}", path.display());
    if args.json {
        return super::emit(&(serde_json::to_string_pretty(&b)? + "\n"));
    }
    super::emit(&format!("{}\n", path.display()))
}
