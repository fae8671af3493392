//! elfutils' `eu-stack -p PID`.

use super::frame_line;
use crate::model::callstack::{CallTree, Frame, ThreadStack};

/// `TID 1234:` starts a thread; `#0  0x00007f.. clock_nanosleep@GLIBC_2.2.5`
/// is a frame: the rest of the line after the address is the (demangled) name,
/// spaces and all (`Box<int>::hold(std::vector<int, std::allocator<int> >&)`);
/// it may be missing (`??`).
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
        let (addr, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if addr.is_empty() {
            continue;
        }
        let name = without_symbol_version(name.trim());
        tree.push_frame(Frame {
            function: if name.is_empty() { "??" } else { name }.to_string(),
            location: Some(addr.to_string()),
            count: None,
        });
    }
    tree
}

/// `clock_nanosleep@GLIBC_2.2.5` and `__libc_start_main@@GLIBC_2.34` without
/// their symbol version; a name with `@` elsewhere is left alone.
fn without_symbol_version(name: &str) -> &str {
    match name.rfind('@') {
        Some(i)
            if i + 1 < name.len()
                && !name[i + 1..].contains(|c: char| c.is_whitespace() || "()<>,".contains(c)) =>
        {
            name[..i].trim_end_matches('@')
        }
        _ => name,
    }
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
    fn cpp_names_are_whole() {
        let t = parse(include_str!(
            "../../../tests/fixtures/stacks/eu-stack-cpp.txt"
        ));
        let f = &t.threads[0].frames;
        assert_eq!(f[2].function, "sleep");
        assert!(
            f[3].function
                .starts_with("void (anonymous namespace)::W::wait<int>(std::map<")
                && f[3].function.ends_with(" > >&)"),
            "{}",
            f[3].function
        );
        assert_eq!(
            f[4].function,
            "Box<int>::hold(std::vector<int, std::allocator<int> >&, char const*)"
        );
        assert_eq!(
            f[5].function,
            "std::vector<int, std::allocator<int> >::push_back(int const&)"
        );
        assert_eq!(f[7].function, "__libc_start_main");
        assert_eq!(f[8].function, "??");
        assert_eq!(f[8].location.as_deref(), Some("0x000055f6e237c0f1"));
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
