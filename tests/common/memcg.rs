//! A private memory cgroup with a small limit, for OOM kills (root only),
//! removed on drop. cgroup v2 where its memory controller is there to use;
//! else the v1 memory hierarchy (a hybrid mount binds the memory controller to
//! v1, and a controller is in one hierarchy only).

use std::path::{Path, PathBuf};

pub struct MemoryCgroup {
    pub dir: PathBuf,
    /// Its path as the kernel names it in its log (`/name`).
    pub name: String,
    pub version: u8,
}

fn has_memory(list: &Path) -> bool {
    std::fs::read_to_string(list).is_ok_and(|s| s.split_whitespace().any(|c| c == "memory"))
}

impl MemoryCgroup {
    /// `limit` bytes of memory and no swap; the error says why not.
    pub fn new(name: &str, limit: u64) -> Result<MemoryCgroup, String> {
        let root = Path::new("/sys/fs/cgroup");
        let v2 = [root.to_path_buf(), root.join("unified")]
            .into_iter()
            .find(|r| has_memory(&r.join("cgroup.subtree_control")));
        let (base, version) = match v2 {
            Some(r) => (r, 2),
            None if root.join("memory/memory.limit_in_bytes").exists() => (root.join("memory"), 1),
            None => {
                return Err(format!(
                    "no memory cgroup to use: cgroup v2's memory controller is not enabled for children of {} ({}), and there is no v1 memory hierarchy",
                    root.display(),
                    std::fs::read_to_string(root.join("cgroup.controllers"))
                        .unwrap_or_else(|e| format!("cgroup.controllers: {e}"))
                        .trim()
                ));
            }
        };
        let dir = base.join(name);
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let cg = MemoryCgroup {
            dir,
            name: format!("/{name}"),
            version,
        };
        let write = |file: &str, value: &str| {
            std::fs::write(cg.dir.join(file), value)
                .map_err(|e| format!("{}/{file}: {e}", cg.dir.display()))
        };
        if version == 2 {
            write("memory.max", &limit.to_string())?;
            if cg.dir.join("memory.swap.max").exists() {
                write("memory.swap.max", "0")?;
            }
        } else {
            write("memory.limit_in_bytes", &limit.to_string())?;
            // Memory and swap together no more than memory alone: no swap.
            if cg.dir.join("memory.memsw.limit_in_bytes").exists() {
                write("memory.memsw.limit_in_bytes", &limit.to_string())?;
            }
        }
        Ok(cg)
    }

    /// The file a process writes its pid to, to move itself in.
    pub fn procs(&self) -> PathBuf {
        self.dir.join("cgroup.procs")
    }
}

impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        // Empty once its processes are reaped; that may take a moment.
        for _ in 0..100 {
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        eprintln!("could not remove {}", self.dir.display());
    }
}
