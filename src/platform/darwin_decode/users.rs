//! uid -> user name through `getpwuid_r(3)`, cached per uid.
//!
//! macOS keeps most accounts in Open Directory, not `/etc/passwd`, so the
//! backend asks the C library. The call is POSIX; it is compiled on every
//! Unix so these lines are exercised by the Linux test run too.

use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub(crate) struct UserCache {
    names: HashMap<u32, Arc<str>>,
}

impl UserCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The account name, or the number as text when the uid has none.
    pub fn name(&mut self, uid: u32) -> Arc<str> {
        self.names
            .entry(uid)
            .or_insert_with(|| Arc::from(lookup(uid).unwrap_or_else(|| uid.to_string())))
            .clone()
    }
}

/// One `getpwuid_r` lookup, growing the string buffer on `ERANGE`.
pub(crate) fn lookup(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 1024];
    loop {
        // SAFETY: an all-zero `passwd` is valid (null pointers, zero ids).
        let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer refers to a live local of the right type and
        // `buf.len()` is the buffer's true length.
        let rc = unsafe {
            libc::getpwuid_r(
                uid as libc::uid_t,
                &mut pw,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pw.pw_name.is_null() {
            return None;
        }
        // SAFETY: on success `pw_name` points at a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(pw.pw_name) };
        return Some(name.to_string_lossy().into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_unknown() {
        let mut u = UserCache::new();
        assert_eq!(&*u.name(0), "root");
        // Cached: the same allocation comes back.
        let a = u.name(0);
        assert!(Arc::ptr_eq(&a, &u.name(0)));
        assert_eq!(&*u.name(3_999_999_999), "3999999999");
    }
}
