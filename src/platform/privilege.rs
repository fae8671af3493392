//! Words for "permission denied" that fit who whytop runs as: telling root to
//! run as root is no help.

/// True when the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// What to do about a denied read, for an effective user that is or is not root.
pub fn denied_hint_for(root: bool) -> &'static str {
    if root {
        "denied even to root: the process is in another user namespace or a security module (Yama, AppArmor, SELinux) forbids it"
    } else {
        "run as root or as the owner"
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
}
