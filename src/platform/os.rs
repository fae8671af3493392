//! Which system this binary was built for, as values: code outside
//! `platform/` asks these instead of writing `cfg(target_os)` itself.

/// Built for Linux.
pub(crate) const LINUX: bool = cfg!(target_os = "linux");
/// Built for macOS.
pub(crate) const MACOS: bool = cfg!(target_os = "macos");
