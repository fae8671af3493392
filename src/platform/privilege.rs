//! Words for "permission denied" that fit who whytop runs as: telling root to
//! run as root is no help.

/// True when the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

pub use crate::model::why::{denied_hint_for, denied_hint_on};

/// Refusals as this process's effective user meets them: as root, a refusal
/// is one to root (the hint does not tell root to become root), and on macOS
/// what stops root is System Integrity Protection. The Linux reader decides
/// this itself; the macOS backend calls this.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
pub(crate) fn for_viewer(unreadable: &mut [crate::model::why::Unreadable]) {
    use crate::model::why::UnreadableWhy;
    if is_root() {
        for u in unreadable {
            if u.why == UnreadableWhy::PermissionDenied {
                u.why = if super::os::MACOS {
                    UnreadableWhy::ProtectedFromRoot
                } else {
                    UnreadableWhy::DeniedToRoot
                };
            }
        }
    }
}

/// The hint for this process's effective user, on this system.
pub(crate) fn denied_hint() -> &'static str {
    denied_hint_on(is_root(), super::os::MACOS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_not_told_to_become_root() {
        assert!(!denied_hint_for(true).contains("run as root"));
        assert!(denied_hint_for(false).contains("run as root"));
    }

    #[test]
    fn macos_hint_names_what_macos_has() {
        let mac = denied_hint_on(true, true);
        for linux_only in ["Yama", "AppArmor", "SELinux", "namespace"] {
            assert!(!mac.contains(linux_only), "{mac}");
        }
        assert!(mac.contains("System Integrity Protection"));
        assert!(denied_hint_on(true, false).contains("Yama"));
        assert_eq!(denied_hint_on(false, true), denied_hint_on(false, false));
    }
}
