//! `py-spy dump --pid PID`.

use crate::model::callstack::{CallTree, Frame, ThreadStack};

/// `Thread 42 (idle): "MainThread"` starts a thread; indented
/// `func (file.py:12)` lines are its frames, innermost first.
pub fn parse(text: &str) -> CallTree {
    let mut tree = CallTree::default();
    for line in text.lines() {
        if let Some(head) = line.strip_prefix("Thread ") {
            let id = head.split([' ', '(']).next().and_then(|t| {
                t.strip_prefix("0x")
                    .map_or_else(|| t.parse().ok(), |h| i64::from_str_radix(h, 16).ok())
            });
            let name = head
                .rsplit_once('"')
                .and_then(|(a, _)| a.rsplit_once('"'))
                .map(|(_, n)| n.to_string());
            tree.threads.push(ThreadStack {
                id,
                name,
                frames: Vec::new(),
            });
            continue;
        }
        if !line.starts_with("    ") || tree.threads.is_empty() {
            continue;
        }
        let body = line.trim();
        let (function, location) = match body.rsplit_once(" (") {
            Some((f, l)) if l.ends_with(')') => {
                (f.to_string(), Some(l.trim_end_matches(')').to_string()))
            }
            _ => (body.to_string(), None),
        };
        if function.is_empty() {
            continue;
        }
        tree.threads
            .last_mut()
            .expect("checked")
            .frames
            .push(Frame {
                function,
                location,
                count: None,
            });
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = include_str!("../../../tests/fixtures/stacks/py-spy-threads.txt");

    #[test]
    fn threads_and_frames() {
        let t = parse(DUMP);
        assert_eq!(t.threads.len(), 2);
        assert_eq!(t.threads[0].name.as_deref(), Some("MainThread"));
        assert_eq!(t.threads[0].frames[0].function, "<module>");
        assert_eq!(t.threads[1].name.as_deref(), Some("worker"));
        assert_eq!(t.threads[1].frames[0].function, "w");
        assert_eq!(
            t.threads[1].frames[1].location.as_deref(),
            Some("threading.py:982")
        );
    }

    #[test]
    fn malformed_and_fuzzed() {
        assert!(parse("    orphan (x.py:1)\n").threads.is_empty());
        super::super::fuzz::no_panics(DUMP, parse);
    }
}
