//! macOS `/usr/bin/sample` reports: the "Call graph:" section, one tree per
//! thread, drawn with indentation and the guide characters `+ ! : |`, each line
//! `COUNT symbol  (in module) + offset  [address]`, children heaviest first.

use super::heaviest_path;
use crate::model::callstack::{CallTree, Frame, ThreadStack};

pub fn parse(text: &str) -> CallTree {
    let mut tree = CallTree::default();
    let mut in_graph = false;
    let mut lines: Vec<(usize, Frame)> = Vec::new();
    let flush = |tree: &mut CallTree, lines: &mut Vec<(usize, Frame)>| {
        if let Some(t) = tree.threads.last_mut() {
            t.frames = heaviest_path(lines);
        }
        lines.clear();
    };
    for line in text.lines() {
        if line.starts_with("Call graph:") {
            in_graph = true;
            continue;
        }
        if !in_graph {
            continue;
        }
        if line.trim().is_empty() {
            if !tree.threads.is_empty() {
                break;
            }
            continue;
        }
        // The depth is where the count starts; guides and spaces come before it.
        let Some(at) = line.find(|c: char| c.is_ascii_digit()) else {
            continue;
        };
        if !line[..at].chars().all(|c| " +!:|".contains(c)) {
            continue;
        }
        let rest = &line[at..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let count: Option<u64> = rest[..digits].parse().ok();
        let body = rest[digits..].trim();
        if !line[..at].contains(['+', '!', ':', '|']) && body.starts_with("Thread_") {
            flush(&mut tree, &mut lines);
            let id = body
                .trim_start_matches("Thread_")
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok());
            let name = body
                .split_once("  ")
                .map(|(_, n)| n.trim().to_string())
                .or_else(|| body.split_once(": ").map(|(_, n)| n.trim().to_string()));
            tree.threads.push(ThreadStack {
                id,
                name,
                frames: Vec::new(),
            });
            continue;
        }
        if tree.threads.is_empty() || body.is_empty() {
            continue;
        }
        let (function, location) = match body.split_once("  (in ") {
            Some((f, rest)) => (
                f.trim().to_string(),
                rest.split(')').next().map(str::to_string),
            ),
            None => (
                body.split("  [").next().unwrap_or(body).trim().to_string(),
                None,
            ),
        };
        lines.push((
            at,
            Frame {
                function,
                location,
                count,
            },
        ));
    }
    flush(&mut tree, &mut lines);
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../tests/fixtures/stacks/sample-macos.txt");

    #[test]
    fn threads_and_heaviest_paths() {
        let t = parse(SAMPLE);
        assert_eq!(t.threads.len(), 2);
        assert_eq!(t.threads[0].id, Some(1052718));
        assert!(
            t.threads[0]
                .name
                .as_deref()
                .unwrap()
                .contains("com.apple.main-thread")
        );
        let main = &t.threads[0].frames;
        assert_eq!(main[0].function, "read");
        assert_eq!(main[0].location.as_deref(), Some("libsystem_kernel.dylib"));
        assert_eq!(main[0].count, Some(2583));
        assert_eq!(main.last().unwrap().function, "start");
        assert!(t.has_function("builtin_input"));
        // The worker's heaviest branch is the lock (1800 of 2583), not the sleep.
        assert_eq!(t.threads[1].frames[0].function, "__psynch_cvwait");
        assert_eq!(t.threads[1].frames[0].count, Some(1800));
        assert_eq!(t.hottest(1)[0].1, 2583);
    }

    #[test]
    fn malformed_and_fuzzed() {
        assert!(
            parse("Call graph:\n    + 12\n    x Thread_\n")
                .threads
                .is_empty()
        );
        assert!(parse("no graph here\n").threads.is_empty());
        super::super::fuzz::no_panics(SAMPLE, parse);
    }
}
