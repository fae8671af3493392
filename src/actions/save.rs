//! Saving what whytop produced (captures, bundles) without ever overwriting:
//! written to a temporary file (0600), then linked into place under a free name.

use super::datadir::{DataError, PrivateDir};
use crate::platform::fs_safe::OpenHow;
use std::io::Write;
use std::path::PathBuf;

/// A file-name-safe form of a command: letters, digits, `-_.`; at most 40 chars.
pub(crate) fn safe_name(s: &str) -> String {
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
pub(crate) fn stamp() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    crate::platform::localtime::format(t as f64)
        .replace(['-', ':'], "")
        .replace(' ', "-")
}

/// Saves `bytes` as `dir/stem.ext`, or `dir/stem-2.ext`... if taken. The content
/// is complete on disk (synced) before the name appears; every name is
/// relative to the directory's fd, so a symlink planted there is never followed.
pub(crate) fn save_unique(
    dir: &PrivateDir,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<PathBuf, DataError> {
    let (tmp, mut f) = temp_file(dir, stem)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = dir.remove(&tmp);
        return Err(DataError::io(dir.join(&tmp), e));
    }
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        // A hard link fails if the name exists (a symlink too): no overwrite, no race.
        match dir.link(&tmp, &name) {
            Ok(()) => {
                let _ = dir.remove(&tmp);
                let _ = dir.sync();
                return Ok(dir.join(&name));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = dir.remove(&tmp);
                return Err(DataError::io(dir.join(&name), e));
            }
        }
    }
    let _ = dir.remove(&tmp);
    Err(DataError::io(
        dir.join(&format!("{stem}.{ext}")),
        std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free name"),
    ))
}

/// A new temporary file in `dir`, its name unique to this process and call
/// (two threads saving the same stem at once must not share one), created
/// exclusively (0600) so nothing else's file is ever truncated.
fn temp_file(dir: &PrivateDir, stem: &str) -> Result<(String, std::fs::File), DataError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let tmp = format!(".{stem}.{}.{n}.tmp", std::process::id());
        match dir.open_file(&tmp, OpenHow::CreateNew) {
            Ok(Some(f)) => return Ok((tmp, f)),
            Ok(None) => unreachable!("CreateNew creates"),
            // Left behind by a crashed run that had our pid: take the next number.
            Err(DataError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let private = PrivateDir::open(dir.path()).unwrap();
        let a = save_unique(&private, "x", "json", b"one").unwrap();
        let b = save_unique(&private, "x", "json", b"two").unwrap();
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

    #[test]
    fn saves_of_one_stem_at_once_keep_their_own_content() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let dir = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    let dir = PrivateDir::open(&dir).unwrap();
                    (0..25)
                        .map(|i| {
                            let body = format!("thread {t} save {i} ").repeat(200);
                            let path =
                                save_unique(&dir, "same", "txt", body.as_bytes()).expect("saved");
                            (path, body)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut paths = std::collections::HashSet::new();
        for t in threads {
            for (path, body) in t.join().unwrap() {
                assert_eq!(std::fs::read_to_string(&path).unwrap(), body, "{path:?}");
                assert!(paths.insert(path), "two saves got one name");
            }
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            200,
            "no temporaries left"
        );
    }
}
