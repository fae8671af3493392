//! Words for "permission denied" that fit who whytop runs as: telling root to
//! run as root is no help.

/// True when the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

pub use crate::model::why::denied_hint_for;

/// Refusals as this process's effective user meets them: as root, a refusal
/// is one to root (the hint does not tell root to become root). The Linux
/// reader decides this itself; the macOS backend calls this.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
pub(crate) fn for_viewer(unreadable: &mut [crate::model::why::Unreadable]) {
    use crate::model::why::UnreadableWhy;
    if is_root() {
        for u in unreadable {
            if u.why == UnreadableWhy::PermissionDenied {
                u.why = UnreadableWhy::DeniedToRoot;
            }
        }
    }
}

/// `denied_hint_for` this process's effective user.
pub(crate) fn denied_hint() -> &'static str {
    denied_hint_for(is_root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_not_told_to_become_root() {
        assert!(!denied_hint_for(true).contains("run as root"));
        assert!(denied_hint_for(false).contains("run as root"));
    }
}
