//! The stack-capture floor that needs no tool: every thread's kernel stack
//! (`/proc/PID/task/TID/stack`, root only), wchan and syscall line.

use std::path::Path;

/// The floor in the `== TID name ==` form `stackfmt::kernel` reads; `None` when
/// `root` has no entry for `pid` (it exited).
pub fn read(root: &Path, pid: i32) -> Option<String> {
    let task_dir = root.join(pid.to_string()).join("task");
    let rd = std::fs::read_dir(&task_dir).ok()?;
    let mut tids: Vec<i32> = rd
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    let mut out = String::new();
    for tid in tids {
        let dir = task_dir.join(tid.to_string());
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).map(|s| s.trim_end().to_string());
        let comm = read("comm").unwrap_or_default();
        out.push_str(&format!("== {tid} {comm} ==\n"));
        match read("stack") {
            Ok(s) if !s.is_empty() => {
                out.push_str(&s);
                out.push('\n');
            }
            Ok(_) => out.push_str("# kernel stack empty (running in user space)\n"),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => out.push_str(&format!(
                "# kernel stack unreadable: permission denied ({})\n",
                if crate::platform::privilege::is_root() {
                    crate::platform::privilege::denied_hint()
                } else {
                    "needs root"
                }
            )),
            Err(e) => out.push_str(&format!("# kernel stack unreadable: {e}\n")),
        }
        if let Ok(w) = read("wchan") {
            out.push_str(&format!("# wchan {w}\n"));
        }
        if let Ok(s) = read("syscall") {
            out.push_str(&format!("# syscall {s}\n"));
        }
    }
    Some(out)
}
