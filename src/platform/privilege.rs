//! Words for "permission denied" that fit who whytop runs as: telling root to
//! run as root is no help.

/// True when the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// What to do about a denied read, for an effective user that is or is not
/// root, on this system.
pub fn denied_hint_for(root: bool) -> &'static str {
    denied_hint_on(root, cfg!(target_os = "macos"))
}

/// `denied_hint_for` on macOS (`macos`) or Linux: what stops root differs.
pub fn denied_hint_on(root: bool, macos: bool) -> &'static str {
    match (root, macos) {
        (true, false) => {
            "denied even to root: the process is in another user namespace or a security module (Yama, AppArmor, SELinux) forbids it"
        }
        (true, true) => {
            "denied even to root: System Integrity Protection guards this process (a platform binary, or one with the hardened runtime)"
        }
        (false, _) => "run as root or as the owner",
    }
}

/// `denied_hint_for` this process's effective user.
pub fn denied_hint() -> &'static str {
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
