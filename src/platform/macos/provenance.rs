//! The Mac's own tools, run for `model::provenance`: `launchctl list` (as
//! root also `launchctl asuser UID launchctl list`) and `launchctl print`
//! (the owning job), `pmset -g assertions`, `codesign -dv
//! --verbose=4` and `xattr -p com.apple.quarantine` of its executable. Thin:
//! the outputs are decoded in `darwin_decode::provenance`. Each tool has a
//! deadline; what one process gave is kept for a minute, since the detail
//! pane asks at every refresh, and for the pane it is read off the
//! collector's thread, so a slow tool never holds up a refresh.

use crate::model::ProcKey;
use crate::model::provenance::{LaunchdJob, Provenance};
use crate::platform::darwin_decode::{provenance as decode, quarantine};
use crate::platform::external::{Finished, run_output};
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(5);
const FRESH_FOR: Duration = Duration::from_secs(60);

/// A process's provenance: being read on a thread of its own, or read.
enum Entry {
    Reading(Instant),
    Ready(Instant, Box<Provenance>),
}

impl Entry {
    fn fresh(&self) -> bool {
        match self {
            // A reader runs five tools of 5 s each at most.
            Entry::Reading(at) => at.elapsed() < 6 * TIMEOUT,
            Entry::Ready(at, _) => at.elapsed() < FRESH_FOR,
        }
    }
}

static CACHE: Mutex<Option<HashMap<ProcKey, Entry>>> = Mutex::new(None);

fn keep(key: ProcKey, p: &Provenance) {
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .get_or_insert_with(HashMap::new)
        .insert(key, Entry::Ready(Instant::now(), Box::new(p.clone())));
}

/// What stands behind process `key` (of user `uid`), whose executable is
/// `exe`. With `wait` false (the collector, between refreshes), a process not
/// read yet is read on a thread of its own and None comes back until then.
pub(super) fn of(
    key: ProcKey,
    uid: Option<u32>,
    exe: Option<String>,
    wait: bool,
) -> Option<Provenance> {
    {
        let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        let map = cache.get_or_insert_with(HashMap::new);
        map.retain(|_, e| e.fresh());
        match map.get(&key) {
            Some(Entry::Ready(_, p)) => return Some((**p).clone()),
            Some(Entry::Reading(_)) if !wait => return None,
            _ => {}
        }
        if !wait {
            map.insert(key, Entry::Reading(Instant::now()));
            let spawned = std::thread::Builder::new()
                .name("whytop-provenance".into())
                .spawn(move || keep(key, &read(key.pid, uid, exe.as_deref())));
            if spawned.is_err() {
                map.remove(&key);
            }
            return None;
        }
    }
    let p = read(key.pid, uid, exe.as_deref());
    keep(key, &p);
    Some(p)
}

/// `program args`, by absolute path, within the deadline.
fn tool(program: &'static str, args: &[&str]) -> Result<Finished, ToolError> {
    let mut c = Command::new(program);
    c.args(args);
    run_output(c, TIMEOUT).map_err(|why| ToolError { program, why })
}

/// A Mac tool that could not be run or timed out, by its path.
#[derive(Debug, thiserror::Error)]
#[error("{program}: {why}")]
struct ToolError {
    program: &'static str,
    why: crate::platform::external::RunError,
}

/// The first line of a tool's stderr, for a note.
fn said(f: &Finished) -> String {
    f.stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("failed")
        .trim()
        .to_string()
}

fn read(pid: i32, uid: Option<u32>, exe: Option<&str>) -> Provenance {
    let mut p = Provenance::default();
    launchd(&mut p, pid, uid);
    match tool("/usr/bin/pmset", &["-g", "assertions"]) {
        Ok(f) if f.success => p.power = decode::power(&f.stdout, pid),
        Ok(f) => p.unreadable.push(format!("pmset: {}", said(&f))),
        Err(e) => p.unreadable.push(e.to_string()),
    }
    let Some(exe) = exe else {
        p.unreadable
            .push("signature and quarantine: its executable's path is unreadable".into());
        return p;
    };
    // codesign prints its answer on stderr, and exits 1 for unsigned code.
    match tool("/usr/bin/codesign", &["-dv", "--verbose=4", exe]) {
        Ok(f) if f.success || f.stderr.contains("not signed at all") => {
            p.signature = Some(decode::signature(&f.stderr));
        }
        Ok(f) => p.unreadable.push(format!("codesign: {}", said(&f))),
        Err(e) => p.unreadable.push(e.to_string()),
    }
    match tool("/usr/bin/xattr", &["-p", "com.apple.quarantine", exe]) {
        Ok(f) if f.success => p.quarantine = quarantine::parse(&f.stdout),
        Ok(f) if quarantine::is_absent(&f.stderr) => {}
        Ok(f) => p.unreadable.push(format!("xattr: {}", said(&f))),
        Err(e) => p.unreadable.push(e.to_string()),
    }
    p
}

/// The job that owns `pid`, from `launchctl list` of each domain whytop may
/// list: its user's own agents (`gui/UID`); as root, the system's daemons,
/// then, through `launchctl asuser`, the agents of the process's user.
fn launchd(p: &mut Provenance, pid: i32, uid: Option<u32>) {
    let euid = super::euid();
    let mut domains: Vec<(String, Vec<String>)> = Vec::new();
    if euid == 0 {
        domains.push(("system".into(), vec!["list".into()]));
        if let Some(u) = uid.filter(|u| *u != 0) {
            domains.push((
                format!("gui/{u}"),
                ["asuser", &u.to_string(), "/bin/launchctl", "list"]
                    .map(String::from)
                    .into(),
            ));
        }
    } else {
        domains.push((format!("gui/{euid}"), vec!["list".into()]));
    }
    for (domain, args) in domains {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let label = match tool("/bin/launchctl", &args) {
            Ok(f) if f.success => decode::launchd_label(&f.stdout, pid),
            Ok(f) => {
                p.unreadable
                    .push(format!("launchctl list ({domain}): {}", said(&f)));
                None
            }
            Err(e) => {
                p.unreadable.push(e.to_string());
                None
            }
        };
        let Some(label) = label else { continue };
        let target = format!("{domain}/{label}");
        p.launchd = Some(match tool("/bin/launchctl", &["print", &target]) {
            Ok(f) if f.success => decode::launchd_job(&label, &domain, &f.stdout),
            other => {
                let why = other.map_or_else(|e| e.to_string(), |f| said(&f));
                p.unreadable
                    .push(format!("launchctl print {target}: {why}"));
                LaunchdJob {
                    label,
                    domain,
                    ..Default::default()
                }
            }
        });
        return;
    }
}
