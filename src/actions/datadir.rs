//! Where whytop keeps what it writes (the audit log, captures, bundles), private
//! to its user: directories 0700 and files 0600 whatever the umask; a directory
//! or file owned by another user, or writable by group or others, is refused;
//! nothing inside is reached through a symlink (every open is relative to the
//! directory's fd, with O_NOFOLLOW).

use crate::platform::fs_safe::{self, OpenHow};
use std::fs::File;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: a symlink, and whytop never follows one in its data directory", path.display())]
    Symlink { path: PathBuf },
    #[error(
        "{}: owned by uid {owner}, not by uid {me} running whytop: its data stays where no one else can change it",
        path.display()
    )]
    NotOwned { path: PathBuf, owner: u32, me: u32 },
    #[error(
        "{}: writable by group or others (mode {mode:03o}); `chmod go-w` it or choose another WHYTOP_DATA_DIR",
        path.display()
    )]
    Writable { path: PathBuf, mode: u32 },
    #[error("{}: not a regular file", path.display())]
    NotAFile { path: PathBuf },
    #[error("{}: has {links} names (hard links); whytop writes only to a file of its own", path.display())]
    Linked { path: PathBuf, links: u64 },
    #[error("no home directory to keep whytop's data in (set WHYTOP_DATA_DIR)")]
    NoHome,
}

impl DataError {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> DataError {
        DataError::Io {
            path: path.into(),
            source,
        }
    }
}

/// `$WHYTOP_DATA_DIR`, else the platform data directory (`~/.local/share/whytop`,
/// `~/Library/Application Support/whytop`).
pub(crate) fn data_dir() -> Result<PathBuf, DataError> {
    if let Some(d) = std::env::var_os("WHYTOP_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "whytop")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(DataError::NoHome)
}

/// An open directory checked to be private, and its path for messages.
#[derive(Debug)]
pub struct PrivateDir {
    fd: File,
    path: PathBuf,
}

impl PrivateDir {
    /// The data directory, made if missing.
    pub fn data() -> Result<PrivateDir, DataError> {
        PrivateDir::open(&data_dir()?)
    }

    /// `<data dir>/name`, made if missing.
    pub(crate) fn data_sub(name: &str) -> Result<PrivateDir, DataError> {
        PrivateDir::data()?.sub(name)
    }

    /// The directory `path`, made 0700 (its parents as usual) if missing. The
    /// path itself may be a symlink only if this user or root made it: it is
    /// where the user chose to keep the data, not a name inside it.
    pub fn open(path: &Path) -> Result<PrivateDir, DataError> {
        let me = fs_safe::euid();
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    // 0755, not the umask's 0777: a parent others could write
                    // to would let them swap the data directory out.
                    std::fs::DirBuilder::new()
                        .recursive(true)
                        .mode(0o755)
                        .create(parent)
                        .map_err(|e| DataError::io(parent, e))?;
                }
                match std::fs::DirBuilder::new().mode(0o700).create(path) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        return Err(DataError::io(path, e));
                    }
                    _ => {}
                }
            }
            Err(e) => return Err(DataError::io(path, e)),
            Ok(m) if m.file_type().is_symlink() && m.uid() != me && m.uid() != 0 => {
                return Err(DataError::NotOwned {
                    path: path.into(),
                    owner: m.uid(),
                    me,
                });
            }
            Ok(_) => {}
        }
        let fd = File::open(path).map_err(|e| DataError::io(path, e))?;
        let dir = PrivateDir {
            fd,
            path: path.into(),
        };
        dir.check(&dir.fd, &dir.path, true)?;
        Ok(dir)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The subdirectory `name`, made 0700 if missing; a symlink is refused.
    pub fn sub(&self, name: &str) -> Result<PrivateDir, DataError> {
        let path = self.join(name);
        match fs_safe::mkdir_at(&self.fd, name, 0o700) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                return Err(DataError::io(path, e));
            }
            _ => {}
        }
        let fd = fs_safe::open_dir_at(&self.fd, name).map_err(|e| self.refused(name, e))?;
        self.check(&fd, &path, true)?;
        Ok(PrivateDir { fd, path })
    }

    /// Opens the file `name` (a symlink is refused) and checks it is a private
    /// regular file with one name; `None` when it does not exist and `how`
    /// does not create it.
    pub(crate) fn open_file(&self, name: &str, how: OpenHow) -> Result<Option<File>, DataError> {
        let path = self.join(name);
        let f = match fs_safe::open_at(&self.fd, name, how) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound && how == OpenHow::Read => {
                return Ok(None);
            }
            Err(e) => return Err(self.refused(name, e)),
        };
        self.check(&f, &path, false)?;
        Ok(Some(f))
    }

    /// Links the file `from` in this directory under the new name `to`.
    pub(crate) fn link(&self, from: &str, to: &str) -> io::Result<()> {
        fs_safe::link_at(&self.fd, from, to)
    }

    pub fn remove(&self, name: &str) -> io::Result<()> {
        fs_safe::unlink_at(&self.fd, name)
    }

    /// Makes the names in this directory durable.
    pub fn sync(&self) -> io::Result<()> {
        self.fd.sync_all()
    }

    /// Why opening `name` failed: a symlink says so; anything else as it was.
    fn refused(&self, name: &str, e: io::Error) -> DataError {
        let path = self.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => DataError::Symlink { path },
            _ => DataError::io(path, e),
        }
    }

    /// Owned by this user, not writable by group or others, then narrowed to
    /// 0700 (a directory) or 0600 (a file, which must be regular and have one name).
    fn check(&self, f: &File, path: &Path, dir: bool) -> Result<(), DataError> {
        let me = fs_safe::euid();
        let m = f.metadata().map_err(|e| DataError::io(path, e))?;
        let path = || path.to_path_buf();
        if m.uid() != me {
            return Err(DataError::NotOwned {
                path: path(),
                owner: m.uid(),
                me,
            });
        }
        let mode = m.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(DataError::Writable { path: path(), mode });
        }
        if !dir && !m.is_file() {
            return Err(DataError::NotAFile { path: path() });
        }
        if !dir && m.nlink() > 1 {
            return Err(DataError::Linked {
                path: path(),
                links: m.nlink(),
            });
        }
        let want = if dir { 0o700 } else { 0o600 };
        if mode != want {
            f.set_permissions(std::fs::Permissions::from_mode(want))
                .map_err(|e| DataError::io(path(), e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_private_and_symlinks_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let d = PrivateDir::open(&tmp.path().join("a/b")).unwrap();
        let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().mode() & 0o7777;
        assert_eq!(mode(d.path()), 0o700);
        let s = d.sub("snapshots").unwrap();
        assert_eq!(mode(s.path()), 0o700);
        d.open_file("f", OpenHow::Append).unwrap().unwrap();
        assert_eq!(mode(&d.join("f")), 0o600);
        assert!(d.open_file("missing", OpenHow::Read).unwrap().is_none());
        std::os::unix::fs::symlink("f", d.join("l")).unwrap();
        assert!(matches!(
            d.open_file("l", OpenHow::Append),
            Err(DataError::Symlink { .. })
        ));
        std::os::unix::fs::symlink("snapshots", d.join("sl")).unwrap();
        assert!(matches!(d.sub("sl"), Err(DataError::Symlink { .. })));
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o770)).unwrap();
        assert!(matches!(
            PrivateDir::open(d.path()),
            Err(DataError::Writable { .. })
        ));
        std::fs::hard_link(d.join("f"), s.join("g")).unwrap();
        assert!(matches!(
            s.open_file("g", OpenHow::Read),
            Err(DataError::Linked { .. })
        ));
    }
}
