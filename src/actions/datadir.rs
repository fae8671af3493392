//! Where whytop keeps what it writes: the audit log, captures, bundles.

use std::path::PathBuf;

/// `$WHYTOP_DATA_DIR`, else the platform data directory (`~/.local/share/whytop`,
/// `~/Library/Application Support/whytop`).
pub fn data_dir() -> Result<PathBuf, String> {
    if let Some(d) = std::env::var_os("WHYTOP_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "whytop")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            "no home directory to keep whytop's data in (set WHYTOP_DATA_DIR)".to_string()
        })
}
