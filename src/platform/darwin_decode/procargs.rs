//! The `sysctl({CTL_KERN, KERN_PROCARGS2, pid})` buffer, decoded.
//!
//! Layout (xnu `bsd/kern/kern_sysctl.c`, `sysctl_procargsx`): a native-endian
//! `int argc`; the executable path as given to `execve`, NUL-terminated; NUL
//! padding; then `argc` NUL-terminated argument strings, followed by the
//! environment and then, with nothing between them (`exec_copyout_strings`:
//! "only a NUL between strings in the same area", and the areas are laid end
//! to end), the kernel's `apple[]` strings (`pfz=`, `stack_guard=`,
//! `ptr_munge=`, `main_stack=`, ...; `exec_add_apple_strings` in
//! `bsd/kern/kern_exec.c`). They are told apart by their keys.
//!
//! When the caller may not see the environment (the target is restricted by
//! code signing while SIP is on, and the caller is neither the target nor
//! entitled), `sysctl_procargsx` cuts the copy right after argv: no
//! environment and no apple strings at all. Every exec'd process has apple
//! strings, so a buffer that ends with argv means "withheld", not "empty".

use crate::platform::decode_error::DecodeError;

/// The executable path and argument vector of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcArgs {
    pub exec_path: String,
    pub argv: Vec<String>,
    /// `NAME=value` strings after argv, up to the first apple string (or an
    /// empty string).
    pub env: Vec<String>,
    /// The kernel's `apple[]` strings that followed the environment.
    pub apple: Vec<String>,
    /// The kernel cut the copy after argv: the environment exists but was
    /// withheld from this caller (SIP and a restricted target), see the module doc.
    pub env_withheld: bool,
}

/// Keys of the strings `exec_add_apple_strings` appends after the environment
/// (xnu `bsd/kern/kern_exec.c`, the `*_KEY` defines). `executable_path=` is
/// the first apple string but is stored at the front (the exec path) and the
/// sysctl strips its key.
pub(crate) const APPLE_KEYS: &[&str] = &[
    "pfz=",
    "stack_guard=",
    "malloc_entropy=",
    "ptr_munge=",
    "main_stack=",
    "executable_file=",
    "dyld_file=",
    "executable_cdhash=",
    "dyld_flags=",
    "subsystem_root_path=",
    "executable_boothash=",
    "arm64e_abi=",
    "th_port=",
    "vm_force_4k_pages=",
    "HardenedRuntime=",
    "MallocExperiment=",
    "executable_path=",
];

/// The `NANO_ENGAGE_KEY` apple string, added (right after `pfz=`) only for a
/// `posix_spawn` with the nano allocator flag. As a key it is also a real
/// environment variable, so it counts as an apple string only next to them.
const NANO_ENGAGE: &str = "MallocNanoZone=1";

/// True for a string the kernel appended after the environment.
pub(crate) fn is_apple_string(s: &str) -> bool {
    APPLE_KEYS.iter().any(|k| s.starts_with(k))
}

impl ProcArgs {
    /// The command line as `ProcSample::cmdline` holds it: argv joined by spaces.
    pub fn cmdline(&self) -> String {
        self.argv.join(" ")
    }
}

/// Decodes a `KERN_PROCARGS2` buffer (only the bytes the kernel filled in).
///
/// A buffer that ends early (the kernel copies at most `kern.argmax` bytes)
/// yields the arguments that fit; one with no room for `argc` or a negative
/// `argc` is malformed.
pub fn decode_procargs2(buf: &[u8]) -> Result<ProcArgs, DecodeError> {
    let Some((argc, rest)) = buf.split_first_chunk::<4>() else {
        return Err(DecodeError::Short {
            what: "KERN_PROCARGS2 argc",
            got: buf.len(),
            need: 4,
        });
    };
    let argc = i32::from_ne_bytes(*argc);
    if argc < 0 {
        return Err(DecodeError::Invalid {
            what: "argc",
            value: argc.to_string(),
        });
    }
    let (exec_path, mut rest) = take_cstr(rest);
    // Skip the NUL padding between the exec path and argv[0].
    let pad = rest.iter().take_while(|&&b| b == 0).count();
    rest = &rest[pad..];
    let mut argv = Vec::with_capacity((argc as usize).min(64));
    while argv.len() < argc as usize && !rest.is_empty() {
        let (arg, after) = take_cstr(rest);
        argv.push(arg);
        rest = after;
    }
    // Read all of argv and nothing after it: the kernel omitted the environment.
    let env_withheld = argv.len() == argc as usize && rest.is_empty();
    let mut env = Vec::new();
    while rest.first().is_some_and(|&b| b != 0) {
        let (s, after) = take_cstr(rest);
        env.push(s);
        rest = after;
    }
    let mut cut = env
        .iter()
        .position(|s| is_apple_string(s))
        .unwrap_or(env.len());
    // Older kernels put the nano string first (no `pfz=` before it).
    if cut > 0 && cut < env.len() && env[cut - 1] == NANO_ENGAGE {
        cut -= 1;
    }
    let apple = env.split_off(cut);
    Ok(ProcArgs {
        exec_path,
        argv,
        env,
        apple,
        env_withheld,
    })
}

/// Why `KERN_PROCARGS2` failed, in the detail pane's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArgsError {
    /// Another user's process and the caller is not root: xnu answers EINVAL
    /// (`sysctl_procargsx`: uid differs and `suser()` fails), which means
    /// "permission denied", not a bad argument.
    NotYours,
    /// Gone, a zombie or a process that is exiting (no user stack, or the task
    /// is no longer IPC-active: also EINVAL).
    NotAvailable,
    Other(String),
}

impl std::fmt::Display for ArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArgsError::NotYours => {
                f.write_str("permission denied (another user's process: run as root)")
            }
            ArgsError::NotAvailable => f.write_str("not available (exited or exiting)"),
            ArgsError::Other(e) => f.write_str(e),
        }
    }
}

/// Classifies a failed `KERN_PROCARGS2` call: `errno`, the target's uid (when
/// known), the caller's effective uid.
pub(crate) fn procargs_error(errno: Option<i32>, target_uid: Option<u32>, euid: u32) -> ArgsError {
    match errno {
        Some(libc::EINVAL) if euid != 0 && target_uid.is_some_and(|u| u != euid) => {
            ArgsError::NotYours
        }
        Some(libc::EPERM | libc::EACCES) => ArgsError::NotYours,
        Some(libc::EINVAL | libc::ESRCH) => ArgsError::NotAvailable,
        Some(e) => ArgsError::Other(format!("error {e}")),
        None => ArgsError::Other("unknown error".into()),
    }
}

/// One NUL-terminated string off the front (or the whole slice when no NUL).
fn take_cstr(bytes: &[u8]) -> (String, &[u8]) {
    match bytes.iter().position(|&b| b == 0) {
        Some(n) => (
            String::from_utf8_lossy(&bytes[..n]).into_owned(),
            &bytes[n + 1..],
        ),
        None => (String::from_utf8_lossy(bytes).into_owned(), &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer as the kernel lays it out: argc, exec path, padding to a
    /// pointer boundary, argv, envp, the apple strings, then zero fill.
    fn fixture(argc: i32, exec: &str, args: &[&str], env: &[&str]) -> Vec<u8> {
        let mut b = argc.to_ne_bytes().to_vec();
        b.extend_from_slice(exec.as_bytes());
        b.push(0);
        while !b.len().is_multiple_of(8) {
            b.push(0);
        }
        for s in args.iter().chain(env) {
            b.extend_from_slice(s.as_bytes());
            b.push(0);
        }
        b.extend_from_slice(b"ptr_munge=\0main_stack=\0");
        b.resize(b.len() + 37, 0);
        b
    }

    #[test]
    fn shell_command_with_environment() {
        let buf = fixture(
            3,
            "/bin/zsh",
            &["-zsh", "-c", "sleep 100"],
            &["TERM=xterm-256color", "HOME=/Users/dev"],
        );
        let a = decode_procargs2(&buf).unwrap();
        assert_eq!(a.exec_path, "/bin/zsh");
        assert_eq!(a.argv, ["-zsh", "-c", "sleep 100"]);
        assert_eq!(a.cmdline(), "-zsh -c sleep 100");
        assert_eq!(a.env, ["TERM=xterm-256color", "HOME=/Users/dev"]);
        assert!(!a.env_withheld);
    }

    /// The tail of a real string area: the environment runs straight into the
    /// apple strings, one NUL apart (`exec_copyout_strings`), in the order
    /// `exec_add_apple_strings` adds them.
    fn kernel_area(env: &[&str], apple: &[&str]) -> Vec<u8> {
        let mut b = 1i32.to_ne_bytes().to_vec();
        b.extend_from_slice(b"/bin/sleep\0\0\0\0\0\0sleep\0");
        for s in env.iter().chain(apple) {
            b.extend_from_slice(s.as_bytes());
            b.push(0);
        }
        b.resize(b.len().next_multiple_of(8), 0);
        b
    }

    #[test]
    fn apple_strings_are_not_environment() {
        let apple = [
            "pfz=0xffffff8000",
            "stack_guard=0x3a9c1e4d7f60b200",
            "malloc_entropy=0x5f1e,0x9a3c",
            "ptr_munge=0x7d2a0c3e11",
            "main_stack=0x16f604000,0x800000,0x16b604000,0x4000000",
            "executable_file=0x1a01000009,0xfffffff0073a6c2",
            "dyld_file=0x1a01000009,0xfffffff0073a6f1",
            "executable_cdhash=6c1b8e0d3d8a8f1b2c44f0a3d9e6b1c0a7f2e411",
            "executable_boothash=3f0b9d64a0c6e1e7",
            "th_port=0x103",
        ];
        let a = decode_procargs2(&kernel_area(&["HOME=/Users/dev", "LANG=C"], &apple)).unwrap();
        assert_eq!(a.env, ["HOME=/Users/dev", "LANG=C"]);
        assert_eq!(a.apple.len(), apple.len());
        assert!(a.apple[0].starts_with("pfz="));
        assert!(!a.env_withheld);
        // An empty environment: everything after argv is apple.
        let a = decode_procargs2(&kernel_area(&[], &apple)).unwrap();
        assert!(a.env.is_empty());
        assert!(!a.env_withheld);
        // A user's own MallocNanoZone stays environment; the kernel's nano
        // string (before the other apple strings, no pfz) does not.
        let a = decode_procargs2(&kernel_area(&["MallocNanoZone=0"], &apple)).unwrap();
        assert_eq!(a.env, ["MallocNanoZone=0"]);
        let old = ["MallocNanoZone=1", "stack_guard=0x1", "ptr_munge=0x2"];
        let a = decode_procargs2(&kernel_area(&["TERM=xterm"], &old)).unwrap();
        assert_eq!(a.env, ["TERM=xterm"]);
        assert_eq!(a.apple.len(), 3);
    }

    #[test]
    fn environment_withheld_by_the_kernel() {
        // sysctl_procargsx with omit_env_vars: the copy ends right after argv.
        let mut buf = 2i32.to_ne_bytes().to_vec();
        buf.extend_from_slice(b"/usr/libexec/secd\0\0\0\0\0\0\0secd\0-x\0");
        let a = decode_procargs2(&buf).unwrap();
        assert_eq!(a.argv, ["secd", "-x"]);
        assert!(a.env.is_empty() && a.apple.is_empty());
        assert!(a.env_withheld);
    }

    #[test]
    fn procargs_einval_for_another_user_is_permission() {
        // uid 501 reading root's process: xnu says EINVAL.
        assert_eq!(
            procargs_error(Some(libc::EINVAL), Some(0), 501),
            ArgsError::NotYours
        );
        assert!(
            ArgsError::NotYours
                .to_string()
                .contains("permission denied")
        );
        // Own process (or root) with EINVAL: exiting or a zombie.
        assert_eq!(
            procargs_error(Some(libc::EINVAL), Some(501), 501),
            ArgsError::NotAvailable
        );
        assert_eq!(
            procargs_error(Some(libc::EINVAL), Some(501), 0),
            ArgsError::NotAvailable
        );
        assert_eq!(
            procargs_error(Some(libc::ESRCH), None, 501),
            ArgsError::NotAvailable
        );
        assert_eq!(
            procargs_error(Some(libc::EPERM), None, 501),
            ArgsError::NotYours
        );
        assert!(matches!(
            procargs_error(Some(libc::ENOMEM), None, 501),
            ArgsError::Other(_)
        ));
    }

    #[test]
    fn exec_path_differs_from_argv0() {
        let buf = fixture(
            2,
            "/Applications/Safari.app/Contents/MacOS/Safari",
            &["Safari", "-psn_0_12345"],
            &[],
        );
        let a = decode_procargs2(&buf).unwrap();
        assert_eq!(
            a.exec_path,
            "/Applications/Safari.app/Contents/MacOS/Safari"
        );
        assert_eq!(a.cmdline(), "Safari -psn_0_12345");
    }

    #[test]
    fn path_already_on_a_boundary_still_has_padding() {
        // "/bin/ls" + NUL ends exactly at offset 12; the kernel pads further.
        let mut buf = 1i32.to_ne_bytes().to_vec();
        buf.extend_from_slice(b"/bin/ls\0\0\0\0\0ls\0PATH=/bin\0");
        let a = decode_procargs2(&buf).unwrap();
        assert_eq!(a.argv, ["ls"]);
    }

    #[test]
    fn truncated_buffer_keeps_what_fits() {
        let buf = fixture(3, "/usr/bin/python3", &["python3", "-c", "print(1)"], &[]);
        let cut = buf
            .windows(2)
            .position(|w| w == b"-c")
            .expect("fixture has -c")
            + 1;
        let a = decode_procargs2(&buf[..cut]).unwrap();
        assert_eq!(a.argv, ["python3", "-"]);
    }

    #[test]
    fn zero_argc_and_malformed() {
        let a = decode_procargs2(&fixture(0, "/sbin/launchd", &[], &["X=1"])).unwrap();
        assert_eq!(a.exec_path, "/sbin/launchd");
        assert!(a.argv.is_empty());
        assert_eq!(a.cmdline(), "");
        assert!(decode_procargs2(&[1, 0]).is_err());
        assert!(decode_procargs2(&(-1i32).to_ne_bytes()).is_err());
        // argc but nothing else: an empty path, no arguments.
        let a = decode_procargs2(&2i32.to_ne_bytes()).unwrap();
        assert_eq!(a, ProcArgs::default());
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let buf = fixture(1, "/tmp/x", &["caf\u{e9}"], &[]);
        let mut raw = buf.clone();
        let at = raw
            .windows(5)
            .position(|w| w == "caf\u{e9}".as_bytes())
            .unwrap();
        raw[at + 3] = 0xff; // break the two-byte é
        let a = decode_procargs2(&raw).unwrap();
        assert!(a.argv[0].starts_with("caf\u{fffd}"));
    }
}
