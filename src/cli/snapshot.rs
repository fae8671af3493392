//! `whytop snapshot PID`: a diagnostic bundle saved for a bug report.

use crate::actions::bundle;
use crate::model::Pid;

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    pub pid: Pid,
    /// Also print the bundle as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Keep the values of secret-looking environment variables.
    #[arg(long)]
    pub no_redact: bool,
    /// Also capture its stacks (as `whytop sample`) into the bundle.
    #[arg(long)]
    pub with_stack: bool,
}

pub fn run(args: &SnapshotArgs) -> anyhow::Result<i32> {
    let mut named = match super::target::named("snapshot", args.pid)? {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    let (procs, p) = (std::sync::Arc::clone(&named.procs), named.sample().clone());
    let key = p.key();
    let mut b = match bundle::build(named.platform.as_mut(), &procs, key, !args.no_redact) {
        Ok(b) => b,
        Err(e) => {
            errln!("whytop snapshot: {e}");
            return Ok(crate::actions::outcome::OutcomeKind::of_bundle(&e).exit_code());
        }
    };
    if args.with_stack {
        let dir = match crate::actions::capture::default_dir() {
            Ok(d) => d,
            Err(e) => {
                errln!("whytop snapshot: {e}");
                return Ok(1);
            }
        };
        let cancel = crate::platform::cancel::CancelToken::new();
        let tools = crate::actions::capture::Tools::from_env();
        let timeout = std::time::Duration::from_secs(30);
        let c = crate::actions::capture::capture(
            &p,
            std::path::Path::new(crate::platform::PROC_ROOT),
            &tools,
            &dir,
            crate::actions::capture::CaptureOptions {
                timeout,
                seconds: 1,
            },
            &cancel,
            |_| {},
        );
        b.stack = Some(serde_json::to_value(&c)?);
    }
    let path = match bundle::save(&b) {
        Ok(path) => path,
        Err(e) => {
            errln!("whytop snapshot: cannot save: {e}");
            return Ok(1);
        }
    };
    errln!("saved {}", path.display());
    if args.json {
        return super::emit(&(serde_json::to_string_pretty(&b)? + "\n"));
    }
    super::emit(&format!("{}\n", path.display()))
}
