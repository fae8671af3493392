//! gdb's `thread apply all bt`.

use super::frame_line;
use crate::model::callstack::{CallTree, Frame, ThreadStack};

/// `Thread 2 (Thread 0x7f.. (LWP 1235) "worker"):` starts a thread; `#N` lines
/// are frames: `#1  0x00007f.. in __GI___nanosleep (req=..) at file.c:25`, or
/// for frame 0 often without the address: `#0  __GI___clock_nanosleep (..) at ..`.
pub fn parse(text: &str) -> CallTree {
    let mut tree = CallTree::default();
    for line in text.lines() {
        if let Some(head) = line.strip_prefix("Thread ") {
            let lwp = head
                .split("(LWP ")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .and_then(|n| n.trim().parse().ok());
            let name = head
                .rsplit_once('"')
                .and_then(|(a, _)| a.rsplit_once('"'))
                .map(|(_, n)| n.to_string());
            tree.threads.push(ThreadStack {
                id: lwp,
                name,
                frames: Vec::new(),
            });
            continue;
        }
        let Some(rest) = frame_line(line) else {
            continue;
        };
        // Drop the address and "in".
        let rest = match rest.strip_prefix("0x") {
            Some(r) => r.split_once(" in ").map(|(_, f)| f).unwrap_or(r),
            None => rest,
        };
        let function = rest.split([' ', '(']).next().unwrap_or("").to_string();
        if function.is_empty() {
            continue;
        }
        let location = rest
            .rsplit_once(" at ")
            .map(|(_, l)| l)
            .or_else(|| rest.rsplit_once(" from ").map(|(_, l)| l))
            .map(|l| l.trim().to_string());
        tree.push_frame(Frame {
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

    const SLEEP: &str = include_str!("../../../tests/fixtures/stacks/gdb-sleep.txt");
    const BASH: &str = include_str!("../../../tests/fixtures/stacks/gdb-bash-wait.txt");

    #[test]
    fn sleep_waits_in_clock_nanosleep() {
        let t = parse(SLEEP);
        assert_eq!(t.threads.len(), 1);
        assert_eq!(t.threads[0].name.as_deref(), Some("sleep"));
        assert!(t.threads[0].id.is_some());
        let f = &t.threads[0].frames;
        assert_eq!(f[0].function, "__GI___clock_nanosleep");
        assert!(
            f[0].location
                .as_deref()
                .unwrap()
                .contains("clock_nanosleep.c:71")
        );
        assert_eq!(f[1].function, "__GI___nanosleep");
        assert_eq!(f[2].function, "??");
        assert_eq!(f.len(), 8);
    }

    #[test]
    fn bash_waits_in_wait4() {
        let t = parse(BASH);
        assert_eq!(t.threads[0].frames[0].function, "__GI___wait4");
        assert!(t.has_function("reader_loop"));
    }

    #[test]
    fn malformed_and_fuzzed() {
        assert!(parse("").threads.is_empty());
        assert!(
            parse("#\n#x\nThread\n#0 \n")
                .threads
                .iter()
                .all(|t| t.frames.is_empty())
        );
        super::super::fuzz::no_panics(SLEEP, parse);
    }
}
