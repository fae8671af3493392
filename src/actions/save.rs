//! Saving what whytop produced (captures, bundles) without ever overwriting:
//! written to a temporary file, then linked into place under a free name.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file-name-safe form of a command: letters, digits, `-_.`; at most 40 chars.
pub fn safe_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let trimmed = cleaned.trim_matches('_');
    if trimmed.is_empty() {
        "process".into()
    } else {
        trimmed.into()
    }
}

/// `20261124-125100`, local time.
pub fn stamp() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    crate::ui::format::local_time(t as f64)
        .replace(['-', ':'], "")
        .replace(' ', "-")
}

/// Saves `bytes` as `dir/stem.ext`, or `dir/stem-2.ext`... if taken. The content
/// is complete on disk (synced) before the name appears.
pub fn save_unique(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    let fail = |e: std::io::Error, p: &Path| format!("{}: {e}", p.display());
    std::fs::create_dir_all(dir).map_err(|e| fail(e, dir))?;
    let tmp = dir.join(format!(".{stem}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp).map_err(|e| fail(e, &tmp))?;
        f.write_all(bytes).map_err(|e| fail(e, &tmp))?;
        f.sync_all().map_err(|e| fail(e, &tmp))?;
    }
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let dest = dir.join(name);
        // A hard link fails if the name exists: no overwrite, no race.
        match std::fs::hard_link(&tmp, &dest) {
            Ok(()) => {
                let _ = std::fs::remove_file(&tmp);
                return Ok(dest);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(fail(e, &dest));
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
    Err(format!("{}: no free name for {stem}.{ext}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = save_unique(dir.path(), "x", "json", b"one").unwrap();
        let b = save_unique(dir.path(), "x", "json", b"two").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary left behind"
        );
        assert_eq!(
            safe_name("/usr/bin/python3 -c 'x'"),
            "usr_bin_python3_-c__x"
        );
        assert_eq!(safe_name("!!"), "process");
    }
}
