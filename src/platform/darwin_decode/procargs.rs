//! The `sysctl({CTL_KERN, KERN_PROCARGS2, pid})` buffer, decoded.
//!
//! Layout (xnu `bsd/kern/kern_sysctl.c`, `sysctl_procargsx`): a native-endian
//! `int argc`; the executable path as given to `execve`, NUL-terminated; NUL
//! padding; then `argc` NUL-terminated argument strings, followed by the
//! environment and the `apple[]` strings, which are ignored here.

/// The executable path and argument vector of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcArgs {
    pub exec_path: String,
    pub argv: Vec<String>,
    /// `NAME=value` strings after argv, up to the first empty string (as psutil
    /// reads them; the kernel's `apple[]` strings may trail).
    pub env: Vec<String>,
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
pub fn decode_procargs2(buf: &[u8]) -> Result<ProcArgs, String> {
    let Some((argc, rest)) = buf.split_first_chunk::<4>() else {
        return Err(format!("{} bytes: too short for argc", buf.len()));
    };
    let argc = i32::from_ne_bytes(*argc);
    if argc < 0 {
        return Err(format!("negative argc {argc}"));
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
    let mut env = Vec::new();
    while rest.first().is_some_and(|&b| b != 0) {
        let (s, after) = take_cstr(rest);
        env.push(s);
        rest = after;
    }
    Ok(ProcArgs {
        exec_path,
        argv,
        env,
    })
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
        assert_eq!(a.env[..2], ["TERM=xterm-256color", "HOME=/Users/dev"]);
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
