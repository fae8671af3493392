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
        let (function, location) = split_frame(rest);
        if function.is_empty() {
            continue;
        }
        tree.push_frame(Frame {
            function: function.to_string(),
            location: location.map(str::to_string),
            count: None,
        });
    }
    tree
}

/// Splits `name (args) at file:line` (or `from lib.so`) into the name and the
/// location. Names hold spaces and parentheses of their own (C++ templates,
/// `(anonymous namespace)`, `operator()`), so the argument list is found by
/// matching its parentheses back from its end.
fn split_frame(rest: &str) -> (&str, Option<&str>) {
    let (body, location) = split_location(rest);
    let name = match args_start(body) {
        Some(i) => &body[..i],
        None => body, // `<signal handler called>`
    };
    (name.trim(), location)
}

/// The last ` at ` or ` from ` that follows the argument list's `)`.
fn split_location(rest: &str) -> (&str, Option<&str>) {
    [" at ", " from "]
        .iter()
        .filter_map(|sep| {
            let (body, loc) = rest.rsplit_once(sep)?;
            body.ends_with(')').then_some((body, loc.trim()))
        })
        .max_by_key(|(body, _)| body.len())
        .map_or((rest.trim_end(), None), |(b, l)| (b, Some(l)))
}

/// Where the trailing `(args)` of `body` opens, skipping parentheses inside
/// quoted strings and characters (`s=0x.. "a (b)"`, `c=40 '('`).
fn args_start(body: &str) -> Option<usize> {
    if !body.ends_with(')') {
        return None;
    }
    let bytes = body.as_bytes();
    let escaped = |i: usize| bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for i in (0..bytes.len()).rev() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q && !escaped(i) => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b')' => depth += 1,
                b'(' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
    }
    None
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
    fn cpp_names_keep_their_spaces_and_parentheses() {
        let t = parse(include_str!("../../../tests/fixtures/stacks/gdb-cpp.txt"));
        let names: Vec<&str> = t.threads[0]
            .frames
            .iter()
            .map(|f| f.function.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "__GI___clock_nanosleep",
                "__GI___nanosleep",
                "__sleep",
                "(anonymous namespace)::W::wait<int>",
                "Box<int>::hold",
                "std::vector<int, std::allocator<int> >::push_back",
                "operator()",
                "<signal handler called>",
                "??",
                "main",
            ]
        );
        let f = &t.threads[0].frames;
        assert_eq!(
            f[4].location.as_deref(),
            Some("t.cpp:6"),
            "a string argument holds ' at '"
        );
        assert_eq!(
            f[8].location.as_deref(),
            Some("/lib/x86_64-linux-gnu/libc.so.6")
        );
        assert_eq!(f[7].location, None);
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
