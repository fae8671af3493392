//! Helpers for tests that drive real processes and a real terminal.
#![allow(dead_code)]

pub mod memcg;
pub mod pidns;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test: the release build when the test command names it
/// (`WHYTOP_BIN`), else the one cargo built for this test run.
pub fn bin() -> String {
    std::env::var("WHYTOP_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_whytop").to_string())
}

/// The real Python interpreter, not a version-manager shim (a pyenv shim is a
/// shell script that runs helpers as children before it execs Python).
pub fn python() -> String {
    static PY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 runs");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .clone()
}

/// Generous: the machine may be a loaded 2-core box.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Polls `f` until it returns Some, or panics with `what` and the last observation.
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < DEADLINE {
        match f() {
            Ok(v) => return v,
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}; last seen:\n{last}");
}

/// A child process killed and reaped, by pid, when the test ends; with `group`,
/// its whole process group (its descendants) is killed too.
pub struct Proc(pub Child, pub bool);

impl Proc {
    pub fn spawn(cmd: &mut Command) -> Proc {
        Proc(
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn"),
            false,
        )
    }

    /// Spawns as the leader of a new process group, so Drop reaches grandchildren.
    pub fn spawn_group(cmd: &mut Command) -> Proc {
        use std::os::unix::process::CommandExt;
        let mut p = Proc::spawn(cmd.process_group(0));
        p.1 = true;
        p
    }

    pub fn pid(&self) -> i32 {
        self.0.id() as i32
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.1 {
            // SAFETY: kill has no memory-safety preconditions; the group is ours.
            unsafe { libc::kill(-self.pid(), libc::SIGKILL) };
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A pseudo-terminal whose master the test holds (so the slave never hangs up).
pub struct Pty {
    _master: std::os::fd::OwnedFd,
    slave: std::os::fd::OwnedFd,
}

impl Pty {
    pub fn open() -> Pty {
        use std::os::fd::FromRawFd;
        let (mut m, mut s) = (-1, -1);
        // SAFETY: openpty writes two fds into the ints we pass; null name/termios/winsize are allowed
        // (null_mut: macOS declares termios and winsize mutable, Linux const).
        let rc = unsafe {
            libc::openpty(
                &mut m,
                &mut s,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both fds were just opened and are owned by nothing else.
        unsafe {
            Pty {
                _master: std::os::fd::OwnedFd::from_raw_fd(m),
                slave: std::os::fd::OwnedFd::from_raw_fd(s),
            }
        }
    }

    /// Runs `cmd` as a session leader whose controlling terminal is this pty
    /// (so it starts as the foreground job), stdio on the pty; its group is
    /// killed at the end.
    pub fn spawn(&self, cmd: &mut Command) -> Proc {
        use std::os::unix::process::CommandExt;
        let io = || Stdio::from(self.slave.try_clone().unwrap());
        cmd.stdin(io()).stdout(io()).stderr(io());
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        Proc(cmd.spawn().expect("spawn on pty"), true)
    }
}

/// A marker unique to this test run, to find our own processes in a list.
pub fn marker(name: &str) -> String {
    format!("whytoptest{}x{}{name}", std::process::id(), unique())
}

/// `sleep 300` whose argv[0] is `tag`, so its command line says which test owns it.
pub fn tagged_sleep(tag: &str) -> Proc {
    Proc::spawn(Command::new("bash").args(["-c", &format!("exec -a {tag} sleep 300")]))
}

/// The first descendant of `ancestor` named `comm` (say, the command a `script`
/// wrapper runs on its pseudo-terminal: a direct child when the shell execs it,
/// a grandchild under a `sh` that forks, as dash does).
pub fn descendant_named(ancestor: i32, comm: &str) -> i32 {
    wait_for(&format!("{comm} under pid {ancestor}"), || {
        let mut seen = Vec::new();
        let mut queue = vec![ancestor];
        while let Some(pid) = queue.pop() {
            let kids = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            for k in kids
                .split_whitespace()
                .filter_map(|k| k.parse::<i32>().ok())
            {
                let name = std::fs::read_to_string(format!("/proc/{k}/comm")).unwrap_or_default();
                if name.trim() == comm {
                    return Ok(k);
                }
                seen.push(format!("{k} {}", name.trim()));
                queue.push(k);
            }
        }
        Err(seen.join(", "))
    })
}

/// A private tmux server running one window, killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts an interactive bash with a fixed prompt, `w`x`h` cells.
    pub fn shell(w: u16, h: u16) -> Tmux {
        let socket = format!("whytop-test-{}-{}", std::process::id(), unique());
        let t = Tmux { socket };
        let status = t
            .cmd()
            .args([
                "new-session",
                "-d",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ])
            .args([
                "env",
                "PS1=READY$ ",
                "TERM=xterm-256color",
                "bash",
                "--norc",
                "--noprofile",
                "-i",
            ])
            .status()
            .expect("tmux runs (the test command installs it)");
        assert!(status.success(), "tmux new-session failed");
        t.wait_screen("the shell prompt", |s| s.contains("READY$"));
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c
    }

    /// Sends tmux key names (`Enter`, `F6`, `q`) or literal text with `literal`.
    pub fn keys(&self, keys: &[&str]) {
        let ok = self
            .cmd()
            .arg("send-keys")
            .args(keys)
            .status()
            .unwrap()
            .success();
        assert!(ok, "send-keys {keys:?}");
    }

    pub fn type_text(&self, text: &str) {
        let ok = self
            .cmd()
            .args(["send-keys", "-l", text])
            .status()
            .unwrap()
            .success();
        assert!(ok, "send-keys -l {text:?}");
    }

    pub fn screen(&self) -> String {
        self.capture(&[])
    }

    /// The screen with its attributes as SGR escape sequences (colours, reverse, bold).
    pub fn screen_escaped(&self) -> String {
        self.capture(&["-e"])
    }

    fn capture(&self, flags: &[&str]) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p"])
            .args(flags)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn wait_screen(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        wait_for(what, || {
            let s = self.screen();
            if pred(&s) { Ok(s) } else { Err(s) }
        })
    }

    /// Starts whytop (refresh 0.5 s) with its data in `data`, and waits for its table.
    pub fn whytop(&self, data: &std::path::Path, args: &str) {
        self.type_text(&format!(
            "WHYTOP_DATA_DIR={} {} -d 5 {args}",
            data.display(),
            bin()
        ));
        self.keys(&["Enter"]);
        self.wait_screen("whytop's table", |s| {
            s.contains("PID") && s.contains("COMMAND")
        });
    }

    /// Resizes the window (and so the pane and the terminal in it).
    pub fn resize(&self, w: u16, h: u16) {
        let ok = self
            .cmd()
            .args(["resize-window", "-x", &w.to_string(), "-y", &h.to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "resize-window {w}x{h}");
    }

    /// A pane format value, such as `#{alternate_on}` or `#{cursor_flag}`.
    pub fn pane_format(&self, format: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The pid of the pane's shell.
    pub fn pane_pid(&self) -> i32 {
        let out = self
            .cmd()
            .args(["display-message", "-p", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("pane pid")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
