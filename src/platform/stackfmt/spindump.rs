//! macOS `spindump` reports in the default heavy format: per process, `Thread
//! 0x..` headers followed by indented `COUNT  symbol + off (module + off) [addr]`
//! lines (`*` marks kernel frames), children heaviest first.

use super::heaviest_path;
use crate::model::callstack::{CallTree, Frame, ThreadStack};

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
