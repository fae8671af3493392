//! Reading a process's environment, limits, usage and open files for a bundle.

use super::fd_target::read_fd;
use super::sockets::find_sockets;
use crate::model::facts::{Limit, OpenFile, ProcFacts, Usage};
use crate::model::why::FdTarget;
use crate::model::{ProcKey, ProcSample};
use std::path::Path;

pub(crate) fn read_facts(
    root: &Path,
    key: ProcKey,
    sample: &ProcSample,
    clk_tck: u64,
) -> ProcFacts {
    let dir = root.join(key.pid.to_string());
    let mut f = ProcFacts::default();
    let mut unreadable = Vec::new();
    match std::fs::read_link(dir.join("exe")) {
        Ok(p) => f.exe = Some(p.to_string_lossy().into_owned()),
        Err(e) => unreadable.push(f_note("exe", e)),
    }
    match std::fs::read_link(dir.join("cwd")) {
        Ok(p) => f.cwd = Some(p.to_string_lossy().into_owned()),
        Err(e) => unreadable.push(f_note("cwd", e)),
    }
    match std::fs::read(dir.join("environ")) {
        Ok(raw) => f.environ = Some(parse_environ(&raw)),
        Err(e) => unreadable.push(f_note("environ", e)),
    }
    match std::fs::read_to_string(dir.join("limits")) {
        Ok(t) => f.limits = Some(parse_limits(&t)),
        Err(e) => unreadable.push(f_note("limits", e)),
    }
    f.usage = Usage {
        rss_bytes: sample.rss_bytes,
        vsz_bytes: sample.vsz_bytes,
        threads: sample.threads,
        ..Default::default()
    };
    if let Ok(stat) = std::fs::read(dir.join("stat"))
        && let Ok(st) = super::stat::parse_stat(&stat)
    {
        f.usage.cpu_user_secs = st.utime as f64 / clk_tck as f64;
        f.usage.cpu_system_secs = st.stime as f64 / clk_tck as f64;
    }
    if let Ok(status) = std::fs::read_to_string(dir.join("status")) {
        f.usage.voluntary_ctxt_switches = field(&status, "voluntary_ctxt_switches:");
        f.usage.nonvoluntary_ctxt_switches = field(&status, "nonvoluntary_ctxt_switches:");
    }
    match std::fs::read_to_string(dir.join("io")) {
        Ok(io) => {
            f.usage.read_bytes = field(&io, "read_bytes:");
            f.usage.write_bytes = field(&io, "write_bytes:");
        }
        Err(e) => unreadable.push(f_note("io", e)),
    }
    match open_files(&dir) {
        Ok(files) => f.open_files = Some(files),
        Err(e) => unreadable.push(f_note("fd", e)),
    }
    f.unreadable = unreadable;
    f
}

fn f_note(what: &str, e: std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!(
                "{what}: permission denied ({})",
                crate::platform::privilege::denied_hint()
            )
        }
        std::io::ErrorKind::NotFound => {
            format!("{what}: not available (kernel thread, or it exited)")
        }
        _ => format!("{what}: {e}"),
    }
}

fn field(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.trim().parse().ok())
}

fn open_files(dir: &Path) -> std::io::Result<Vec<OpenFile>> {
    let mut fds: Vec<i32> = std::fs::read_dir(dir.join("fd"))?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    fds.sort_unstable();
    let targets: Vec<(i32, FdTarget)> = fds
        .into_iter()
        .filter_map(|fd| read_fd(dir, fd).ok().map(|t| (fd, t)))
        .collect();
    let inodes: Vec<u64> = targets
        .iter()
        .filter_map(|(_, t)| match t {
            FdTarget::Socket { inode, .. } => Some(*inode),
            _ => None,
        })
        .collect();
    let sockets = if inodes.is_empty() {
        Default::default()
    } else {
        find_sockets(&dir.join("net"), &inodes)
    };
    Ok(targets
        .into_iter()
        .map(|(fd, mut t)| {
            if let FdTarget::Socket { inode, info } = &mut t {
                *info = sockets.get(inode).cloned();
            }
            OpenFile {
                fd,
                target: t.describe(),
            }
        })
        .collect())
}

/// `NAME=value\0...` into pairs (a name without `=` gets an empty value).
pub(crate) fn parse_environ(raw: &[u8]) -> Vec<(String, String)> {
    raw.split(|&b| b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let s = String::from_utf8_lossy(e);
            match s.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (s.into_owned(), String::new()),
            }
        })
        .collect()
}

/// `/proc/PID/limits`: a header, then `Name  Soft  Hard  Units` in fixed columns.
pub(crate) fn parse_limits(text: &str) -> Vec<Limit> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let (Some(soft_at), Some(hard_at), units_at) = (
        header.find("Soft Limit"),
        header.find("Hard Limit"),
        header.find("Units"),
    ) else {
        return Vec::new();
    };
    let num = |s: &str| s.trim().parse::<u64>().ok();
    lines
        .filter(|l| l.len() > hard_at)
        .map(|l| {
            let cut = |a: usize, b: Option<usize>| {
                l.get(a..b.unwrap_or(l.len()).min(l.len()))
                    .unwrap_or("")
                    .trim()
            };
            Limit {
                name: cut(0, Some(soft_at)).to_string(),
                soft: num(cut(soft_at, Some(hard_at))),
                hard: num(cut(hard_at, units_at)),
                units: units_at.map(|u| cut(u, None)).unwrap_or("").to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax stack size            8388608              unlimited            bytes     \nMax open files            1024                 524288               files     \nMax realtime timeout      unlimited            unlimited            us        \n";

    #[test]
    fn limits_table() {
        let l = parse_limits(LIMITS);
        assert_eq!(l.len(), 4);
        assert_eq!(
            l[0],
            Limit {
                name: "Max cpu time".into(),
                soft: None,
                hard: None,
                units: "seconds".into()
            }
        );
        assert_eq!(
            (l[2].soft, l[2].hard, l[2].units.as_str()),
            (Some(1024), Some(524288), "files")
        );
        assert!(parse_limits("").is_empty());
        assert!(parse_limits("garbage\nMax x 1 2 3\n").is_empty());
    }

    #[test]
    fn environ_pairs() {
        let e = parse_environ(b"API_TOKEN=abc\0HOME=/root\0WEIRD\0EQ=a=b\0");
        assert_eq!(e[0], ("API_TOKEN".into(), "abc".into()));
        assert_eq!(e[2], ("WEIRD".into(), "".into()));
        assert_eq!(e[3].1, "a=b");
    }
}
