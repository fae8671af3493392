//! Linux kernel stacks (`/proc/PID/task/TID/stack`), several threads joined by
//! `== TID name ==` headers (how the capture floor writes them).

use crate::model::callstack::{CallTree, Frame, ThreadStack};

pub fn parse(text: &str) -> CallTree {
    let mut tree = CallTree::default();
    for line in text.lines() {
        if let Some(head) = line.strip_prefix("== ").and_then(|h| h.strip_suffix(" ==")) {
            let (tid, name) = head.split_once(' ').unwrap_or((head, ""));
            tree.threads.push(ThreadStack {
                id: tid.parse().ok(),
                name: (!name.is_empty()).then(|| name.to_string()),
                frames: Vec::new(),
            });
            continue;
        }
        // `[<0>] do_wait+0x53/0x120`
        let Some((_, sym)) = line.split_once("] ") else {
            continue;
        };
        let function = sym.split('+').next().unwrap_or("").trim().to_string();
        if function.is_empty() {
            continue;
        }
        let location = sym.split_once('+').map(|(_, off)| format!("+{off}"));
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

    #[test]
    fn kernel_frames() {
        let t = parse(include_str!(
            "../../../tests/fixtures/stacks/kernel-bash-wait.txt"
        ));
        assert_eq!(t.threads[0].frames[0].function, "do_wait");
        assert_eq!(t.threads[0].frames[1].function, "kernel_wait4");
        let joined =
            "== 10 main ==\n[<0>] futex_wait+0x1/0x2\n== 11 worker ==\n[<0>] do_sys_poll+0x1/0x2\n";
        let t = parse(joined);
        assert_eq!(
            (
                t.threads.len(),
                t.threads[1].id,
                t.threads[1].name.as_deref()
            ),
            (2, Some(11), Some("worker"))
        );
        super::super::fuzz::no_panics(joined, parse);
    }
}
