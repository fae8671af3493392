//! What tells which call a thread in `restart_syscall` resumed (see
//! `model::why::restart`): its kernel stack and the code before its PC.

use super::remote_mem::read_remote;
use crate::model::Pid;
use crate::model::why::{Resumed, Syscall};
use crate::platform::syscall_site::{WINDOW, nr_at_site};
use std::io;
use std::path::Path;

/// The clues for `sc`, a `restart_syscall` of thread dir `task` in process
/// `pid`. Each clue that cannot be had is returned with its error, by name.
pub(crate) fn read_resumed(
    task: &Path,
    pid: Pid,
    sc: &Syscall,
    read_memory: bool,
) -> (Resumed, Vec<(&'static str, io::Error)>) {
    let mut r = Resumed::default();
    let mut gaps = Vec::new();
    // Root only (CAP_SYS_ADMIN); where it is readable it names the restart function.
    match std::fs::read_to_string(task.join("stack")) {
        Ok(text) => r.stack = parse_stack(&text),
        Err(e) => gaps.push(("stack", e)),
    }
    if read_memory
        && let Some(arch) = sc.arch
        && sc.pc > WINDOW as u64
    {
        match read_remote(pid, sc.pc - WINDOW as u64, WINDOW) {
            Ok(code) => r.code_nr = nr_at_site(arch, &code),
            Err(e) => gaps.push(("code", e)),
        }
    }
    (r, gaps)
}

/// `/proc/PID/stack`: `[<0>] hrtimer_nanosleep+0x74/0xf0` per frame, innermost
/// first; the function names.
pub(crate) fn parse_stack(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let f = l.split_once("] ").map_or(l, |(_, f)| f).trim();
            let name = f.split('+').next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_frames() {
        let text = "[<0>] futex_do_wait+0x46/0x90\n[<0>] __futex_wait+0x8a/0x100\n[<0>] futex_wait_restart+0x47/0x80\n[<0>] do_syscall_64+0x71/0x280\n";
        assert_eq!(
            parse_stack(text),
            [
                "futex_do_wait",
                "__futex_wait",
                "futex_wait_restart",
                "do_syscall_64"
            ]
        );
        assert!(parse_stack("").is_empty());
    }
}
