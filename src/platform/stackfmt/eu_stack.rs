//! elfutils' `eu-stack -p PID`.

use super::frame_line;
use crate::model::callstack::{CallTree, Frame, ThreadStack};

/// `TID 1234:` starts a thread; `#0  0x00007f.. clock_nanosleep@GLIBC_2.2.5`
/// is a frame (the name may be missing: `??`).
pub fn parse(text: &str) -> CallTree {
    let mut tree = CallTree::default();
    for line in text.lines() {
        if let Some(tid) = line.strip_prefix("TID ") {
            let id = tid.trim_end_matches(':').trim().parse().ok();
            tree.threads.push(ThreadStack {
                id,
                name: None,
                frames: Vec::new(),
            });
            continue;
        }
        let Some(rest) = frame_line(line) else {
            continue;
        };
        let mut parts = rest.split_whitespace();
        let Some(addr) = parts.next() else { continue };
        let name = parts.next().unwrap_or("??");
        let function = name.split('@').next().unwrap_or(name).to_string();
        let location = parts
            .next()
            .map(str::to_string)
            .or_else(|| Some(addr.to_string()));
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

    const SLEEP: &str = include_str!("../../../tests/fixtures/stacks/eu-stack-sleep.txt");

    #[test]
    fn sleep_waits_in_clock_nanosleep() {
        let t = parse(SLEEP);
        assert_eq!(t.threads.len(), 1);
        let f = &t.threads[0].frames;
        assert_eq!(f[0].function, "clock_nanosleep");
        assert_eq!(f[1].function, "__nanosleep");
        assert_eq!(f[2].function, "??");
        let bash = parse(include_str!(
            "../../../tests/fixtures/stacks/eu-stack-bash-wait.txt"
        ));
        assert_eq!(bash.threads[0].frames[0].function, "wait4");
        assert_eq!(bash.hottest(1)[0].1, 1);
    }

    #[test]
    fn malformed_and_fuzzed() {
        assert!(
            parse("PID x\nTID :\n#0\n")
                .threads
                .iter()
                .all(|t| t.frames.is_empty())
        );
        super::super::fuzz::no_panics(SLEEP, parse);
    }
}
