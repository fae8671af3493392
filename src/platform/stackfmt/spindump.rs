//! macOS `spindump` reports in the default heavy format: per process, `Thread
//! 0x..` headers followed by indented `COUNT  symbol + off (module + off) [addr]`
//! lines (`*` marks kernel frames), children heaviest first.

use super::heaviest_path;
use crate::model::callstack::{CallTree, Frame, ThreadStack};

/// One process of a spindump report: its `Process:` line's name and pid, and
/// its section of the text (up to the next `Process:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Section<'a> {
    pub name: String,
    pub pid: Option<i32>,
    pub text: &'a str,
}

/// The processes of a report (a system-wide spindump has hundreds), in order.
pub fn processes(text: &str) -> Vec<Section<'_>> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("Process:") {
            starts.push(at);
        }
        at += line.len();
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, &from)| {
            let to = starts.get(i + 1).copied().unwrap_or(text.len());
            let section = &text[from..to];
            let head = section.lines().next().unwrap_or("");
            let value = head.trim_start_matches("Process:").trim();
            let (name, pid) = match value.rsplit_once(" [") {
                Some((n, p)) => (n.trim().to_string(), p.trim_end_matches(']').parse().ok()),
                None => (value.to_string(), None),
            };
            Section {
                name,
                pid,
                text: section,
            }
        })
        .collect()
}

pub fn parse(text: &str) -> CallTree {
    let mut tree = CallTree::default();
    let mut lines: Vec<(usize, Frame)> = Vec::new();
    // Frames belong to the thread header above them, until a new section.
    let mut in_thread = false;
    let flush = |tree: &mut CallTree, lines: &mut Vec<(usize, Frame)>| {
        if let Some(t) = tree.threads.last_mut() {
            t.frames = heaviest_path(lines);
        }
        lines.clear();
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(head) = trimmed.strip_prefix("Thread 0x") {
            flush(&mut tree, &mut lines);
            let id = head
                .split_whitespace()
                .next()
                .and_then(|h| i64::from_str_radix(h, 16).ok());
            let name = head
                .split_once("DispatchQueue \"")
                .and_then(|(_, q)| q.split('"').next())
                .map(str::to_string);
            tree.threads.push(ThreadStack {
                id,
                name,
                frames: Vec::new(),
            });
            in_thread = true;
            continue;
        }
        if trimmed.starts_with("Binary Images") || trimmed.starts_with("Process:") {
            if in_thread {
                flush(&mut tree, &mut lines);
            }
            in_thread = false;
            continue;
        }
        if !in_thread || trimmed.is_empty() {
            continue;
        }
        let depth = line.len() - trimmed.len();
        let body = trimmed.trim_start_matches('*');
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            continue;
        }
        let count: Option<u64> = body[..digits].parse().ok();
        let sym = body[digits..].trim();
        let (function, location) = match sym.rsplit_once(" (") {
            Some((f, rest)) => (
                f.split(" + ").next().unwrap_or(f).trim().to_string(),
                rest.split(" + ")
                    .next()
                    .map(|m| m.trim_end_matches(')').to_string()),
            ),
            None => (
                sym.split(" [").next().unwrap_or(sym).trim().to_string(),
                None,
            ),
        };
        if function.is_empty() {
            continue;
        }
        lines.push((
            depth,
            Frame {
                function,
                location,
                count,
            },
        ));
    }
    if in_thread {
        flush(&mut tree, &mut lines);
    }
    tree
}

#[cfg(test)]
mod sections {
    use super::*;

    #[test]
    fn a_report_of_several_processes_is_split() {
        let one = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/stacks/spindump-heavy.txt"
        ))
        .unwrap();
        let p = processes(&one);
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].name.as_str(), p[0].pid), ("python3.11", Some(8123)));
        // A system-wide report: the same process twice over under other pids.
        let body = &one[one.find("Process:").unwrap()..];
        let two = format!(
            "{}{}{}",
            &one[..one.find("Process:").unwrap()],
            body,
            body.replace("python3.11 [8123]", "Google Chrome Helper [9001]")
        );
        let p = processes(&two);
        assert_eq!(
            p.iter()
                .map(|s| (s.name.as_str(), s.pid))
                .collect::<Vec<_>>(),
            [
                ("python3.11", Some(8123)),
                ("Google Chrome Helper", Some(9001))
            ]
        );
        assert_eq!(parse(p[1].text).threads.len(), parse(&one).threads.len());
        assert!(processes("no report").is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPIN: &str = include_str!("../../../tests/fixtures/stacks/spindump-heavy.txt");

    #[test]
    fn threads_kernel_frames_and_heaviest_paths() {
        let t = parse(SPIN);
        assert_eq!(t.threads.len(), 2, "{t:?}");
        assert_eq!(t.threads[0].id, Some(0x1010ee));
        assert_eq!(t.threads[0].name.as_deref(), Some("com.apple.main-thread"));
        let main = &t.threads[0].frames;
        assert_eq!(main[0].function, "tty_read");
        assert_eq!(main[0].location.as_deref(), Some("kernel.release.t6020"));
        assert_eq!(main[2].function, "read");
        assert_eq!(main.last().unwrap().function, "start");
        assert_eq!(t.threads[1].frames[0].function, "psynch_cvcontinue");
        assert_eq!(t.threads[1].frames[0].count, Some(700));
    }

    #[test]
    fn malformed_and_fuzzed() {
        assert!(
            parse("Thread 0xzz\n  12\n   x\n")
                .threads
                .iter()
                .all(|t| t.frames.is_empty())
        );
        super::super::fuzz::no_panics(SPIN, parse);
    }
}
